// riskreg log [ID] [--since DATE] [--by WHO] [--kind KIND]: every event, newest first, one line each.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "audit/events.h"
#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "register/lifecycle.h"
#include "register/risk_view.h"

namespace riskreg::cli {

namespace {
struct LogOptions {
  std::string id;
  std::optional<std::string> since, by, kind;
  size_t limit = 0;
  bool json = false;
};

/// Every kind of event `--kind` accepts, as the audit log names them.
std::vector<std::string> kinds() {
  std::vector<std::string> out = {events::kCreate, events::kScore, events::kOwner,
                                  events::kImport, events::kAlert, events::kRules};
  for (const char* k : events::kChangeKinds) out.emplace_back(k);
  out.emplace_back(events::kAction);
  return out;
}

/// What an entry did, read from its detail.
std::string what(const Matrix& m, const AuditEntry& e) {
  nlohmann::json d = nlohmann::json::parse(e.detail, nullptr, false);
  auto text = [&](const nlohmann::json& j, const char* k) {
    return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  auto score = [&](const nlohmann::json& j) {
    ScoreCodes codes{text(j, "likelihood"), text(j, "impact")};
    auto c = m.cell(codes);
    return c ? m.format(*c) : codes.likelihood + codes.impact;
  };
  if (events::is_change_entry(e.action, e.entity) || e.action == events::kAction)
    if (auto c = events::change_of(e.detail)) {
      ChangeRow row;
      row.kind = e.action;
      row.field = c->field;
      row.from = c->from;
      row.to = c->to;
      // A field an import changed reads as its edit would, marked as the import's.
      return (e.action == events::kImport ? "import: " : "") + lifecycle::describe(m, row);
    }
  if (e.action == events::kScore && d.is_object())
    return "score " + (d.contains("from") ? score(d["from"]) : std::string("(none)")) + " -> " + score(d);
  if (e.action == events::kOwner) return "owner -> " + text(d, "owner");
  if (e.action == events::kCreate && d.is_object())
    return "register created: " + text(d, "name") + " (" + std::to_string(d.value("risks", 0)) + " risks)";
  if (e.action == events::kImport && d.is_object())
    return "import " + text(d, "file") + ": " + std::to_string(d.value("created", 0)) + " added, " +
           std::to_string(d.value("updated", 0)) + " updated";
  if (e.action == events::kRules)
    if (auto r = events::rules_of(e)) {
      std::vector<std::string> names;
      for (const auto& [name, sha] : r->sha256) names.push_back(name);
      return "rules version " + std::to_string(r->version) + ": " + join(names, ", ");
    }
  if (e.action == events::kAlert && d.is_object())
    return "alert to " + text(d, "recipient") + " by " + text(d, "channel") + ": " + text(d, "status");
  return e.action;
}

std::string reason_of(const AuditEntry& e) {
  nlohmann::json d = nlohmann::json::parse(e.detail, nullptr, false);
  return d.is_object() && d.contains("reason") && d["reason"].is_string() ? d["reason"].get<std::string>() : "";
}
}  // namespace

void add_log(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<LogOptions>();
  auto* cmd = app.add_subcommand("log",
                                 "Every change to the register, newest first, one line each (from the "
                                 "audit log that `audit verify` checks)");
  cmd->add_option("id", opt->id, "Only this risk's (R5, or 5) or this action's (P3.1-A2) events");
  cmd->add_option("--since", opt->since, "Only events on or after this date, YYYY-MM-DD");
  cmd->add_option("--by", opt->by, "Only events by this person (any case)");
  cmd->add_option("--kind", opt->kind, "Only this kind of event: " + join(kinds(), ", "));
  cmd->add_option("--limit", opt->limit, "At most this many lines (default: all)");
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    const Matrix& m = ctx.matrix();
    std::string id;
    if (!opt->id.empty()) {
      // An action's id (P3.1-A2) names its events; anything else is a risk's.
      auto action = opt->id.find('-') != std::string::npos ? st.action(trim(opt->id)) : std::nullopt;
      id = action ? action->id : resolve_risk_id(st, opt->id);
    }
    std::string since = opt->since ? lifecycle::parse_date("--since", *opt->since) : "";
    if (opt->kind) {
      auto all = kinds();
      if (std::find(all.begin(), all.end(), to_lower(trim(*opt->kind))) == all.end())
        throw Error(ErrorKind::InvalidInput, "--kind '" + escape_controls(*opt->kind) + "' is not a kind of event" +
                                                 did_you_mean_suffix(to_lower(trim(*opt->kind)), all) +
                                                 " (valid: " + join(all, ", ") + ")");
    }
    std::string kind = opt->kind ? to_lower(trim(*opt->kind)) : "";
    std::string by = opt->by ? to_lower(trim(*opt->by)) : "";
    auto log = st.audit_log();
    std::vector<const AuditEntry*> shown;
    for (auto it = log.rbegin(); it != log.rend(); ++it) {
      const AuditEntry& e = *it;
      if (!id.empty() && e.entity != id) continue;
      if (!since.empty() && e.at < since) continue;
      if (!by.empty() && to_lower(e.actor) != by) continue;
      if (!kind.empty() && e.action != kind) continue;
      shown.push_back(&e);
      if (opt->limit && shown.size() == opt->limit) break;
    }
    if (opt->json) {
      auto rows = nlohmann::json::array();
      for (const auto* e : shown)
        rows.push_back({{"seq", e->seq},
                        {"at", e->at},
                        {"by", e->actor},
                        {"kind", e->action},
                        {"entity", e->entity},
                        {"what", what(m, *e)},
                        {"reason", reason_of(*e)}});
      ctx.out << rows.dump(2) << "\n";
      return;
    }
    if (shown.empty()) {
      ctx.out << "(no event matches)\n";
      return;
    }
    const size_t width = ctx.width();
    for (const auto* e : shown) {
      std::string when = e->at.size() >= 16 ? e->at.substr(0, 10) + " " + e->at.substr(11, 5) : e->at;
      std::string head = when + "  " + e->actor + "  " + e->entity + "  ";
      std::string reason = reason_of(*e);
      std::string body = what(m, *e) + (reason.empty() ? "" : "  \"" + reason + "\"");
      ctx.out << head << wrap(body, width, 4, text_width(head)) << "\n";
    }
  });
}

}  // namespace riskreg::cli
