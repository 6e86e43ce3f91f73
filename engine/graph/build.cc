#include "graph/build.h"

#include <unordered_set>

#include "core/error.h"
#include "core/text.h"

namespace riskreg {

namespace {
template <class T>
const T* at(const std::vector<const T*>& v, NodeId n) {
  return n < v.size() ? v[n] : nullptr;
}
template <class T>
void put(std::vector<const T*>& v, NodeId n, const T* p) {
  if (v.size() <= n) v.resize(n + 1, nullptr);
  v[n] = p;
}
}  // namespace

const Risk* RegisterNetwork::risk(NodeId n) const { return at(risk_of, n); }
const Priority* RegisterNetwork::priority(NodeId n) const { return at(priority_of, n); }
const Action* RegisterNetwork::action(NodeId n) const { return at(action_of, n); }
const Objective* RegisterNetwork::objective(NodeId n) const { return at(objective_of, n); }

NodeId RegisterNetwork::resolve(const std::string& text) const {
  std::string t = to_upper(trim(text));
  if (!t.empty() && std::isdigit(static_cast<unsigned char>(t[0]))) t = "R" + t;
  // Ids are written upper-case except the action suffix ("P3.1-A2"), so compare upper-cased.
  std::vector<std::string> known;
  for (NodeId n = 0; n < graph.node_count(); ++n) {
    const auto& node = graph.node(n);
    if (node.kind != NodeKind::Risk && node.kind != NodeKind::Priority && node.kind != NodeKind::Action) continue;
    if (to_upper(node.id) == t) return n;
    known.push_back(node.id);
  }
  throw Error(ErrorKind::NotFound, "no risk, priority or action '" + text + "'" + did_you_mean_suffix(text, known));
}

RegisterNetwork build_network(RegisterData d) {
  RegisterNetwork net;
  net.data = std::move(d);
  const RegisterData& data = net.data;
  GraphBuilder b;
  size_t actions = 0;
  for (const auto& p : data.priorities) actions += p.actions.size();
  b.reserve(data.risks.size() + data.priorities.size() + actions * 3 + data.objectives.size(),
            data.feeds.size() + actions * 4 + data.priorities.size() * 4);

  auto& risk_of = net.risk_of;
  auto& priority_of = net.priority_of;
  for (const auto& r : data.risks) put(risk_of, b.node(NodeKind::Risk, r.id), &r);
  for (const auto& o : data.objectives) put(net.objective_of, b.node(NodeKind::Objective, o.id), &o);
  for (const auto& p : data.priorities) put(priority_of, b.node(NodeKind::Priority, p.id), &p);

  auto dangle = [&](const std::string& from, const std::string& field, const std::string& to) {
    net.dangling.push_back({from, field, to});
  };
  for (const auto& f : data.feeds) {
    auto from = b.find(NodeKind::Risk, f.from), to = b.find(NodeKind::Risk, f.to);
    if (!from) dangle(f.from + " -> " + f.to, "feed from", f.from);
    if (!to) dangle(f.from + " -> " + f.to, "feed to", f.to);
    if (!from || !to) continue;
    Basis basis = f.basis == "stated" ? Basis::Stated : f.basis == "inferred" ? Basis::Inferred : Basis::None;
    b.edge({*from, *to, EdgeKind::Feeds, basis, f.transition_probability});
  }
  for (const auto& p : data.priorities) {
    NodeId pn = *b.find(NodeKind::Priority, p.id);
    if (!p.parent.empty()) {
      if (auto parent = b.find(NodeKind::Priority, p.parent))
        b.edge({*parent, pn, EdgeKind::SubPriority, Basis::None, std::nullopt});
      else
        dangle(p.id, "parent", p.parent);
    }
    for (const auto& r : p.risks) {
      if (auto rn = b.find(NodeKind::Risk, r))
        b.edge({pn, *rn, EdgeKind::Mitigates, Basis::None, std::nullopt});
      else
        dangle(p.id, "risks", r);
    }
    for (const auto& o : p.departmental_objectives) {
      if (auto on = b.find(NodeKind::Objective, o))
        b.edge({pn, *on, EdgeKind::Serves, Basis::None, std::nullopt});
      else
        dangle(p.id, "departmental_objectives", o);
    }
    for (const auto& a : p.actions) {
      NodeId an = b.node(NodeKind::Action, a.id);
      put(net.action_of, an, &a);
      b.edge({pn, an, EdgeKind::HasAction, Basis::None, std::nullopt});
      for (const auto& pi : a.pis)
        b.edge({an, b.node(NodeKind::Pi, pi), EdgeKind::MeasuredBy, Basis::None, std::nullopt});
      for (const auto& who : a.lead_officers) {
        std::string name = trim(who);
        if (!name.empty()) b.edge({an, b.node(NodeKind::Officer, name), EdgeKind::LedBy, Basis::None, std::nullopt});
      }
    }
  }
  for (const auto& o : data.outcomes)
    if (!o.objective.empty() && !b.find(NodeKind::Objective, o.objective))
      dangle("outcome " + o.title, "objective", o.objective);
  size_t n = b.node_count();
  net.graph = std::move(b).build();
  risk_of.resize(n, nullptr);
  priority_of.resize(n, nullptr);
  net.action_of.resize(n, nullptr);
  net.objective_of.resize(n, nullptr);
  return net;
}

}  // namespace riskreg
