// riskreg add --title T --current SCORE ...: a new risk, with its first assessment.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "commands.h"
#include "register/lifecycle.h"
#include "register/risk_view.h"
#include "register/rules_bundle.h"
#include "store/changes.h"

namespace riskreg::cli {

namespace {
struct AddOptions {
  lifecycle::AddRequest req;
  std::optional<std::string> id, owner, target, review;
  std::optional<std::string> as;
  bool json = false;
};
}  // namespace

void add_add(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<AddOptions>();
  auto* cmd = app.add_subcommand("add", "Add a risk to the register, with its first score");
  cmd->add_option("--title", opt->req.title, "The risk, in a line (required)")->required();
  cmd->add_option("--current", opt->req.current, "Its score now on the matrix, e.g. C3 (required)")->required();
  cmd->add_option("--id", opt->id, "Its id (R12, or 12; default: the next free R<n>)");
  cmd->add_option("--owner", opt->owner, "Who owns it");
  cmd->add_option("--target", opt->target, "The score it should come down to, e.g. D4");
  cmd->add_option("--review", opt->review,
                  "Its first review date, YYYY-MM-DD (default: today plus the rules' review_days for its band)");
  cmd->add_option("--heading", opt->req.heading, "The heading it sits under");
  cmd->add_option("--vulnerability", opt->req.vulnerability, "What makes it possible");
  cmd->add_option("--trigger", opt->req.triggers, "A trigger (repeat for more)");
  cmd->add_option("--consequence", opt->req.consequences, "A consequence (repeat for more)");
  cmd->add_option("--control", opt->req.controls, "A control in place (repeat for more)");
  cmd->add_option("--reason", opt->req.reason, "Why it is added (default: \"Risk added\")");
  cmd->add_option("--as", opt->as, "Who is adding it (default: the OS user)");
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    ctx.check_rules();
    auto rules = st.rules();
    const Matrix& m = ctx.matrix();
    auto req = opt->req;
    req.id = opt->id;
    req.owner = opt->owner;
    req.target = opt->target;
    req.review = opt->review;
    req.by = ctx.actor(opt->as);
    auto row = lifecycle::add(st, rules, m, ctx.clock().now(), req);
    RiskView v = view_of(*st.risk_state(row.subject), m);
    auto start = changes::fields_of_add(row.to).value_or(std::map<std::string, std::string>{});
    std::string next = start["next_review"];
    if (opt->json) {
      ctx.out << nlohmann::json{{"risk", row.subject},
                                {"title", v.state.title},
                                {"current", v.current ? m.format(*v.current) : ""},
                                {"band", v.band ? v.band->name : ""},
                                {"above_appetite", v.above_appetite},
                                {"owner", v.state.owner ? nlohmann::json(*v.state.owner) : nlohmann::json()},
                                {"target", v.target ? nlohmann::json(m.format(*v.target)) : nlohmann::json()},
                                {"next_review", next.empty() ? nlohmann::json() : nlohmann::json(next)},
                                {"change", row.id},
                                {"by", row.by},
                                {"at", row.at}}
                     .dump(2)
              << "\n";
      return;
    }
    const ColourDepth depth = ctx.colour_depth();
    ctx.out << row.subject
            << "  added: " << wrap(v.state.title, ctx.width(), row.subject.size() + 9, row.subject.size() + 9) << "\n";
    ctx.out << "  " << (v.current ? m.format(*v.current) : "-") << "  band "
            << (v.band ? band_text(*v.band, depth) : "-") << "  "
            << (v.above_appetite ? alarm("ABOVE", depth) + " appetite" : "within appetite") << "\n";
    ctx.out << "  owner " << v.state.owner.value_or("(unassigned)") << ", target "
            << (v.target ? m.format(*v.target) : "none") << ", next review " << (next.empty() ? "none" : next) << "\n";
    ctx.out << "  recorded as change #" << row.id << " by " << row.by << " at " << row.at << "\n";
  });
}

}  // namespace riskreg::cli
