// riskreg unfeed FROM TO: remove a feed link (a versioned change).
#include "commands.h"
#include "lifecycle_report.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct UnfeedOptions {
  std::string from, to;
  ChangeOptions change;
};
}  // namespace

void add_unfeed(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<UnfeedOptions>();
  auto* cmd = app.add_subcommand("unfeed", "Remove the link by which one risk feeds another");
  cmd->add_option("from", opt->from, "The risk that feeds (R5, or 5)")->required();
  cmd->add_option("to", opt->to, "The risk it feeds")->required();
  add_change_options(cmd, opt->change, "Why (required)", true);
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    ChangeRequest req;
    req.kind = "unfeed";
    req.risk_id = resolve_risk_id(st, opt->from);
    req.edits.push_back({"feed:" + resolve_risk_id(st, opt->to), EditOp::Set, "", 0});
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
