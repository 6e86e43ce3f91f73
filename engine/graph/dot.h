#pragma once
/// Graphviz output of the register graph (`riskreg graph --dot`), risks filled with their
/// band colour, so that `dot -Tsvg` draws it.
#include <optional>
#include <string>

#include "domain/matrix.h"
#include "graph/build.h"

namespace riskreg {

/// What `graph --dot` draws.
struct DotOptions {
  /// Only the neighbourhood of this risk: the risks linked to it by feed links (either way,
  /// transitively, or up to `depth` links away), the priorities mitigating them, their actions
  /// and the actions' lead officers and PIs.
  std::optional<NodeId> centre;
  std::optional<int> depth;  ///< with `centre`: risks at most this many feed links away (0: the risk alone)
  bool risks_only = false;   ///< risks and feed links only: no priorities, actions, officers or PIs
};

/// The graph as DOT text, laid out for a page rather than a strip: left to right, each kind of
/// node in its own rank, risks first.
std::string graph_dot(const RegisterNetwork& net, const Matrix& m, const DotOptions& o = {});

}  // namespace riskreg
