#include "graph/trace.h"

#include <algorithm>
#include <unordered_set>

namespace riskreg {

TraceItem item_of(const RegisterNetwork& net, const Matrix& m, NodeId n) {
  TraceItem it;
  const auto& node = net.graph.node(n);
  it.kind = node.kind;
  it.id = node.id;
  if (const Risk* r = net.risk(n)) {
    it.title = r->title;
    if (r->current) {
      if (auto c = m.cell(*r->current)) {
        it.score = m.format(*c);
        it.band = m.band(*c).name;
        it.above_appetite = m.above_appetite(*c);
      }
    }
  } else if (const Priority* p = net.priority(n)) {
    it.title = p->title;
  } else if (const Action* a = net.action(n)) {
    it.title = a->text;
    it.lead_officers = a->lead_officers;
    it.completion = a->completion;
    it.due = a->due;
    it.status = a->status;
    it.pis = a->pis;
  } else if (const Objective* o = net.objective(n)) {
    it.title = o->title;
  }
  return it;
}

namespace {

class Tracer {
 public:
  Tracer(const RegisterNetwork& net, const Matrix& m, bool stated_only) : net_(net), m_(m), stated_only_(stated_only) {}

  /// Children of `n` going downstream (effects, mitigations, delivery).
  std::vector<TraceNode> down(NodeId n) {
    std::vector<TraceNode> out;
    const auto& g = net_.graph;
    NodeKind k = g.node(n).kind;
    if (k == NodeKind::Risk) {
      for (EdgeId e : g.in_edges(n))
        if (g.edge(e).kind == EdgeKind::Mitigates) push(out, g.edge(e).from, "mitigated by", "", true);
      for (EdgeId e : g.out_edges(n)) {
        const auto& ed = g.edge(e);
        if (ed.kind != EdgeKind::Feeds || skip(ed)) continue;
        push(out, ed.to, "feeds", basis_name(ed.basis), true);
      }
    } else if (k == NodeKind::Priority) {
      for (EdgeId e : g.out_edges(n)) {
        const auto& ed = g.edge(e);
        if (ed.kind == EdgeKind::SubPriority) push(out, ed.to, "sub-priority", "", true);
        if (ed.kind == EdgeKind::HasAction) push(out, ed.to, "action", "", true);
      }
      // The objectives a priority serves are listed only at the root: under every risk
      // they would repeat the same six objectives.
      if (depth_ == 0)
        for (EdgeId e : g.out_edges(n))
          if (g.edge(e).kind == EdgeKind::Serves) out.push_back(leaf(g.edge(e).to, "serves"));
    } else if (k == NodeKind::Action && depth_ == 0) {
      for (EdgeId e : g.out_edges(n)) {
        const auto& ed = g.edge(e);
        if (ed.kind == EdgeKind::LedBy) out.push_back(leaf(ed.to, "led by"));
        if (ed.kind == EdgeKind::MeasuredBy) out.push_back(leaf(ed.to, "measured by"));
      }
    }
    return out;
  }

  /// Children of `n` going upstream (causes, what a priority or action addresses).
  std::vector<TraceNode> up(NodeId n) {
    std::vector<TraceNode> out;
    const auto& g = net_.graph;
    NodeKind k = g.node(n).kind;
    if (k == NodeKind::Risk) {
      for (EdgeId e : g.in_edges(n)) {
        const auto& ed = g.edge(e);
        if (ed.kind != EdgeKind::Feeds || skip(ed)) continue;
        push(out, ed.from, "fed by", basis_name(ed.basis), false);
      }
    } else if (k == NodeKind::Priority) {
      for (EdgeId e : g.in_edges(n))
        if (g.edge(e).kind == EdgeKind::SubPriority) push(out, g.edge(e).from, "part of", "", false);
      for (EdgeId e : g.out_edges(n))
        if (g.edge(e).kind == EdgeKind::Mitigates) push(out, g.edge(e).to, "mitigates", "", false);
    } else if (k == NodeKind::Action) {
      for (EdgeId e : g.in_edges(n))
        if (g.edge(e).kind == EdgeKind::HasAction) push(out, g.edge(e).from, "of priority", "", false);
    }
    return out;
  }

  /// The closed risks left out so far, in the order met.
  const std::vector<std::string>& closed() const { return closed_; }

  void reset(NodeId root) {
    seen_.clear();
    seen_.insert(root);
  }

 private:
  bool skip(const EdgeInfo& e) const { return stated_only_ && e.basis != Basis::Stated; }

  TraceNode leaf(NodeId n, const char* relation) { return {item_of(net_, m_, n), relation, "", false, {}}; }

  /// Expands `n` into `out`, unless it is a closed risk: those are left out, and named once.
  void push(std::vector<TraceNode>& out, NodeId n, const char* relation, std::string basis, bool downstream) {
    if (net_.closed(n)) {
      const std::string& id = net_.graph.node(n).id;
      if (std::find(closed_.begin(), closed_.end(), id) == closed_.end()) closed_.push_back(id);
      return;
    }
    out.push_back(expand(n, relation, std::move(basis), downstream));
  }

  TraceNode expand(NodeId n, const char* relation, std::string basis, bool downstream) {
    TraceNode t{item_of(net_, m_, n), relation, std::move(basis), false, {}};
    if (!seen_.insert(n).second) {
      t.repeated = true;
      return t;
    }
    ++depth_;
    t.children = downstream ? down(n) : up(n);
    --depth_;
    return t;
  }

  const RegisterNetwork& net_;
  const Matrix& m_;
  bool stated_only_;
  int depth_ = 0;
  std::unordered_set<NodeId> seen_;
  std::vector<std::string> closed_;
};

}  // namespace

Trace trace(const RegisterNetwork& net, const Matrix& m, NodeId node, bool stated_only) {
  Trace t;
  t.root = item_of(net, m, node);
  Tracer tr(net, m, stated_only);
  tr.reset(node);
  t.upstream = tr.up(node);
  tr.reset(node);
  t.downstream = tr.down(node);
  t.closed = tr.closed();
  return t;
}

}  // namespace riskreg
