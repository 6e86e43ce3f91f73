// riskreg score ID SCORE --reason TEXT: re-score a risk, appending to its history.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "cascade_report.h"
#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "graph/cascade.h"
#include "register/rescore.h"
#include "register/rules_bundle.h"
#include "render.h"

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

/// The cascade of a real re-score in a line or two: advisory, since nothing but the
/// re-scored risk is written.
std::string cascade_summary(const Matrix& m, const CascadeResult& c, const std::string& command) {
  if (c.closed) return "cascade: nothing moves (" + c.risk + " is closed: closed risks leave cascades)";
  std::string closed = c.closed_not_moved.empty() ? "" : "; closed, not moved: " + join(c.closed_not_moved, ", ");
  if (!c.propagates)
    return "cascade: nothing moves (" +
           std::string(c.band_change == 0 ? "the band did not change"
                                          : "an improvement does not propagate under rules/cascade.toml") +
           ")";
  if (c.steps.empty()) return "cascade: no risk it feeds would move" + closed;
  std::vector<std::string> moves;
  for (const auto& s : c.steps) moves.push_back(s.risk + " " + m.format(s.from) + " -> " + m.format(s.to));
  std::string text = "would move " + join(moves, ", ");
  if (!c.crossing.empty()) text += "; " + join(c.crossing, ", ") + " would cross the appetite line";
  return text + closed + " (nothing written; `" + command + "` for detail)";
}
}  // namespace

void add_score(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ScoreOptions>();
  auto* cmd = app.add_subcommand("score", "Re-score a risk (appends an assessment to its history)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("score", opt->score, "New score on the matrix, e.g. B2")->required();
  cmd->add_option("--reason", opt->reason, "Why the score changed (required)")->required();
  cmd->add_option("--as", opt->as, "Who is re-scoring (default: the OS user)");
  cmd->add_option("--expect", opt->expect,
                  "Refuse unless the current score is still this (lost-update guard); a refusal says what the score "
                  "now is, who set it and when");
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &ctx] {
    // The rules are read once: every file is parsed (a broken cascade.toml or flags.toml refuses
    // the re-score before it writes), and the matrix and the cascade rule come from them.
    auto rules = ctx.store().rules();
    validate_rules(rules);
    const Matrix m = matrix_from(rules);
    RescoreRequest req{opt->id, opt->score, opt->reason, ctx.actor(opt->as),
                       opt->expect.empty() ? std::nullopt : std::optional(opt->expect)};
    RescoreResult r = rescore(ctx.store(), rules, m, ctx.clock(), req);
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
                                {"cascade", c ? cascade_json(m, *c) : nlohmann::json()},
                                {"acceptance_ended", r.lapse.empty() ? nlohmann::json() : nlohmann::json(r.lapse)}}
                     .dump(2)
              << "\n";
      return;
    }
    const ColourDepth depth = ctx.colour_depth();
    const size_t width = ctx.width();
    ctx.out << r.risk_id << "  " << r.title << "\n";
    ctx.out << "  " << from << " -> " << m.format(r.to) << "  band " << band_text(m.band(r.to), depth) << "  "
            << (r.now_above ? alarm("ABOVE", depth) + " appetite" : "within appetite") << "\n";
    if (r.crossed == "up") ctx.out << "  crossed the appetite line: now ABOVE it\n";
    if (r.crossed == "down") ctx.out << "  crossed the appetite line: now within appetite\n";
    ctx.out << "  recorded as assessment #" << r.assessment.id << " by " << r.assessment.by << " at " << r.assessment.at
            << "\n";
    if (!r.lapse.empty())
      ctx.out << "  "
              << wrap(alarm("Acceptance ended", depth) + r.lapse.substr(r.lapse.find(':')) +
                          "; the risk needs a decision again (riskreg respond)",
                      width, 4, 2)
              << "\n";
    if (c)
      ctx.out << "  "
              << wrap(cascade_summary(m, *c, "riskreg cascade " + r.risk_id + " " + m.format(r.to)), width, 4, 2)
              << "\n";
  });
}

}  // namespace riskreg::cli
