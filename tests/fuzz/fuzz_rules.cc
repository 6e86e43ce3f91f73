// Fuzz target: a flag rules file (rules/flags.toml format) compiled against the Darlington
// matrix, then every rule evaluated, rendered and explained on two risks (one with every
// score set, one with no target and no previous score). Only typed riskreg errors may escape
// the loader; anything else (another exception, a crash, a sanitizer report) is a finding.
#include <vector>

#include "core/error.h"
#include "fuzz_common.h"
#include "register/risk_view.h"
#include "rules/facts.h"
#include "rules/rule_set.h"

using namespace riskreg;

namespace {
std::vector<rules::RiskFacts> sample_facts(const Matrix& m) {
  std::vector<rules::RiskFacts> out;
  RiskState full;
  full.id = "R1";
  full.title = "A risk";
  full.owner = "Owner";
  full.current = AssessmentRow{2, "R1", m.codes({2, 1}), "tester", "2026-11-01T00:00:00Z", "now"};
  full.previous = AssessmentRow{1, "R1", m.codes({1, 2}), "tester", "2026-10-01T00:00:00Z", "before"};
  full.target = m.codes({0, 0});
  full.priorities = 2;
  full.actions = 3;
  RiskState bare;
  bare.id = "R2";
  bare.title = "Another";
  bare.current =
      AssessmentRow{3, "R2", m.codes({m.likelihood.size() - 1, m.impact.size() - 1}), "t", "2026-11-01T00:00:00Z", "r"};
  Timestamp now = *parse_timestamp("2026-11-23T09:00:00Z");
  for (const auto& s : {full, bare}) out.push_back(rules::facts_of(view_of(s, m), m, now));
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Matrix& m = fuzz::darlington();
  static const auto facts = sample_facts(m);
  rules::RuleSet set;
  try {
    set = rules::load_rules_text(fuzz::text_of(data, size), "fuzz.toml", m);
  } catch (const Error&) {
    return 0;
  }
  for (const auto& rule : set.rules)
    for (const auto& f : facts) {
      (void)rule.condition.matches(f);
      (void)set.message(rule, f, m);
      (void)rule.condition.explain(f, m);
    }
  return 0;
}
