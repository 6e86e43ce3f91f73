// Fuzz target: one rule condition (the expression language of docs/rules.md) lexed, parsed
// and type-checked against the Darlington matrix, then evaluated and explained on a risk.
#include "core/error.h"
#include "fuzz_common.h"
#include "register/risk_view.h"
#include "rules/evaluator.h"
#include "rules/facts.h"

using namespace riskreg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Matrix& m = fuzz::darlington();
  static const std::vector<rules::Param> params;
  static const rules::RiskFacts facts = [&] {
    RiskState s;
    s.id = "R5";
    s.title = "Capacity";
    s.current = AssessmentRow{2, "R5", m.codes({2, 1}), "t", "2026-11-01T00:00:00Z", "r"};
    s.previous = AssessmentRow{1, "R5", m.codes({3, 1}), "t", "2026-10-01T00:00:00Z", "r"};
    return rules::facts_of(view_of(s, m), m, *parse_timestamp("2026-11-23T09:00:00Z"));
  }();
  try {
    auto p = rules::Program::compile(fuzz::text_of(data, size), rules::Scope{&m, &params});
    (void)p.matches(facts);
    (void)p.explain(facts, m);
  } catch (const Error&) {
  }
  return 0;
}
