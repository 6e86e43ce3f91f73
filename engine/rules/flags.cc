#include "rules/flags.h"

namespace riskreg::rules {

std::vector<Flag> evaluate(const RuleSet& set, const std::vector<RiskFacts>& facts, const Matrix& m) {
  std::vector<Flag> out;
  for (size_t i = 0; i < facts.size(); ++i)
    for (const auto& rule : set.rules)
      if (rule.condition.matches(facts[i])) out.push_back({i, &rule, set.message(rule, facts[i], m)});
  return out;
}

size_t count_matches(const RuleSet& set, const std::vector<RiskFacts>& facts) {
  size_t n = 0;
  for (const auto& f : facts)
    for (const auto& rule : set.rules) n += rule.condition.matches(f);
  return n;
}

std::vector<const Flag*> FlagReport::on(const std::string& risk_id) const {
  std::vector<const Flag*> out;
  for (const auto& f : flags)
    if (facts[f.risk].id == risk_id) out.push_back(&f);
  return out;
}

FlagReport flag_register(Store& store, const Matrix& m, const RuleSet& set, Timestamp now) {
  FlagReport r;
  r.facts = load_facts(store, m, now);
  r.flags = evaluate(set, r.facts, m);
  return r;
}

}  // namespace riskreg::rules
