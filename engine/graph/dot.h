#pragma once
/// Graphviz output of the register graph (`riskreg graph --dot`), risks filled with their
/// band colour, so that `dot -Tsvg` draws it.
#include <optional>
#include <string>

#include "domain/matrix.h"
#include "graph/build.h"

namespace riskreg {

/// The whole graph, or the neighbourhood of `centre`: every risk linked to it by feed links
/// (either way, transitively), the priorities mitigating those risks, their actions and
/// the actions' lead officers and PIs. Returns the DOT text.
std::string graph_dot(const RegisterNetwork& net, const Matrix& m, std::optional<NodeId> centre);

}  // namespace riskreg
