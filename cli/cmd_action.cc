// riskreg action ID [--status S] [--due DATE|none]: an action's status and due date, versioned;
// without --status or --due, the action as it stands, with its history.
#include <nlohmann/json.hpp>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "domain/action_status.h"
#include "lifecycle_report.h"
#include "register/lifecycle.h"
#include "store/changes.h"

namespace riskreg::cli {

namespace {
struct ActionOptions {
  std::string id;
  std::optional<std::string> status, due;
  ChangeOptions change;
};

void print_action(Context& ctx, const Action& a, const std::vector<ChangeRow>& history, bool json) {
  std::string today = format_date(ctx.clock().now());
  bool overdue = action_overdue(a.status, a.due, today);
  if (json) {
    auto rows = nlohmann::json::array();
    for (const auto& r : history)
      rows.push_back({{"change", r.id},
                      {"field", r.field},
                      {"from", r.from},
                      {"to", r.to},
                      {"by", r.by},
                      {"at", r.at},
                      {"reason", r.reason}});
    ctx.out << nlohmann::json{{"action", a.id},
                              {"priority", a.priority_id},
                              {"text", a.text},
                              {"lead_officers", a.lead_officers_as_written},
                              {"completion_as_written", a.completion},
                              {"due", a.due},
                              {"status", a.status},
                              {"open", action_open(a.status)},
                              {"overdue", overdue},
                              {"version", history.size()},
                              {"history", rows}}
                   .dump(2)
            << "\n";
    return;
  }
  const size_t width = ctx.width();
  auto line = [&](const std::string& label, const std::string& value) {
    std::string head = label + std::string(label.size() < 14 ? 14 - label.size() : 1, ' ');
    ctx.out << head << wrap(value, width, head.size(), head.size()) << "\n";
  };
  line(a.id, a.text);
  line("Priority", a.priority_id);
  if (!a.lead_officers_as_written.empty()) line("Lead", a.lead_officers_as_written);
  line("State", lifecycle::action_state(a, today));
  if (history.empty()) {
    line("History", "none: nothing recorded since the register was created");
    return;
  }
  ctx.out << "History\n";
  for (const auto& r : history)
    ctx.out << "  " << r.at.substr(0, 10) << "  " << r.by << "  " << lifecycle::describe(ctx.matrix(), r) << "  \""
            << r.reason << "\"\n";
}
}  // namespace

void add_action(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ActionOptions>();
  auto* cmd = app.add_subcommand("action",
                                 "Show an action under a priority, or set its status or due date (versioned, audited)");
  cmd->add_option("id", opt->id, "Action id, as `riskreg trace` shows it (P3.1-A2; any case)")->required();
  cmd->add_option("--status", opt->status, "The new status: " + join(action_statuses(), ", "));
  cmd->add_option("--due", opt->due, "The new due date, YYYY-MM-DD, or none");
  add_change_options(cmd, opt->change, "Why (required with --status or --due)", true);
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    if (!opt->status && !opt->due) {
      std::string id = trim(opt->id);
      auto a = st.action(id);
      if (!a) throw Error(ErrorKind::NotFound, changes::unknown_action(id, st.action_ids()));
      print_action(ctx, *a, st.action_changes(a->id), opt->change.json);
      return;
    }
    ChangeRequest req = lifecycle::action_change({opt->id, opt->status, opt->due});
    ctx.check_rules();
    req.by = ctx.actor(opt->change.as);
    req.at = ctx.clock().now();
    req.reason = lifecycle::require_reason(req.risk_id, opt->change.reason);
    req.expect_version = opt->change.expect_version;
    auto applied = st.apply_action_change(req);
    std::string id = applied.rows.empty() ? req.risk_id : applied.rows.front().subject;
    print_changes(ctx, id, applied, opt->change.json);
    if (!opt->change.json)
      if (auto a = st.action(id)) ctx.out << id << "  " << lifecycle::action_state(*a, format_date(req.at)) << "\n";
  });
}

}  // namespace riskreg::cli
