#pragma once
/// The register as a graph: risks, priorities, actions, objectives, PIs and officers, and
/// the links between them. Boost.Graph (a bidirectional compressed sparse row graph) is
/// kept inside model.cc; callers see node and edge numbers and plain structs.
///
/// A graph is immutable once built: build it in one pass with GraphBuilder, then query.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace riskreg {

enum class NodeKind : uint8_t { Risk, Priority, Action, Objective, Pi, Officer };
/// Every edge points the way the register reads: cause to effect, parent to child.
enum class EdgeKind : uint8_t {
  Feeds,        ///< risk → risk it feeds
  Mitigates,    ///< priority → risk it mitigates
  SubPriority,  ///< priority → its sub-priority
  HasAction,    ///< priority → action
  MeasuredBy,   ///< action → PI
  LedBy,        ///< action → lead officer
  Serves,       ///< priority → departmental objective
};
enum class Basis : uint8_t { None, Stated, Inferred };

const char* kind_name(NodeKind k);
const char* kind_name(EdgeKind k);
const char* basis_name(Basis b);

using NodeId = uint32_t;
using EdgeId = uint32_t;

struct NodeInfo {
  NodeKind kind = NodeKind::Risk;
  std::string id;  ///< "R5", "P3.1", "P3.1-A2", "O3", "NI72", "Andrew Dunn"
};

struct EdgeInfo {
  NodeId from = 0;
  NodeId to = 0;
  EdgeKind kind = EdgeKind::Feeds;
  Basis basis = Basis::None;                     ///< feed links only
  std::optional<double> transition_probability;  ///< feed links only, when the register sets one
};

class RegisterGraph;

/// Collects nodes and edges, then builds the graph once. Node ids are unique per kind.
class GraphBuilder {
 public:
  void reserve(size_t nodes, size_t edges);
  /// The node of this kind and id, added if new.
  NodeId node(NodeKind kind, std::string_view id);
  std::optional<NodeId> find(NodeKind kind, std::string_view id) const;
  void edge(const EdgeInfo& e) { edges_.push_back(e); }
  size_t node_count() const { return nodes_.size(); }
  RegisterGraph build() &&;

 private:
  friend class RegisterGraph;
  std::vector<NodeInfo> nodes_;
  std::vector<EdgeInfo> edges_;
  std::unordered_map<std::string, NodeId> index_;  ///< kind byte + id
};

/// Which edge kinds a walk follows.
struct EdgeMask {
  uint32_t bits = 0;
  static EdgeMask of(std::initializer_list<EdgeKind> kinds) {
    EdgeMask m;
    for (auto k : kinds) m.bits |= 1u << static_cast<unsigned>(k);
    return m;
  }
  static EdgeMask all() { return {~0u}; }
  bool has(EdgeKind k) const { return bits & (1u << static_cast<unsigned>(k)); }
};

class RegisterGraph {
 public:
  RegisterGraph();
  RegisterGraph(RegisterGraph&&) noexcept;
  RegisterGraph& operator=(RegisterGraph&&) noexcept;
  ~RegisterGraph();

  size_t node_count() const;
  size_t edge_count() const;
  const NodeInfo& node(NodeId n) const;
  const EdgeInfo& edge(EdgeId e) const;
  std::optional<NodeId> find(NodeKind kind, std::string_view id) const;

  /// Edges leaving / entering a node, in the order they were added.
  std::vector<EdgeId> out_edges(NodeId n) const;
  std::vector<EdgeId> in_edges(NodeId n) const;

  /// Every node reachable from `from` along edges of `mask` (forwards, or backwards when
  /// `upstream`), `from` excluded, in breadth-first order.
  std::vector<NodeId> closure(NodeId from, EdgeMask mask, bool upstream = false) const;

  /// The feed cycles: one elementary cycle per strongly connected group of risks (and
  /// each self-feed), each starting and ending at its least node id: {R5, R1, R5}.
  std::vector<std::vector<NodeId>> feed_cycles() const;

 private:
  friend class GraphBuilder;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskreg
