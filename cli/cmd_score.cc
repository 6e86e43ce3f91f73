// riskreg score ID SCORE --reason TEXT: re-score a risk, appending to its history.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "cascade_report.h"
#include "commands.h"
#include "register/rescore.h"
#include "register/rules_bundle.h"

namespace riskreg::cli {

namespace {
struct ScoreOptions {
  std::string id;
  std::string score;
  std::string reason;
  std::optional<std::string> as;
  std::string expect;
  bool json = false;
};
}  // namespace

void add_score(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ScoreOptions>();
  auto* cmd = app.add_subcommand("score", "Re-score a risk (appends an assessment to its history)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("score", opt->score, "New score on the matrix, e.g. B2")->required();
  cmd->add_option("--reason", opt->reason, "Why the score changed (required)")->required();
  cmd->add_option("--as", opt->as, "Who is re-scoring (default: the OS user)");
  cmd->add_option("--expect", opt->expect, "Refuse unless the current score is still this (lost-update guard)");
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &ctx] {
    // The rules are read once: every file is parsed (a broken cascade.toml or flags.toml refuses
    // the re-score before it writes), and the matrix and the cascade rule come from them.
    auto rules = ctx.store().rules();
    validate_rules(rules);
    const Matrix m = matrix_from(rules);
    RescoreRequest req{opt->id, opt->score, opt->reason, ctx.actor(opt->as),
                       opt->expect.empty() ? std::nullopt : std::optional(opt->expect)};
    auto r = rescore(ctx.store(), rules, m, ctx.clock(), req);
    std::string from = r.from ? m.format(*r.from) : "(none)";
    const auto& c = r.cascade;
    if (opt->json) {
      ctx.out << nlohmann::json{{"risk", r.risk_id},
                                {"from", from},
                                {"to", m.format(r.to)},
                                {"band", m.band(r.to).name},
                                {"above_appetite", r.now_above},
                                {"crossed", r.crossed},
                                {"assessment", r.assessment.id},
                                {"by", r.assessment.by},
                                {"at", r.assessment.at},
                                {"cascade", c ? cascade_json(m, *c) : nlohmann::json()}}
                     .dump(2)
              << "\n";
      return;
    }
    ctx.out << r.risk_id << "  " << r.title << "\n";
    ctx.out << "  " << from << " -> " << m.format(r.to) << "  band " << m.band(r.to).label << "  "
            << (r.now_above ? "ABOVE appetite" : "within appetite") << "\n";
    if (r.crossed == "up") ctx.out << "  crossed the appetite line: now ABOVE it\n";
    if (r.crossed == "down") ctx.out << "  crossed the appetite line: now within appetite\n";
    ctx.out << "  recorded as assessment #" << r.assessment.id << " by " << r.assessment.by << " at " << r.assessment.at
            << "\n";
    if (c) print_cascade(ctx.out, m, *c, "  ");
  });
}

}  // namespace riskreg::cli
