#pragma once
/// Building the register graph from a register (Store::load() or a data folder), in one
/// pass, and remembering what each node stands for.
#include <string>
#include <vector>

#include "domain/register.h"
#include "graph/model.h"

namespace riskreg {

/// A reference to something the register does not hold (a priority naming an unknown
/// risk, a sub-priority whose parent is missing, ...). Kept, not thrown: `graph check`
/// reports them.
struct DanglingRef {
  std::string from;   ///< "P3.1"
  std::string field;  ///< "risks", "parent", "departmental_objectives", "feed"
  std::string to;     ///< the id that is not there
};

/// The register and its graph. The graph's risk, priority, action and objective nodes
/// point back into `data` through the maps below.
struct RegisterNetwork {
  RegisterData data;
  RegisterGraph graph;
  std::vector<DanglingRef> dangling;

  const Risk* risk(NodeId n) const;
  const Priority* priority(NodeId n) const;
  const Action* action(NodeId n) const;
  const Objective* objective(NodeId n) const;

  /// Finds a risk, priority or action by id as typed ("5", "r5", "P3.1", "p3.1-a2").
  /// Throws Error(NotFound) with a "did you mean".
  NodeId resolve(const std::string& text) const;

  std::vector<const Risk*> risk_of;            ///< by node; nullptr for other kinds
  std::vector<const Priority*> priority_of;    ///< by node
  std::vector<const Action*> action_of;        ///< by node
  std::vector<const Objective*> objective_of;  ///< by node
  /// By node: 1 for a risk closed with `riskreg close` (graph/closed.h mark_closed); shorter
  /// than the node count, or empty, where nothing is marked. A cascade neither starts from nor
  /// moves a closed risk, and `trace` leaves them out.
  std::vector<char> closed_of;
  bool closed(NodeId n) const { return n < closed_of.size() && closed_of[n] != 0; }
};

/// Builds the graph in one pass over `data` (moved into the result). Officers are named as
/// the action's `lead_officers` write them (trimmed); PIs by code.
RegisterNetwork build_network(RegisterData data);

}  // namespace riskreg
