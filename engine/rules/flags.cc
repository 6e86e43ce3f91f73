#include "rules/flags.h"

#include "core/parallel.h"

namespace riskreg::rules {

std::vector<Flag> evaluate(const RuleSet& set, const std::vector<RiskFacts>& facts, size_t split_from) {
  auto part = [&](size_t first, size_t last, std::vector<Flag>& out) {
    for (size_t i = first; i < last; ++i)
      if (!facts[i].closed)  // a closed risk is managed no more: no flag
        for (const auto& rule : set.rules)
          if (rule.condition.matches(facts[i])) out.push_back({i, &rule});
  };
  // A large register in two halves at once; the second half's flags follow the first's.
  const size_t n = facts.size(), half = worth_splitting(n, split_from) ? n / 2 : n;
  std::vector<Flag> out, second;
  run_both(
      half < n, [&] { part(0, half, out); }, [&] { part(half, n, second); });
  out.insert(out.end(), second.begin(), second.end());
  return out;
}

size_t count_matches(const RuleSet& set, const std::vector<RiskFacts>& facts) {
  size_t n = 0;
  for (const auto& f : facts)
    if (!f.closed)
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
  if (set_.rules.empty() || s.closed) return out;
  RiskFacts f = needs_upstream_ ? load_risk_facts(store_, m_, s.id, now_) : facts_of(view_of(s, m_), m_, now_);
  for (const auto& rule : set_.rules)
    if (rule.condition.matches(f)) out.push_back(&rule);
  return out;
}

}  // namespace riskreg::rules
