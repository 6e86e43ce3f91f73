#pragma once
/// `riskreg graph check`: what is missing or circular in the register's graph.
#include <string>
#include <vector>

#include "graph/build.h"

namespace riskreg {

struct GraphFinding {
  /// "cycle", "unmitigated-risk", "priority-without-action", "action-without-lead",
  /// "action-without-date", "dangling-reference"
  std::string kind;
  std::string subject;  ///< the id concerned ("R5", "P3.5-A12"); the first risk of a cycle
  std::string message;  ///< one line, e.g. "R5 -> R1 -> R5"
};

/// Every finding, grouped by kind in the order above, then in register order.
std::vector<GraphFinding> check_graph(const RegisterNetwork& net);

}  // namespace riskreg
