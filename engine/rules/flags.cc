#include "rules/flags.h"

namespace riskreg::rules {

std::vector<Flag> evaluate(const RuleSet& set, const std::vector<RiskFacts>& facts) {
  std::vector<Flag> out;
  for (size_t i = 0; i < facts.size(); ++i)
    for (const auto& rule : set.rules)
      if (rule.condition.matches(facts[i])) out.push_back({i, &rule});
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
  r.flags = evaluate(set, r.facts);
  return r;
}

RiskFlagger::RiskFlagger(Store& store, const Matrix& m, const RuleSet& set, Timestamp now)
    : store_(store), m_(m), set_(set), now_(now), needs_upstream_(set.needs_upstream()) {}

std::vector<const Rule*> RiskFlagger::fired(const RiskState& s) {
  std::vector<const Rule*> out;
  if (set_.rules.empty()) return out;
  RiskFacts f = needs_upstream_ ? load_risk_facts(store_, m_, s.id, now_) : facts_of(view_of(s, m_), m_, now_);
  for (const auto& rule : set_.rules)
    if (rule.condition.matches(f)) out.push_back(&rule);
  return out;
}

}  // namespace riskreg::rules
