#include "graph/model.h"

#include <algorithm>
#include <deque>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>

#include "core/error.h"

namespace riskreg {

const char* kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::Risk:
      return "risk";
    case NodeKind::Priority:
      return "priority";
    case NodeKind::Action:
      return "action";
    case NodeKind::Objective:
      return "objective";
    case NodeKind::Pi:
      return "pi";
    case NodeKind::Officer:
      return "officer";
  }
  return "?";
}

const char* kind_name(EdgeKind k) {
  switch (k) {
    case EdgeKind::Feeds:
      return "feeds";
    case EdgeKind::Mitigates:
      return "mitigates";
    case EdgeKind::SubPriority:
      return "sub-priority";
    case EdgeKind::HasAction:
      return "has-action";
    case EdgeKind::MeasuredBy:
      return "measured-by";
    case EdgeKind::LedBy:
      return "led-by";
    case EdgeKind::Serves:
      return "serves";
  }
  return "?";
}

const char* basis_name(Basis b) {
  switch (b) {
    case Basis::None:
      return "";
    case Basis::Stated:
      return "stated";
    case Basis::Inferred:
      return "inferred";
  }
  return "?";
}

// A named namespace, not an anonymous one: RegisterGraph::Impl (a class with linkage) holds a
// Csr, and GCC warns when such a member's type is anonymous outside the main file (as in CI's
// unity build, engine/CMakeLists.txt).
namespace graph_csr {
/// What the CSR graph stores per edge: the edge's number and its kind (kept next to the
/// adjacency so that walks filtered by kind read memory in order).
struct EdgeProp {
  EdgeId id = 0;
  EdgeKind kind = EdgeKind::Feeds;
};
}  // namespace graph_csr
using graph_csr::EdgeProp;
using Csr = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, EdgeProp, boost::no_property,
                                               NodeId, EdgeId>;
using CsrVertex = boost::graph_traits<Csr>::vertex_descriptor;

namespace {
std::string key_of(NodeKind kind, std::string_view id) {
  std::string k;
  k.reserve(id.size() + 1);
  k.push_back(static_cast<char>('0' + static_cast<int>(kind)));
  k.append(id);
  return k;
}

struct FeedsOnly {
  const Csr* g = nullptr;
  template <class E>
  bool operator()(const E& e) const {
    return (*g)[e].kind == EdgeKind::Feeds;
  }
};
}  // namespace

struct RegisterGraph::Impl {
  std::vector<NodeInfo> nodes;
  std::vector<EdgeInfo> edges;
  std::unordered_map<std::string, NodeId> index;
  Csr csr;
  /// Feed links only, as plain CSR over node numbers (non-risk nodes have empty ranges),
  /// in the order the links were added: the fast path of feed closures. `down_*` follows
  /// links forwards (cause to effect), `up_*` backwards.
  std::vector<NodeId> down_off, down_to, up_off, up_to;
};

namespace {
/// Counting-sort CSR of the feed links, forwards or backwards; stable in edge order, as the
/// Boost CSR is, so walks visit neighbours in the same order.
void feed_csr(const std::vector<EdgeInfo>& edges, size_t nodes, bool upstream, std::vector<NodeId>& off,
              std::vector<NodeId>& to) {
  off.assign(nodes + 1, 0);
  for (const auto& e : edges)
    if (e.kind == EdgeKind::Feeds) ++off[(upstream ? e.to : e.from) + 1];
  for (size_t v = 0; v < nodes; ++v) off[v + 1] += off[v];
  to.resize(off[nodes]);
  std::vector<NodeId> next(off.begin(), off.end() - 1);
  for (const auto& e : edges)
    if (e.kind == EdgeKind::Feeds) to[next[upstream ? e.to : e.from]++] = upstream ? e.from : e.to;
}

/// Breadth-first order of everything reachable from `from` in a CSR, `from` excluded.
/// `seen` (one byte per node; measured faster here than one bit) is all zeros on entry and
/// on exit: only the entries set here are cleared.
std::vector<NodeId> csr_closure(const std::vector<NodeId>& off, const std::vector<NodeId>& to, NodeId from,
                                std::vector<uint8_t>& seen) {
  std::vector<NodeId> order;
  const NodeId* o = off.data();
  const NodeId* t = to.data();
  uint8_t* s = seen.data();
  s[from] = 1;
  for (NodeId i = o[from]; i < o[from + 1]; ++i)
    if (!s[t[i]]) s[t[i]] = 1, order.push_back(t[i]);
  for (size_t head = 0; head < order.size(); ++head) {
    NodeId v = order[head];
    for (NodeId i = o[v], end = o[v + 1]; i < end; ++i) {
      NodeId w = t[i];
      if (!s[w]) s[w] = 1, order.push_back(w);
    }
  }
  s[from] = 0;
  for (NodeId v : order) s[v] = 0;
  return order;
}
}  // namespace

