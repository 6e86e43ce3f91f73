#pragma once
/// The mitigation ranking of the register itself (rules/network.toml's mapping), for the
/// commands that show a part of it: `show ID` (one risk's share) and the HTML export's
/// "Where mitigation pays most". `riskreg network --rank` has the whole of it.
#include <cstdint>
#include <string>

#include "domain/matrix.h"
#include "graph/rank.h"
#include "store/store.h"

namespace riskreg {

/// Above this many risks, `show` and the HTML export leave the ranking to
/// `riskreg network --rank` (each would otherwise load the whole register).
inline constexpr int64_t kRegisterRankMaxRisks = 10000;

struct RegisterRanking {
  RiskNetwork net;
  Ranking ranking;
  /// Why there is no ranking (no network.toml in the register, too many risks); empty if there is.
  std::string unavailable;
};

/// Ranks the register's mitigations by the reduction of its total expected impact; with
/// `links` false only "the risk no longer occurs spontaneously" (all `show` needs).
/// Closed risks (`riskreg close`) are left out, with their feed links.
RegisterRanking rank_register(Store& store, const Matrix& m, bool links);

/// What `show ID` says: how much of the register's total expected impact would go if the
/// risk no longer occurred spontaneously.
struct RiskMitigationShare {
  bool ranked = false;  ///< false: see `why_not`
  double reduction = 0, total = 0, share = 0;
  std::string why_not;  ///< e.g. "R7 does not occur of itself (s = 0)"
};
RiskMitigationShare risk_mitigation_share(Store& store, const Matrix& m, const std::string& id);

}  // namespace riskreg
