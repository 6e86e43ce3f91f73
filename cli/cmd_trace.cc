// riskreg trace ID: what lies upstream and downstream of a risk, priority or action.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/text.h"
#include "domain/action_status.h"
#include "graph/closed.h"
#include "graph/trace.h"
#include "render.h"

namespace riskreg::cli {

namespace {
struct TraceOptions {
  std::string id;
  bool stated_only = false;
  bool json = false;
};

/// A title cut to `width` characters, the ellipsis kept against the last word (a lone "…"
/// would wrap onto a line of its own).
std::string cut(const std::string& title, size_t width) {
  std::string s = clip(title, width);
  const std::string spaced = " …";
  while (s.size() >= spaced.size() && s.compare(s.size() - spaced.size(), spaced.size(), spaced) == 0)
    s.erase(s.size() - spaced.size(), 1);
  return s;
}

std::string line_of(const TraceItem& it, const std::string& today) {
  std::string s = it.id;
  if (it.kind == NodeKind::Risk) {
    s += "  " + it.title;
    if (!it.score.empty()) s += "  [" + it.score + " " + it.band + (it.above_appetite ? ", above appetite]" : "]");
  } else if (it.kind == NodeKind::Action) {
    s += "  " + cut(it.title, 60) + "  [lead: " + (it.lead_officers.empty() ? "none" : join(it.lead_officers, ", ")) +
         "; due: " + (it.due.empty() ? "none" : it.due) +
         (it.completion.empty() ? "" : " (as written: " + it.completion + ")") +
         "; status: " + (it.status.empty() ? "not recorded" : it.status) +
         "; PIs: " + (it.pis.empty() ? "none" : join(it.pis, ", ")) + "]" +
         (action_overdue(it.status, it.due, today) ? "  OVERDUE" : "");
  } else if (!it.title.empty()) {
    s += "  " + cut(it.title, 80);
  }
  return s;
}

/// The tree, a node a line wrapped to `width`: its continuation lines indented four past the
/// node's own indent (at most half the width), so they do not read as children.
void print(std::ostream& out, const std::vector<TraceNode>& nodes, size_t depth, const std::string& today,
           size_t width) {
  for (const auto& n : nodes) {
    std::string head = std::string(2 * depth, ' ') + n.relation + " ";
    std::string text = line_of(n.item, today);
    if (!n.basis.empty()) text += "  (" + n.basis + ")";
    if (n.repeated) text += "  (see above)";
    out << head << wrap(text, width, std::min(2 * depth + 4, width / 2), text_width(head), Spaces::Keep) << "\n";
    print(out, n.children, depth + 1, today, width);
  }
}

nlohmann::json item_json(const TraceItem& it, const std::string& today) {
  nlohmann::json j{{"kind", kind_name(it.kind)}, {"id", it.id}, {"title", it.title}};
  if (it.kind == NodeKind::Risk) {
    j["score"] = it.score.empty() ? nlohmann::json() : nlohmann::json(it.score);
    j["band"] = it.band.empty() ? nlohmann::json() : nlohmann::json(it.band);
    j["above_appetite"] = it.above_appetite;
  }
  if (it.kind == NodeKind::Action) {
    j["lead_officers"] = it.lead_officers;
    j["completion"] = it.completion;
    j["due"] = it.due;
    j["status"] = it.status;
    j["overdue"] = action_overdue(it.status, it.due, today);
    j["pis"] = it.pis;
  }
  return j;
}

nlohmann::json tree_json(const std::vector<TraceNode>& nodes, const std::string& today) {
  auto a = nlohmann::json::array();
  for (const auto& n : nodes) {
    auto j = item_json(n.item, today);
    j["relation"] = n.relation;
    if (!n.basis.empty()) j["basis"] = n.basis;
    if (n.repeated) j["repeated"] = true;
    j["children"] = tree_json(n.children, today);
    a.push_back(std::move(j));
  }
  return a;
}
}  // namespace

void add_trace(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<TraceOptions>();
  auto* cmd = app.add_subcommand("trace", "Upstream and downstream of a risk, priority or action");
  cmd->add_option("id", opt->id, "Risk (R5, or 5), priority (P3.1) or action (P3.1-A2)")->required();
  cmd->add_flag("--stated-only", opt->stated_only, "Follow only feed links the register states (drop inferred ones)");
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    Store& st = ctx.store();
    RegisterNetwork net = build_network(st.load());
    NodeId node = net.resolve(opt->id);
    // Closed risks leave the live graph: tracing from one is refused (exit 4); met on the way,
    // they are left out and named.
    mark_closed(net, closed_risks(st));
    if (net.closed(node)) throw closed_risk_error(net.graph.node(node).id, "traces");
    Trace t = trace(net, m, node, opt->stated_only);
    const std::string today = format_date(ctx.clock().now());
    if (opt->json) {
      auto j = item_json(t.root, today);
      j["stated_only"] = opt->stated_only;
      j["upstream"] = tree_json(t.upstream, today);
      j["downstream"] = tree_json(t.downstream, today);
      j["closed"] = t.closed;
      ctx.out << j.dump(2) << "\n";
      return;
    }
    auto& out = ctx.out;
    const size_t width = ctx.width();
    out << wrap(line_of(t.root, today), width, 4, 0, Spaces::Keep) << "\n";
    if (opt->stated_only) out << "(stated links only)\n";
    out << "Upstream:\n";
    if (t.upstream.empty()) out << "  (none)\n";
    print(out, t.upstream, 1, today, width);
    out << "Downstream:\n";
    if (t.root.kind == NodeKind::Risk && std::none_of(t.downstream.begin(), t.downstream.end(),
                                                      [](const TraceNode& n) { return n.relation == "mitigated by"; }))
      out << "  (no priority mitigates " << t.root.id << ")\n";
    else if (t.downstream.empty())
      out << "  (none)\n";
    print(out, t.downstream, 1, today, width);
    if (!t.closed.empty()) out << wrap("Closed, left out: " + join(t.closed, ", "), width, 2) << "\n";
  });
}

}  // namespace riskreg::cli
