#include "graph/check.h"

#include "core/text.h"

namespace riskreg {

std::vector<GraphFinding> check_graph(const RegisterNetwork& net) {
  const auto& g = net.graph;
  std::vector<GraphFinding> out;
  for (const auto& cycle : g.feed_cycles()) {
    std::vector<std::string> ids;
    for (NodeId n : cycle) ids.push_back(g.node(n).id);
    out.push_back({"cycle", ids.front(), "feed cycle: " + join(ids, " -> ")});
  }
  for (const auto& r : net.data.risks) {
    NodeId n = *g.find(NodeKind::Risk, r.id);
    bool mitigated = false;
    for (EdgeId e : g.in_edges(n)) mitigated |= g.edge(e).kind == EdgeKind::Mitigates;
    if (!mitigated) out.push_back({"unmitigated-risk", r.id, r.id + " is linked to no priority"});
  }
  for (const auto& p : net.data.priorities) {
    if (!p.actions.empty()) continue;
    NodeId n = *g.find(NodeKind::Priority, p.id);
    int subs = 0;
    for (EdgeId e : g.out_edges(n)) subs += g.edge(e).kind == EdgeKind::SubPriority;
    out.push_back({"priority-without-action", p.id,
                   p.id + " has no action" +
                       (subs ? " of its own (its " + std::to_string(subs) + " sub-priorities have theirs)" : "")});
  }
  for (const auto& p : net.data.priorities)
    for (const auto& a : p.actions)
      if (a.lead_officers.empty())
        out.push_back(
            {"action-without-lead", a.id,
             a.id + " has no lead officer" +
                 (a.lead_officers_as_written.empty() ? "" : " (as written: \"" + a.lead_officers_as_written + "\")")});
  for (const auto& p : net.data.priorities)
    for (const auto& a : p.actions)
      if (trim(a.completion).empty()) out.push_back({"action-without-date", a.id, a.id + " has no completion date"});
  for (const auto& d : net.dangling)
    out.push_back({"dangling-reference", d.from,
                   d.from + ": " + d.field + " names '" + d.to + "', which the register does not hold"});
  return out;
}

}  // namespace riskreg
