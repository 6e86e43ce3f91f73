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

/// Characters (not bytes) in a UTF-8 string.
size_t chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

/// The first `width` characters of `s` (UTF-8 aware).
std::string prefix(const std::string& s, size_t width) {
  size_t n = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == width) break;
  return s.substr(0, i);
}

/// `s` wrapped at spaces into lines of at most `width` characters (a longer word is cut), at most
/// `max_lines` of them, the last ending in "..." when the text does not fit.
std::vector<std::string> wrap(const std::string& s, size_t width, size_t max_lines) {
  std::vector<std::string> lines;
  std::istringstream words(s);
  std::string word, line;
  bool cut = false;
  while (words >> word) {
    if (!line.empty() && chars(line) + 1 + chars(word) <= width) {
      line += " " + word;
      continue;
    }
    if (!line.empty()) lines.push_back(line);
    if (lines.size() == max_lines) {
      cut = true;
      break;
    }
    line = chars(word) > width ? prefix(word, width - 3) + "..." : word;
  }
  if (!cut && !line.empty()) lines.push_back(line);
  if (cut) lines.back() = prefix(lines.back(), width - 3) + "...";
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

const char* shape(NodeKind k) {
  switch (k) {
    case NodeKind::Risk:
      return "box";
    case NodeKind::Priority:
      return "box";  // with style=rounded: a box packs a wrapped label tighter than an ellipse
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
  // The layout (issue 22): left to right, risks and objectives in the first column (the edges
  // from priorities to them are written risk -> priority with dir=back, so that they sit left of
  // the priorities yet the arrows still point the register's way), top-level priorities in the
  // second, sub-priorities beside them. A priority's actions are dealt into kActionColumns columns
  // and officers and PIs into kLeafColumns columns after them (minlen on the edges), so that no
  // column holds all 88 actions or 82 officers and PIs. Only feed links carry a drawn label; the
  // other edges' kinds follow from the shapes they join and are kept as tooltips. `size` scales
  // the whole Darlington graph to 1584 px wide at 96 dpi with its 18 pt text at about 10 px.
  constexpr int kActionColumns = 3, kLeafColumns = 2;
  std::vector<int> column(g.node_count(), 0);  // actions: 0 .. kActionColumns-1; officers, PIs: 0 .. kLeafColumns-1
  for (NodeId p = 0; p < g.node_count(); ++p) {
    if (!keep[p] || g.node(p).kind != NodeKind::Priority) continue;
    int i = 0;
    for (EdgeId e : g.out_edges(p))
      if (g.edge(e).kind == EdgeKind::HasAction && keep[g.edge(e).to]) column[g.edge(e).to] = i++ % kActionColumns;
  }
  int leaves = 0;
  for (NodeId n = 0; n < g.node_count(); ++n)
    if (keep[n] && (g.node(n).kind == NodeKind::Officer || g.node(n).kind == NodeKind::Pi))
      column[n] = leaves++ % kLeafColumns;

  auto name = [&](NodeId n) { return quote(std::string(kind_name(g.node(n).kind)) + ":" + g.node(n).id); };
  std::ostringstream out;
  out << "digraph register {\n"
      << "  graph [rankdir=LR, newrank=true, nodesep=0.05, ranksep=0.25, size=\"16.5,25\"];\n"
      << "  node [fontname=\"Helvetica\", fontsize=18, margin=\"0.06,0.03\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=18, arrowsize=0.8];\n";
  std::string first_column, priorities;
  for (NodeId n = 0; n < g.node_count(); ++n) {
    if (!keep[n]) continue;
    TraceItem it = item_of(net, m, n);
    std::vector<std::string> lines{it.id};
    if (it.kind == NodeKind::Action)
      lines = wrap(it.id + " " + it.title, 22, 3);
    else if (!it.title.empty())
      for (auto& l : wrap(it.title, 22, 3)) lines.push_back(std::move(l));
    if (!it.score.empty()) lines.push_back(it.score + " " + it.band);
    out << "  " << name(n) << " [shape=" << shape(it.kind) << (it.kind == NodeKind::Priority ? ", style=rounded" : "")
        << ", label=" << quote(join(lines));
    if (it.kind == NodeKind::Risk && !it.score.empty()) {
      const Band& b = m.band(*m.parse(it.score));
      out << ", style=filled, fillcolor=" << quote(b.colour);
      if (it.above_appetite) out << ", penwidth=2";
    }
    out << "];\n";
    if (it.kind == NodeKind::Risk || it.kind == NodeKind::Objective) first_column += " " + name(n);
    if (it.kind == NodeKind::Priority && it.id.find('.') == std::string::npos) priorities += " " + name(n);
  }
  for (EdgeId e = 0; e < g.edge_count(); ++e) {
    const auto& ed = g.edge(e);
    if (!keep[ed.from] || !keep[ed.to]) continue;
    if (ed.kind == EdgeKind::Feeds) {
      out << "  " << name(ed.from) << " -> " << name(ed.to) << " [label=\"feeds\", penwidth=2"
          << (ed.basis == Basis::Inferred ? ", style=dashed" : "") << "];\n";
      continue;
    }
    bool back = ed.kind == EdgeKind::Mitigates || ed.kind == EdgeKind::Serves;
    out << "  " << name(back ? ed.to : ed.from) << " -> " << name(back ? ed.from : ed.to)
        << " [tooltip=" << quote(kind_name(ed.kind)) << ", color=\"#00000080\"";
    if (back) out << ", dir=back";
    if (ed.kind == EdgeKind::HasAction && column[ed.to] > 0) out << ", minlen=" << 1 + column[ed.to];
    if (ed.kind == EdgeKind::LedBy || ed.kind == EdgeKind::MeasuredBy) {
      int minlen = kActionColumns - column[ed.from] + column[ed.to];
      if (minlen > 1) out << ", minlen=" << minlen;
    }
    out << "];\n";
  }
  // Risks alone are left to follow their feed links left to right; with the priorities they share one column.
  if (!o.risks_only && !first_column.empty()) out << "  {rank=same;" << first_column << "}\n";
  if (!priorities.empty()) out << "  {rank=same;" << priorities << "}\n";
  out << "}\n";
  return out.str();
}

}  // namespace riskreg
