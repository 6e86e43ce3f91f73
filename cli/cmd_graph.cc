// riskreg graph check | graph --dot [ID] [--depth N] [--risks-only]: the register's graph, checked or drawn.
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/error.h"
#include "graph/check.h"
#include "graph/dot.h"

namespace riskreg::cli {

namespace {
struct GraphOptions {
  bool dot = false;
  std::string id;
  bool json = false;
  bool check_json = false;
  bool risks_only = false;
  std::optional<int> depth;
};

const char* heading(const std::string& kind) {
  if (kind == "cycle") return "Feed cycles";
  if (kind == "unmitigated-risk") return "Risks linked to no priority";
  if (kind == "priority-without-action") return "Priorities with no action";
  if (kind == "action-without-lead") return "Actions with no lead officer";
  if (kind == "action-without-date") return "Actions with no completion date";
  return "Dangling references";
}
}  // namespace

void add_graph(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<GraphOptions>();
  auto* cmd = app.add_subcommand("graph", "The register's graph: draw it (--dot) or check it (graph check)");
  cmd->add_flag("--dot", opt->dot, "Graphviz output (pipe into dot -Tsvg)");
  cmd->add_option("id", opt->id, "With --dot: only this risk's neighbourhood");
  cmd->add_flag("--risks-only", opt->risks_only, "With --dot: risks and feed links only (no priorities, actions, ...)");
  cmd->add_option("--depth", opt->depth, "With --dot ID: risks at most N feed links from ID")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", opt->json, "JSON output (node and edge lists)");
  auto* check = cmd->add_subcommand("check", "Feed cycles, unmitigated risks, priorities without actions, ...");
  check->add_flag("--json", opt->check_json, "JSON output");
  check->callback([opt, &ctx] {
    RegisterNetwork net = build_network(ctx.store().load());
    auto findings = check_graph(net);
    if (opt->check_json) {
      auto a = nlohmann::json::array();
      for (const auto& f : findings) a.push_back({{"kind", f.kind}, {"subject", f.subject}, {"message", f.message}});
      ctx.out << nlohmann::json{{"findings", a}, {"count", findings.size()}}.dump(2) << "\n";
      return;
    }
    for (const char* kind : {"cycle", "unmitigated-risk", "priority-without-action", "action-without-lead",
                             "action-without-date", "dangling-reference"}) {
      std::vector<const GraphFinding*> these;
      for (const auto& f : findings)
        if (f.kind == kind) these.push_back(&f);
      ctx.out << heading(kind) << ": " << (these.empty() ? "none" : std::to_string(these.size())) << "\n";
      for (const auto* f : these) ctx.out << "  " << f->message << "\n";
    }
    ctx.out << findings.size() << " finding" << (findings.size() == 1 ? "" : "s") << "\n";
  });
  cmd->callback([opt, &ctx, cmd] {
    if (cmd->got_subcommand("check")) return;
    if (!opt->dot && !opt->json)
      throw Error(ErrorKind::Usage, "graph: say what to do: riskreg graph check, riskreg graph --dot [ID] or --json");
    const Matrix& m = ctx.matrix();
    RegisterNetwork net = build_network(ctx.store().load());
    std::optional<NodeId> centre;
    if (!opt->id.empty()) {
      centre = net.resolve(opt->id);
      if (net.graph.node(*centre).kind != NodeKind::Risk)
        throw Error(ErrorKind::InvalidInput, "graph --dot ID: the neighbourhood is drawn around a risk");
    }
    if ((opt->risks_only || opt->depth) && !opt->dot)
      throw Error(ErrorKind::Usage, "graph: --risks-only and --depth go with --dot");
    if (opt->depth && !centre)
      throw Error(ErrorKind::Usage, "graph --dot --depth N: say which risk to count from (graph --dot ID --depth N)");
    if (opt->dot) {
      ctx.out << graph_dot(net, m, {centre, opt->depth, opt->risks_only});
      return;
    }
    auto nodes = nlohmann::json::array(), edges = nlohmann::json::array();
    for (NodeId n = 0; n < net.graph.node_count(); ++n)
      nodes.push_back({{"kind", kind_name(net.graph.node(n).kind)}, {"id", net.graph.node(n).id}});
    for (EdgeId e = 0; e < net.graph.edge_count(); ++e) {
      const auto& ed = net.graph.edge(e);
      nlohmann::json j{
          {"kind", kind_name(ed.kind)}, {"from", net.graph.node(ed.from).id}, {"to", net.graph.node(ed.to).id}};
      if (ed.kind == EdgeKind::Feeds) j["basis"] = basis_name(ed.basis);
      edges.push_back(std::move(j));
    }
    ctx.out << nlohmann::json{{"nodes", nodes}, {"edges", edges}}.dump(2) << "\n";
  });
}

}  // namespace riskreg::cli
