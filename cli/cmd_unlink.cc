// riskreg unlink RISK PRIORITY: Remove the link between a risk and a priority (a versioned change).
#include "commands.h"
#include "core/text.h"
#include "lifecycle_report.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct UnlinkOptions {
  std::string id, priority;
  ChangeOptions change;
};
}  // namespace

void add_unlink(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<UnlinkOptions>();
  auto* cmd = app.add_subcommand("unlink", "Remove the link between a risk and a priority");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("priority", opt->priority, "Priority id, e.g. P3.1 (as `trace` and `show` list them)")->required();
  add_change_options(cmd, opt->change, "Why (required)", true);
  cmd->callback([opt, &ctx] {
    ChangeRequest req;
    req.kind = "unlink";
    req.risk_id = resolve_risk_id(ctx.store(), opt->id);
    req.edits.push_back({"priority:" + trim(opt->priority), EditOp::Set, "", 0});
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
