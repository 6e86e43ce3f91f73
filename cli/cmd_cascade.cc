// riskreg cascade ID SCORE: what-if. Applies a hypothetical score and shows how the change
// would travel along the feed links. Writes nothing.
#include <nlohmann/json.hpp>
#include <ostream>

#include "cascade_report.h"
#include "commands.h"
#include "core/error.h"
#include "graph/cascade.h"
#include "graph/closed.h"
#include "register/risk_view.h"
#include "render.h"

namespace riskreg::cli {

namespace {
struct CascadeOptions {
  std::string id;
  std::string score;
  bool json = false;
};
}  // namespace

void add_cascade(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<CascadeOptions>();
  auto* cmd =
      app.add_subcommand("cascade", "What-if: propagate a hypothetical score along the feed links (writes nothing)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("score", opt->score, "Hypothetical score on the matrix, e.g. B1")->required();
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    Store& st = ctx.store();
    auto rule = cascade_rule_from(st.rules());
    if (!rule)
      throw Error(ErrorKind::NotFound,
                  "the register holds no cascade.toml (the cascade rule); registers created "
                  "before it need rules/cascade.toml added");
    std::string id = resolve_risk_id(st, opt->id);
    Cell to = parse_score(m, opt->score);
    // A closed risk is no longer managed: a what-if from it is refused (exit 4), not answered
    // with a cascade that "moves nothing".
    if (auto s = st.risk_state(id); s && s->closed) throw closed_risk_error(id, "cascades");
    // Only the risks the cascade can reach, and what mitigates them: not the whole register.
    Neighbourhood reach = st.downstream(id, rule->max_depth);
    RegisterNetwork net = build_network(std::move(reach.part));
    mark_closed(net, reach.closed);  // closed risks on the way are neither moved nor passed through
    NodeId node = *net.graph.find(NodeKind::Risk, id);
    const Risk* r = net.risk(node);
    std::optional<Cell> from = r->current ? m.cell(*r->current) : std::nullopt;
    CascadeResult c = cascade(net, m, *rule, node, from, to);
    if (opt->json) {
      auto j = cascade_json(m, c);
      j["what_if"] = true;
      ctx.out << j.dump(2) << "\n";
      return;
    }
    const size_t width = ctx.width();
    ctx.out << c.risk << "  " << wrap(c.title, width, c.risk.size() + 2, c.risk.size() + 2) << "\n";
    ctx.out << wrap(std::string("what-if (nothing is written): ") + (from ? m.format(*from) : "unscored") + " -> " +
                        m.format(to) + "  band " + m.band(to).name + "  " +
                        (c.now_above ? "ABOVE appetite" : "within appetite"),
                    width, 2, 0, Spaces::Keep)
            << "\n";
    print_cascade(ctx.out, m, c, "", width);
  });
}

}  // namespace riskreg::cli
