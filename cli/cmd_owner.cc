// riskreg owner ID NAME: assign a risk's owner (appended to its owner history).
#include <optional>
#include <ostream>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct OwnerOptions {
  std::string id;
  std::string name;
  std::string reason;
  std::optional<std::string> as;
};
}  // namespace

void add_owner(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<OwnerOptions>();
  auto* cmd = app.add_subcommand("owner", "Assign a risk's owner (refused if NAME already owns it)");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_option("name", opt->name, "The owner's name")->required();
  cmd->add_option("--reason", opt->reason, "Why (default: \"Owner assigned\")");
  cmd->add_option("--as", opt->as, "Who is assigning (default: the OS user)");
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    ctx.check_rules();
    std::string id = resolve_risk_id(st, opt->id);
    std::string name = trim(opt->name);
    if (name.empty()) throw Error(ErrorKind::InvalidInput, id + ": the owner's name cannot be blank");
    // The history and its audit entry hold text only (the entry is canonical JSON), and a
    // name reaches terminals, logs and alerts: one line, no controls.
    require_text(id + ": the owner's name", opt->name, TextLines::Single);
    require_text(id + ": the reason", opt->reason, TextLines::Multi);
    std::string by = ctx.actor(opt->as);
    auto before = st.risk_state(id)->owner;
    // Re-assigning the same owner would append a change that changes nothing.
    if (before && trim(*before) == name) {
      auto changes = st.owner_history(id);
      std::string since = changes.empty() ? "" : " (since " + changes.back().at + ", set by " + changes.back().by + ")";
      throw Error(ErrorKind::InvalidInput,
                  id + ": " + name + " is already the owner" + since + "; nothing was written");
    }
    std::string reason = trim(opt->reason).empty() ? "Owner assigned" : trim(opt->reason);
    auto c = st.assign_owner(id, name, by, ctx.clock().now(), reason);
    ctx.out << id << "  owner " << before.value_or("(unassigned)") << " -> " << c.owner << "  (by " << c.by << " at "
            << c.at << ")\n";
  });
}

}  // namespace riskreg::cli
