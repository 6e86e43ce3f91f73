// riskreg review ID [--next DATE]: record a review without a score change, and the next one.
#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "lifecycle_report.h"
#include "register/lifecycle.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct ReviewOptions {
  std::string id;
  std::optional<std::string> next;
  ChangeOptions change;
};
}  // namespace

void add_review(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ReviewOptions>();
  auto* cmd = app.add_subcommand("review",
                                 "Record that a risk was reviewed (its score unchanged) and when it is "
                                 "next due");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("--next", opt->next,
                  "The next review, YYYY-MM-DD (default: today plus the rules' review_days for its band)");
  add_change_options(cmd, opt->change, "What the review found (default: \"Reviewed\")", true);
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    RiskState s = resolve_risk(st, opt->id);
    const Matrix& m = ctx.matrix();
    const Timestamp now = ctx.clock().now();
    const std::string today = format_date(now);
    if (s.closed)
      throw Error(ErrorKind::InvalidInput, s.id + " is closed; reopen it (riskreg reopen " + s.id +
                                               ") before reviewing it; nothing was written");
    std::string next;
    if (opt->next) {
      next = lifecycle::parse_date(s.id + ": --next", *opt->next);
      if (next <= today)
        throw Error(ErrorKind::InvalidInput,
                    s.id + ": --next " + next + " is not after today (" + today + "); nothing was written");
    } else {
      next = lifecycle::next_review_by_rules(st.rules(), m, s.current ? std::optional(s.current->score) : std::nullopt,
                                             now)
                 .value_or("");
    }
    ChangeRequest req;
    req.kind = "review";
    req.risk_id = s.id;
    if (s.last_review != today) req.edits.push_back({"last_review", EditOp::Set, today, 0});
    if (next != s.next_review) req.edits.push_back({"next_review", EditOp::Set, next, 0});
    if (req.edits.empty())
      throw Error(ErrorKind::InvalidInput, s.id + " was already reviewed today, with the next review " +
                                               (next.empty() ? "none" : next) + "; nothing was written");
    run_change(ctx, req, opt->change, "Reviewed");
  });
}

}  // namespace riskreg::cli