void GraphBuilder::reserve(size_t nodes, size_t edges) {
  nodes_.reserve(nodes);
  edges_.reserve(edges);
  index_.reserve(nodes);
}

NodeId GraphBuilder::node(NodeKind kind, std::string_view id) {
  auto [it, added] = index_.try_emplace(key_of(kind, id), static_cast<NodeId>(nodes_.size()));
  if (added) nodes_.push_back({kind, std::string(id)});
  return it->second;
}

std::optional<NodeId> GraphBuilder::find(NodeKind kind, std::string_view id) const {
  auto it = index_.find(key_of(kind, id));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

RegisterGraph GraphBuilder::build() && {
  RegisterGraph g;
  auto& im = *g.impl_;
  im.nodes = std::move(nodes_);
  im.edges = std::move(edges_);
  im.index = std::move(index_);
  if (im.edges.size() >= std::numeric_limits<EdgeId>::max() || im.nodes.size() >= std::numeric_limits<NodeId>::max())
    throw Error(ErrorKind::InvalidInput, "graph too large: at most 2^32 - 1 nodes and edges");
  std::vector<std::pair<NodeId, NodeId>> ends;
  std::vector<EdgeProp> props;
  ends.reserve(im.edges.size());
  props.reserve(im.edges.size());
  for (size_t i = 0; i < im.edges.size(); ++i) {
    const auto& e = im.edges[i];
    if (e.from >= im.nodes.size() || e.to >= im.nodes.size())
      throw Error(ErrorKind::Internal, "graph edge to a node that was never added");
    ends.emplace_back(e.from, e.to);
    props.push_back({static_cast<EdgeId>(i), e.kind});
  }
  im.csr = Csr(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(), props.begin(), im.nodes.size());
  feed_csr(im.edges, im.nodes.size(), false, im.down_off, im.down_to);
  feed_csr(im.edges, im.nodes.size(), true, im.up_off, im.up_to);
  return g;
}

RegisterGraph::RegisterGraph() : impl_(std::make_unique<Impl>()) {}
RegisterGraph::RegisterGraph(RegisterGraph&&) noexcept = default;
RegisterGraph& RegisterGraph::operator=(RegisterGraph&&) noexcept = default;
RegisterGraph::~RegisterGraph() = default;

size_t RegisterGraph::node_count() const { return impl_->nodes.size(); }
size_t RegisterGraph::edge_count() const { return impl_->edges.size(); }
const NodeInfo& RegisterGraph::node(NodeId n) const { return impl_->nodes.at(n); }
const EdgeInfo& RegisterGraph::edge(EdgeId e) const { return impl_->edges.at(e); }

std::optional<NodeId> RegisterGraph::find(NodeKind kind, std::string_view id) const {
  auto it = impl_->index.find(key_of(kind, id));
  if (it == impl_->index.end()) return std::nullopt;
  return it->second;
}

std::vector<EdgeId> RegisterGraph::out_edges(NodeId n) const {
  std::vector<EdgeId> out;
  const Csr& g = impl_->csr;
  for (auto [it, end] = boost::out_edges(n, g); it != end; ++it) out.push_back(g[*it].id);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<EdgeId> RegisterGraph::in_edges(NodeId n) const {
  std::vector<EdgeId> out;
  const Csr& g = impl_->csr;
  for (auto [it, end] = boost::in_edges(n, g); it != end; ++it) out.push_back(g[*it].id);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<NodeId> RegisterGraph::closure(NodeId from, EdgeMask mask, bool upstream) const {
  if (from >= node_count()) throw Error(ErrorKind::Internal, "closure from a node that was never added");
  constexpr uint32_t kKinds = (1u << (static_cast<unsigned>(EdgeKind::Serves) + 1)) - 1;
  if ((mask.bits & kKinds) == EdgeMask::of({EdgeKind::Feeds}).bits) {
    // Feed links only: the plain CSR, no kind checks. The visited bytes are kept per thread
    // and handed back cleared, so a query allocates only its result.
    thread_local std::vector<uint8_t> seen;
    if (seen.size() < node_count()) seen.assign(node_count(), 0);
    try {
      return upstream ? csr_closure(impl_->up_off, impl_->up_to, from, seen)
                      : csr_closure(impl_->down_off, impl_->down_to, from, seen);
    } catch (...) {
      std::fill(seen.begin(), seen.end(), 0);  // out of memory mid-walk: leave it cleared
      throw;
    }
  }
  const Csr& g = impl_->csr;
  std::vector<bool> seen(node_count(), false);
  std::vector<NodeId> order;
  seen[from] = true;
  order.push_back(from);
  for (size_t head = 0; head < order.size(); ++head) {
    NodeId v = order[head];
    if (upstream) {
      for (auto [it, end] = boost::in_edges(v, g); it != end; ++it) {
        if (!mask.has(g[*it].kind)) continue;
        NodeId u = static_cast<NodeId>(boost::source(*it, g));
        if (!seen[u]) seen[u] = true, order.push_back(u);
      }
    } else {
      for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
        if (!mask.has(g[*it].kind)) continue;
        NodeId w = static_cast<NodeId>(boost::target(*it, g));
        if (!seen[w]) seen[w] = true, order.push_back(w);
      }
    }
  }
  order.erase(order.begin());
  return order;
}

std::vector<std::vector<NodeId>> RegisterGraph::feed_cycles() const {
  const Csr& g = impl_->csr;
  boost::filtered_graph<Csr, FeedsOnly> feeds(g, FeedsOnly{&g});
  std::vector<NodeId> comp(node_count());
  size_t ncomp = boost::strong_components(
      feeds, boost::make_iterator_property_map(comp.begin(), boost::get(boost::vertex_index, g)));
  std::vector<size_t> size(ncomp, 0);
  for (NodeId c : comp) ++size[c];
  std::vector<std::vector<NodeId>> cycles;
  std::vector<bool> done(ncomp, false);
  for (NodeId start = 0; start < node_count(); ++start) {
    NodeId c = comp[start];
    if (done[c] || impl_->nodes[start].kind != NodeKind::Risk) continue;
    bool self = false;
    for (auto [it, end] = boost::out_edges(start, g); it != end; ++it)
      if (g[*it].kind == EdgeKind::Feeds && boost::target(*it, g) == start) self = true;
    if (size[c] < 2 && !self) continue;
    done[c] = true;
    if (self) {
      cycles.push_back({start, start});
      continue;
    }
    // Shortest cycle through `start` inside its component: breadth-first back to it.
    std::unordered_map<NodeId, NodeId> parent;
    std::deque<NodeId> queue{start};
    parent[start] = start;
    std::optional<NodeId> last;
    while (!queue.empty() && !last) {
      NodeId v = queue.front();
      queue.pop_front();
      for (EdgeId e : out_edges(v)) {
        const auto& ed = impl_->edges[e];
        if (ed.kind != EdgeKind::Feeds || comp[ed.to] != c) continue;
        if (ed.to == start) {
          last = v;
          break;
        }
        if (parent.try_emplace(ed.to, v).second) queue.push_back(ed.to);
      }
    }
    std::vector<NodeId> path{start};
    for (NodeId v = *last; v != start; v = parent[v]) path.push_back(v);
    path.push_back(start);
    std::reverse(path.begin() + 1, path.end() - 1);
    cycles.push_back(std::move(path));
  }
  return cycles;
}

}  // namespace riskreg
