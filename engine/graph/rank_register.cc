#include "graph/rank_register.h"

#include "core/error.h"
#include "graph/closed.h"
#include "graph/network_file.h"

namespace riskreg {

RegisterRanking rank_register(Store& store, const Matrix& m, bool links) {
  RegisterRanking r;
  if (store.more_risks_than(kRegisterRankMaxRisks)) {
    r.unavailable =
        "not computed above " + std::to_string(kRegisterRankMaxRisks) + " risks: run riskreg network --rank";
    return r;
  }
  NetworkRules rules;
  try {
    rules = network_rules_from(store.rules());
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::NotFound) throw;
    r.unavailable = "the register holds no network.toml";
    return r;
  }
  RegisterData data = store.load();
  drop_closed(data, closed_risks(store));  // closed risks leave the network
  r.net = network_from_register(data, m, rules);
  RankOptions opt;
  opt.links = links;
  r.ranking = rank_mitigations(r.net, opt);
  return r;
}

RiskMitigationShare risk_mitigation_share(Store& store, const Matrix& m, const std::string& id) {
  RiskMitigationShare out;
  RegisterRanking r = rank_register(store, m, false);
  if (!r.unavailable.empty()) {
    out.why_not = r.unavailable;
    return out;
  }
  auto v = r.net.find(id);
  if (!v)
    if (auto s = store.risk_state(id); s && s->closed) {
      out.why_not = id + " is closed: closed risks leave the network";
      return out;
    }
  if (!v) throw Error(ErrorKind::NotFound, "no risk '" + id + "' in the register's network");
  out.total = r.ranking.total;
  for (const auto& row : r.ranking.rows)
    if (row.steps[0].from == *v) {
      out.ranked = true;
      out.reduction = row.reduction;
      out.share = row.share;
      return out;
    }
  for (const auto& d : r.ranking.on_diverging)
    if (d.kind == Mitigation::Kind::ZeroSpontaneous && d.from == *v) {
      out.why_not = id + "'s expected frequency diverges (downstream of a supercritical loop)";
      return out;
    }
  out.why_not = id + " does not occur of itself (spontaneous probability 0)";
  return out;
}

}  // namespace riskreg
