#pragma once
/// Evaluating a rule set over every risk of a register: the flags.
#include <string>
#include <vector>

#include "rules/facts.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace riskreg::rules {

/// One rule firing on one risk. Its message is rendered when it is shown (FlagReport::message,
/// RuleSet::message), not when it fires: a register of 1,000,000 risks fires millions of flags,
/// and what prints them streams.
struct Flag {
  size_t risk = 0;  ///< index into the facts it was evaluated over
  const Rule* rule = nullptr;
};

/// A register of at least this many risks is evaluated in two halves at once.
inline constexpr size_t kEvaluateSplitFrom = 50000;

/// Flags of every open risk (a closed one has none), in risk order then rule order; in two halves at once (on two
/// cores) from `split_from` risks.
std::vector<Flag> evaluate(const RuleSet& set, const std::vector<RiskFacts>& facts,
                           size_t split_from = kEvaluateSplitFrom);

/// How many (risk, rule) pairs fire; evaluation only, no messages — what the benchmark times.
size_t count_matches(const RuleSet& set, const std::vector<RiskFacts>& facts);

/// A register's facts and flags.
struct FlagReport {
  std::vector<RiskFacts> facts;
  std::vector<Flag> flags;

  /// The flags on one risk (by id), in rule order.
  std::vector<const Flag*> on(const std::string& risk_id) const;
  /// A flag's message, rendered from its rule and its risk's facts (`set` and `m` as evaluated).
  std::string message(const Flag& f, const RuleSet& set, const Matrix& m) const {
    return set.message(*f.rule, facts[f.risk], m);
  }
};

/// Loads every risk's facts from the store (streamed) and evaluates the rule set.
FlagReport flag_register(Store& store, const Matrix& m, const RuleSet& set, Timestamp now);

/// Flags one risk at a time, for output that streams (list on a large register): the same
/// facts and flags as flag_register, but nothing is loaded up front. A risk's feed counts
/// (upstream, upstream_above) are read from the store per risk, and only when some rule
/// names them.
class RiskFlagger {
 public:
  RiskFlagger(Store& store, const Matrix& m, const RuleSet& set, Timestamp now);
  /// The rules that fire on `s`, in rule order.
  std::vector<const Rule*> fired(const RiskState& s);

 private:
  Store& store_;
  const Matrix& m_;
  const RuleSet& set_;
  Timestamp now_;
  bool needs_upstream_ = false;
};

}  // namespace riskreg::rules
