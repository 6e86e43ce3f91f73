// riskreg reopen ID: Reopen a closed risk.
#include "commands.h"
#include "lifecycle_report.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct ReopenOptions {
  std::string id;
  ChangeOptions change;
};
}  // namespace

void add_reopen(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ReopenOptions>();
  auto* cmd = app.add_subcommand("reopen", "Reopen a closed risk");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  add_change_options(cmd, opt->change, "Why (required)", true);
  cmd->callback([opt, &ctx] {
    ChangeRequest req;
    req.kind = "reopen";
    req.risk_id = resolve_risk_id(ctx.store(), opt->id);
    req.edits.push_back({"status", EditOp::Set, "open", 0});
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
