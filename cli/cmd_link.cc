// riskreg link RISK PRIORITY: Link a risk to a priority of the plan that mitigates it (a versioned change).
#include "commands.h"
#include "core/text.h"
#include "lifecycle_report.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct LinkOptions {
  std::string id, priority;
  ChangeOptions change;
};
}  // namespace

void add_link(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<LinkOptions>();
  auto* cmd = app.add_subcommand("link", "Link a risk to a priority of the plan that mitigates it");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("priority", opt->priority, "Priority id, e.g. P3.1 (as `trace` and `show` list them)")->required();
  add_change_options(cmd, opt->change, "Why (required)", true);
  cmd->callback([opt, &ctx] {
    ChangeRequest req;
    req.kind = "link";
    req.risk_id = resolve_risk_id(ctx.store(), opt->id);
    req.edits.push_back({"priority:" + trim(opt->priority), EditOp::Set, "linked", 0});
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
