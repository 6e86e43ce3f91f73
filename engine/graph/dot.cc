#include "graph/dot.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "graph/trace.h"

namespace riskreg {

namespace {
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

/// At most `width` characters (UTF-8 aware), "..." when cut.
std::string clip(const std::string& s, size_t width) {
  size_t chars = 0, i = 0;
  while (i < s.size()) {
    if (chars == width) return s.substr(0, i) + "...";
    unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++chars;
  }
  return s;
}

const char* shape(NodeKind k) {
  switch (k) {
    case NodeKind::Risk:
      return "box";
    case NodeKind::Priority:
      return "ellipse";
    case NodeKind::Action:
      return "note";
    case NodeKind::Objective:
      return "hexagon";
    case NodeKind::Pi:
      return "diamond";
    case NodeKind::Officer:
      return "oval";
  }
  return "box";
}
}  // namespace

std::string graph_dot(const RegisterNetwork& net, const Matrix& m, const DotOptions& o) {
  const auto& g = net.graph;
  std::vector<bool> keep(g.node_count(), !o.centre);
  if (o.risks_only && !o.centre)
    for (NodeId n = 0; n < g.node_count(); ++n) keep[n] = g.node(n).kind == NodeKind::Risk;
  if (o.centre) {
    // Breadth first along feed links either way, so that depth counts links from the centre.
    std::vector<int> dist(g.node_count(), -1);
    std::vector<NodeId> risks{*o.centre};
    dist[*o.centre] = 0;
    for (size_t i = 0; i < risks.size(); ++i) {
      NodeId r = risks[i];
      if (o.depth && dist[r] >= *o.depth) continue;
      auto visit = [&](NodeId n) {
        if (dist[n] >= 0) return;
        dist[n] = dist[r] + 1;
        risks.push_back(n);
      };
      for (EdgeId e : g.out_edges(r))
        if (g.edge(e).kind == EdgeKind::Feeds) visit(g.edge(e).to);
      for (EdgeId e : g.in_edges(r))
        if (g.edge(e).kind == EdgeKind::Feeds) visit(g.edge(e).from);
    }
    for (NodeId r : risks) {
      keep[r] = true;
      if (o.risks_only) continue;
      for (EdgeId e : g.in_edges(r)) {
        if (g.edge(e).kind != EdgeKind::Mitigates) continue;
        NodeId p = g.edge(e).from;
        keep[p] = true;
        for (EdgeId pe : g.out_edges(p)) {
          if (g.edge(pe).kind != EdgeKind::HasAction) continue;
          NodeId a = g.edge(pe).to;
          keep[a] = true;
          for (EdgeId ae : g.out_edges(a)) keep[g.edge(ae).to] = true;
        }
      }
    }
  }
  std::ostringstream out;
  out << "digraph register {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=8];\n";
  for (NodeId n = 0; n < g.node_count(); ++n) {
    if (!keep[n]) continue;
    TraceItem it = item_of(net, m, n);
    std::string label = it.id;
    if (!it.title.empty()) label += "\n" + clip(it.title, 40);
    out << "  " << quote(std::string(kind_name(it.kind)) + ":" + it.id) << " [shape=" << shape(it.kind)
        << ", label=" << quote(label.append(it.score.empty() ? "" : "\n" + it.score + " " + it.band));
    if (it.kind == NodeKind::Risk && !it.score.empty()) {
      const Band& b = m.band(*m.parse(it.score));
      out << ", style=filled, fillcolor=" << quote(b.colour);
      if (it.above_appetite) out << ", penwidth=2";
    }
    out << "];\n";
  }
  for (EdgeId e = 0; e < g.edge_count(); ++e) {
    const auto& ed = g.edge(e);
    if (!keep[ed.from] || !keep[ed.to]) continue;
    const auto &a = g.node(ed.from), &b = g.node(ed.to);
    out << "  " << quote(std::string(kind_name(a.kind)) + ":" + a.id) << " -> "
        << quote(std::string(kind_name(b.kind)) + ":" + b.id) << " [label=" << quote(kind_name(ed.kind));
    if (ed.kind == EdgeKind::Feeds) out << ", penwidth=2" << (ed.basis == Basis::Inferred ? ", style=dashed" : "");
    out << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace riskreg
