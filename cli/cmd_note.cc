// riskreg note ID TEXT: append a note to a risk (shown by show, exported, never edited).
#include "commands.h"
#include "core/text.h"
#include "lifecycle_report.h"
#include "register/lifecycle.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct NoteOptions {
  std::string id, text;
  ChangeOptions change;
};
}  // namespace

void add_note(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<NoteOptions>();
  auto* cmd = app.add_subcommand("note", "Append a note to a risk (kept with its history; never edited)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("text", opt->text, "The note")->required();
  add_change_options(cmd, opt->change, "Why (default: \"Note added\")", false);
  cmd->callback([opt, &ctx] {
    ChangeRequest req;
    req.kind = "note";
    req.risk_id = resolve_risk_id(ctx.store(), opt->id);
    lifecycle::check_text(req.risk_id + ": the note", opt->text, true, true);
    req.edits.push_back({"note", EditOp::Append, trim(opt->text), 0});
    run_change(ctx, req, opt->change, "Note added");
  });
}

}  // namespace riskreg::cli
