#include "graph/closed.h"

#include <algorithm>

namespace riskreg {

std::set<std::string> closed_risks(Store& store) {
  std::set<std::string> out;
  store.for_each_risk([&](const RiskState& s) {
    if (s.closed) out.insert(s.id);
  });
  return out;
}

void mark_closed(RegisterNetwork& net, const std::set<std::string>& closed) {
  net.closed_of.assign(net.graph.node_count(), 0);
  for (NodeId n = 0; n < net.graph.node_count(); ++n)
    if (const Risk* r = net.risk(n); r && closed.count(r->id)) net.closed_of[n] = 1;
}

std::vector<std::string> drop_closed(RegisterData& data, const std::set<std::string>& closed) {
  std::vector<std::string> out;
  if (closed.empty()) return out;
  for (const auto& r : data.risks)
    if (closed.count(r.id)) out.push_back(r.id);
  std::erase_if(data.risks, [&](const Risk& r) { return closed.count(r.id) > 0; });
  std::erase_if(data.feeds, [&](const Feed& f) { return closed.count(f.from) > 0 || closed.count(f.to) > 0; });
  for (auto& p : data.priorities) std::erase_if(p.risks, [&](const std::string& id) { return closed.count(id) > 0; });
  return out;
}

Error closed_risk_error(const std::string& id, const std::string& part) {
  return Error(ErrorKind::InvalidInput,
               id + " is closed: closed risks take no part in " + part + " (riskreg reopen " + id + " brings it back)");
}

}  // namespace riskreg
