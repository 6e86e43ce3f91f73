#pragma once
/// Ranking mitigations on the risk network (issue 23): which single change — a risk no longer
/// occurring spontaneously, or a feed link cut — or which pair of them reduces the expected
/// impact most. Exact: one forward solve (frequencies), one adjoint solve (what one occurrence
/// of each risk costs), and a Sherman–Morrison rank-one update per cut link; the algebra is in
/// docs/graph.md "Ranking mitigations".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/network_model.h"

namespace riskreg {

/// One candidate change to a network.
struct Mitigation {
  enum class Kind : uint8_t {
    ZeroSpontaneous,  ///< risk `from` no longer occurs of itself (s = 0)
    CutLink,          ///< every link `from` → `to` removed
  };
  Kind kind = Kind::ZeroSpontaneous;
  uint32_t from = 0;
  uint32_t to = 0;
  double amount = 0;  ///< what is removed: s of the risk, or the summed t of the links cut

  bool operator==(const Mitigation&) const = default;
};

/// "zero R5" or "cut R5 -> R1".
std::string describe(const RiskNetwork& net, const Mitigation& m);
/// The network with the mitigations applied.
RiskNetwork apply_mitigations(const RiskNetwork& net, const std::vector<Mitigation>& steps);

struct RankOptions {
  /// Rank by the reduction of this risk's propagated frequency; else of the total expected
  /// impact Σ frequency × impact.
  std::optional<uint32_t> target;
  bool pairs = false;        ///< also every pair of candidates (exact, one update pass per first step)
  bool links = true;         ///< consider cutting links (false: only zeroing risks)
  double tolerance = 1e-13;  ///< relative, for the iterative solves inside loops
  int max_iterations = 1000000;
};

struct RankedMitigation {
  std::vector<Mitigation> steps;  ///< one, or two with pairs
  double before = 0;              ///< the objective now
  double after = 0;               ///< the objective with the steps applied
  double reduction = 0;           ///< before − after (≥ 0)
  double share = 0;               ///< reduction / before (0 when before is 0)
};

struct Ranking {
  /// The objective over the risks whose frequency is finite (all of them unless `diverging`).
  double total = 0;
  /// Risks whose expected frequency is infinite: downstream of a supercritical part
  /// (spectral radius ≥ 1) that a spontaneously occurring risk reaches. They are left out of
  /// the objective; mitigations acting only on them are listed apart, not ranked.
  std::vector<uint32_t> diverging;
  /// Largest spectral radius among those supercritical parts (0 if none).
  double diverging_radius = 0;
  /// With a target: the target itself diverges, so nothing is ranked.
  bool target_diverges = false;
  std::vector<RankedMitigation> rows;    ///< best first (ties: singles before pairs, then candidate order)
  std::vector<Mitigation> on_diverging;  ///< candidates acting on the diverging part, not ranked
  size_t candidates = 0;                 ///< single candidates considered (ranked + on_diverging)
};

/// Ranks every candidate: each risk with s > 0 zeroed, each linked pair of risks (with t > 0)
/// cut, and with `pairs` every pair of those. Rows are exact (to the solver's tolerance).
Ranking rank_mitigations(const RiskNetwork& net, const RankOptions& opt = {});

/// The objective of `net` solved from scratch (forward solve, SCC by SCC): the total expected
/// impact, or the target's frequency. Infinite if it diverges. What the ranking is checked
/// against, and the baseline of its benchmark.
double solve_objective(const RiskNetwork& net, std::optional<uint32_t> target = std::nullopt, double tolerance = 1e-13,
                       int max_iterations = 1000000);

}  // namespace riskreg
