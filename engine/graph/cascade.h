#pragma once
/// What-if cascades: a risk's score changes; how far does the change travel along the feed
/// links, which risks cross the appetite line, and who is then in scope. The rule comes from
/// rules/cascade.toml (docs/graph.md); bands and appetite from the Matrix. Writes nothing.
#include <optional>
#include <string>
#include <vector>

#include "data/toml_reader.h"
#include "domain/matrix.h"
#include "graph/build.h"
#include "store/store.h"

namespace riskreg {

/// The cascade rule (rules/cascade.toml, documented in docs/graph.md).
///
/// When a feeder's band moves by Δ (positive = worse), each risk it feeds has its likelihood
/// moved by round(Δ × strength) levels (half away from zero, capped at the scale's ends);
/// that risk's own band change then travels on. A risk reached along several links takes
/// the largest move, never the sum.
struct CascadeRule {
  double stated_strength = 1.0;    ///< strength of a `stated` feed link
  double inferred_strength = 0.5;  ///< strength of an `inferred` feed link
  /// When a link carries its own transition probability, use it as the strength.
  bool use_transition_probability = true;
  int max_depth = 5;           ///< links followed from the re-scored risk, at most
  bool worsening_only = true;  ///< only worsening (Δ > 0) propagates
};

/// Parses a cascade rules file. Throws FileError with positions.
CascadeRule load_cascade_rule(const TomlFile& file);
CascadeRule load_cascade_rule_text(const std::string& text, const std::string& name);
/// The rule in a register's rules bundle (cascade.toml); nullopt if the bundle has none.
std::optional<CascadeRule> cascade_rule_from(const std::vector<RulesFile>& rules);

/// One risk the cascade reaches.
struct CascadeStep {
  std::string risk;
  std::string title;
  Cell from;
  Cell to;
  int band_change = 0;
  bool was_above = false;
  bool now_above = false;
  /// The path the change travelled, re-scored risk first: {"R5", "R1", "R3"}.
  std::vector<std::string> path;
  std::string basis;    ///< of the last link
  double strength = 0;  ///< of the last link
  int depth = 0;
  /// The priorities mitigating this risk, their actions and lead officers.
  std::vector<std::string> priorities, actions, officers;
};

struct CascadeResult {
  std::string risk;
  std::string title;
  std::optional<Cell> from;
  Cell to;
  int band_change = 0;
  bool was_above = false;
  bool now_above = false;
  bool propagates = false;         ///< false when Δ is 0, or an improvement under worsening_only
  std::vector<CascadeStep> steps;  ///< risks whose score would move, in the order reached
  /// In scope: priorities, actions and officers of the re-scored risk and of every moved risk.
  std::vector<std::string> priorities, actions, officers;
  /// Risks that would cross the appetite line upwards (ids).
  std::vector<std::string> crossing;
  /// The re-scored risk is closed (`riskreg close`, RegisterNetwork::closed): nothing propagates.
  bool closed = false;
  /// Closed risks the change reached along a feed link and would have moved, in the order
  /// reached: a cascade moves no closed risk, and goes no further through one.
  std::vector<std::string> closed_not_moved;
};

/// Applies `to` to `risk` (whose score was `from`) and propagates it. Other risks start at
/// their current scores in `net.data`. Terminates on cycles: a risk's likelihood only ever
/// rises, is bounded by the scale, and the walk stops at `rule.max_depth`. Risks marked closed
/// in `net` (graph/closed.h) are neither moved nor passed through; a closed `risk` moves nothing.
CascadeResult cascade(const RegisterNetwork& net, const Matrix& m, const CascadeRule& rule, NodeId risk,
                      std::optional<Cell> from, Cell to);

}  // namespace riskreg
