// riskreg edit ID [--title T] [--add-control T] [--remove-control N] ...: change a risk's text.
#include <algorithm>
#include <optional>
#include <tuple>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "lifecycle_report.h"
#include "register/lifecycle.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct EditOptions {
  std::string id;
  std::optional<std::string> title, heading, vulnerability;
  std::vector<std::string> add_trigger, add_consequence, add_control;
  std::vector<size_t> remove_trigger, remove_consequence, remove_control;
  ChangeOptions change;
};
}  // namespace

void add_edit(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<EditOptions>();
  auto* cmd = app.add_subcommand("edit",
                                 "Change a risk's title, heading, vulnerability, triggers, consequences "
                                 "or controls (each change is kept in its history)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("--title", opt->title, "A new title");
  cmd->add_option("--heading", opt->heading, "A new heading");
  cmd->add_option("--vulnerability", opt->vulnerability, "A new vulnerability");
  for (auto [name, add, remove] : {std::tuple{"trigger", &opt->add_trigger, &opt->remove_trigger},
                                   std::tuple{"consequence", &opt->add_consequence, &opt->remove_consequence},
                                   std::tuple{"control", &opt->add_control, &opt->remove_control}}) {
    cmd->add_option(std::string("--add-") + name, *add, std::string("Add a ") + name + " (repeat for more)");
    cmd->add_option(std::string("--remove-") + name, *remove,
                    std::string("Remove the ") + name + " numbered N as `show --full` lists it (from 1)")
        ->check(CLI::PositiveNumber);
  }
  add_change_options(cmd, opt->change, "Why (required)", true);
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    std::string id = resolve_risk_id(st, opt->id);
    ChangeRequest req;
    req.kind = "edit";
    req.risk_id = id;
    auto set = [&](const char* field, const std::optional<std::string>& value, bool multi, bool required) {
      if (!value) return;
      lifecycle::check_text(id + ": --" + std::string(field), *value, multi, required);
      req.edits.push_back({field, EditOp::Set, trim(*value), 0});
    };
    set("title", opt->title, false, true);
    set("heading", opt->heading, false, false);
    set("vulnerability", opt->vulnerability, true, false);
    for (auto [field, name, add, remove] :
         {std::tuple{"triggers", "trigger", &opt->add_trigger, &opt->remove_trigger},
          std::tuple{"consequences", "consequence", &opt->add_consequence, &opt->remove_consequence},
          std::tuple{"controls", "control", &opt->add_control, &opt->remove_control}}) {
      // Removals first, highest number first, so each number means what `show` listed.
      std::vector<size_t> gone = *remove;
      std::sort(gone.rbegin(), gone.rend());
      for (size_t i = 1; i < gone.size(); ++i)
        if (gone[i] == gone[i - 1])
          throw Error(ErrorKind::InvalidInput,
                      id + ": --remove-" + name + " " + std::to_string(gone[i]) + " is given twice");
      for (size_t n : gone) req.edits.push_back({field, EditOp::RemoveAt, "", n - 1});
      for (const auto& t : *add) {
        lifecycle::check_text(id + ": --add-" + std::string(name), t, true, true);
        req.edits.push_back({field, EditOp::Append, trim(t), 0});
      }
    }
    if (req.edits.empty())
      throw Error(ErrorKind::Usage,
                  "edit " + id +
                      ": nothing to change; give --title, --heading, --vulnerability, --add-trigger, "
                      "--remove-trigger, --add-consequence, --remove-consequence, --add-control or --remove-control");
    run_change(ctx, req, opt->change, "");
  });
}

}  // namespace riskreg::cli
