// riskreg close ID: Close a risk: it leaves list, flags, the matrix, cascades and alerts, and keeps its history.
#include "commands.h"
#include "lifecycle_report.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct CloseOptions {
  std::string id;
  ChangeOptions change;
};
}  // namespace

void add_close(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<CloseOptions>();
  auto* cmd = app.add_subcommand(
      "close", "Close a risk: it leaves list, flags, the matrix, cascades and alerts, and keeps its history");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  add_change_options(cmd, opt->change, "Why (required)", true);
  cmd->callback([opt, &ctx] {
    ChangeRequest req;
    req.kind = "close";
    req.risk_id = resolve_risk_id(ctx.store(), opt->id);
    req.edits.push_back({"status", EditOp::Set, "closed", 0});
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
