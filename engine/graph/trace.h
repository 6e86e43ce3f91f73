#pragma once
/// `riskreg trace`: what lies upstream and downstream of a risk, priority or action, as a
/// tree of plain values the CLI renders.
#include <string>
#include <vector>

#include "domain/matrix.h"
#include "graph/build.h"

namespace riskreg {

/// What is shown of one node: its id and title, a risk's score and band, an action's
/// lead officers, completion date and PIs.
struct TraceItem {
  NodeKind kind = NodeKind::Risk;
  std::string id;
  std::string title;
  std::string score;  ///< risks: current score ("C2"), "" if unscored
  std::string band;   ///< risks: the band's name ("very-high"), "" if unscored
  bool above_appetite = false;
  std::vector<std::string> lead_officers;  ///< actions
  std::string completion;                  ///< actions, as written
  std::string due;                         ///< actions: YYYY-MM-DD, "" for none
  std::string status;                      ///< actions: "" (not recorded) or an action status
  std::vector<std::string> pis;            ///< actions
};

struct TraceNode {
  TraceItem item;
  /// How this node relates to its parent in the tree: "feeds", "fed by", "mitigated by",
  /// "mitigates", "action", "of priority", "sub-priority", "part of", "serves", "led by", "measured by".
  std::string relation;
  std::string basis;      ///< feed links: "stated" / "inferred"
  bool repeated = false;  ///< already expanded earlier in this direction; children omitted
  std::vector<TraceNode> children;
};

struct Trace {
  TraceItem root;
  std::vector<TraceNode> upstream;
  std::vector<TraceNode> downstream;
  /// Closed risks (RegisterNetwork::closed) linked to what was traced: left out of both trees,
  /// named here in the order met.
  std::vector<std::string> closed;
};

/// Follows links both ways from `node`. Each node is expanded once per direction (later
/// occurrences are marked `repeated`), so loops terminate. `stated_only` drops inferred
/// feed links. Closed risks marked in `net` are left out (Trace::closed).
Trace trace(const RegisterNetwork& net, const Matrix& m, NodeId node, bool stated_only);

/// The item shown for a node (also used by cascade and check reports).
TraceItem item_of(const RegisterNetwork& net, const Matrix& m, NodeId node);

}  // namespace riskreg
