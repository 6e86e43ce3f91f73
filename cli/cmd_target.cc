// riskreg target ID SCORE|none: set (or clear) the score a risk should come down to.
#include "commands.h"
#include "core/text.h"
#include "lifecycle_report.h"
#include "register/risk_view.h"
#include "store/changes.h"

namespace riskreg::cli {

namespace {
struct TargetOptions {
  std::string id, score;
  ChangeOptions change;
};
}  // namespace

void add_target(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<TargetOptions>();
  auto* cmd = app.add_subcommand("target", "Set a risk's target score, or clear it with `none` (kept in its history)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("score", opt->score, "The target on the matrix, e.g. D4, or none")->required();
  add_change_options(cmd, opt->change, "Why (required)", true);
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    std::string id = resolve_risk_id(st, opt->id);
    const Matrix& m = ctx.matrix();
    std::optional<ScoreCodes> target;
    if (to_lower(trim(opt->score)) != "none") target = m.codes(parse_score(m, opt->score));
    ChangeRequest req;
    req.kind = "target";
    req.risk_id = id;
    req.edits.push_back({"target", EditOp::Set, changes::score_text(target), 0});
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
