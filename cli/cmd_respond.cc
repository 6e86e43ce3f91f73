// riskreg respond ID treat|tolerate|transfer|terminate|none: the decision about a risk above
// the appetite line, on the record (register/respond.h).
#include "commands.h"
#include "core/text.h"
#include "domain/response.h"
#include "lifecycle_report.h"
#include "register/respond.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct RespondOptions {
  std::string id, decision;
  std::optional<std::string> approver, until, to;
  ChangeOptions change;
};
}  // namespace

void add_respond(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<RespondOptions>();
  auto* cmd = app.add_subcommand(
      "respond",
      "Record the decision about a risk above appetite: treat, tolerate, transfer or terminate (none withdraws it)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("decision", opt->decision, "treat, tolerate, transfer, terminate, or none")->required();
  cmd->add_option("--approver", opt->approver, "tolerate: who accepts the risk (required)");
  cmd->add_option("--until", opt->until,
                  "tolerate: when the acceptance expires, YYYY-MM-DD (required; at most the rules' "
                  "acceptance_max_months ahead, 12 by default)");
  cmd->add_option("--to", opt->to, "transfer: the party it goes to (insurer, partner, contractor)");
  add_change_options(cmd, opt->change, "The rationale (required)", true);
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    RiskState s = resolve_risk(st, opt->id);
    ChangeRequest req = lifecycle::respond_change(s, st.rules(), ctx.matrix(), ctx.clock().now(),
                                                  {s.id, opt->decision, opt->approver, opt->until, opt->to});
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
