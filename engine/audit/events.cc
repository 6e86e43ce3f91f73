#include "audit/events.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "core/text.h"

namespace riskreg::events {

using nlohmann::json;

std::string create_detail(const RegisterData& d, const std::vector<RulesFile>& rules, const std::string& reason,
                          const std::vector<AssessmentRow>& initial) {
  json rules_detail = json::object();
  for (const auto& f : rules) rules_detail[f.name] = f.sha256;
  return json{{"name", d.info.name},
              {"rules", rules_detail},
              {"reason", reason},
              {"risks", d.risks.size()},
              {"feeds", d.feeds.size()},
              {"priorities", d.priorities.size()},
              {"outcomes", d.outcomes.size()},
              {"assessments",
               {{"count", initial.size()},
                {"last", initial.empty() ? 0 : initial.back().id},
                {"sha256", assessments_digest(initial)}}}}
      .dump();
}

std::string score_detail(const AssessmentRow& row, const std::optional<ScoreCodes>& from) {
  json detail = {{"assessment", row.id},
                 {"likelihood", row.score.likelihood},
                 {"impact", row.score.impact},
                 {"reason", row.reason}};
  if (from) detail["from"] = {{"likelihood", from->likelihood}, {"impact", from->impact}};
  return detail.dump();
}

std::string owner_detail(const OwnerChange& c) {
  return json{{"owner", c.owner}, {"reason", c.reason}, {"change", c.id}}.dump();
}

bool is_change_kind(const std::string& action) {
  for (const char* k : kChangeKinds)
    if (action == k) return true;
  return false;
}

bool is_change_entry(const std::string& action, const std::string& entity) {
  return is_change_kind(action) || (action == kImport && entity != "register");
}

std::string change_detail(const ChangeRow& row) {
  return json{{"change", row.id}, {"field", row.field}, {"from", row.from}, {"to", row.to}, {"reason", row.reason}}
      .dump();
}

std::optional<RecordedChange> change_of(const std::string& detail) {
  json d = json::parse(detail, nullptr, false);
  if (!d.is_object() || !d.contains("change") || !d["change"].is_number_integer()) return std::nullopt;
  RecordedChange r;
  r.change = d["change"].get<int64_t>();
  auto text = [&](const char* k) { return d.contains(k) && d[k].is_string() ? d[k].get<std::string>() : ""; };
  r.field = text("field");
  r.from = text("from");
  r.to = text("to");
  r.reason = text("reason");
  return r;
}

std::optional<RecordedOwner> owner_of(const std::string& detail) {
  json d = json::parse(detail, nullptr, false);
  if (!d.is_object() || !d.contains("change") || !d["change"].is_number_integer()) return std::nullopt;
  RecordedOwner r;
  r.change = d["change"].get<int64_t>();
  if (d.contains("owner") && d["owner"].is_string()) r.owner = d["owner"].get<std::string>();
  if (d.contains("reason") && d["reason"].is_string()) r.reason = d["reason"].get<std::string>();
  return r;
}

std::string alert_detail(const AlertDelivery& d) {
  return json{{"delivery", d.id},   {"recipient", d.recipient}, {"channel", d.channel},
              {"status", d.status}, {"attempts", d.attempts},   {"message_sha256", d.message_sha256}}
      .dump();
}

std::string rules_detail(int64_t version, const std::vector<StoredRulesFile>& rows, const std::string& reason) {
  json files = json::object(), seqs = json::object();
  for (const auto& r : rows) {
    files[r.name] = r.sha256;
    seqs[r.name] = r.seq;
  }
  return json{{"version", version}, {"rules", files}, {"rows", seqs}, {"reason", reason}}.dump();
}

std::optional<RecordedRules> rules_of(const AuditEntry& e) {
  if (e.action != kCreate && e.action != kRules) return std::nullopt;
  json d = json::parse(e.detail, nullptr, false);
  if (!d.is_object() || !d.contains("rules") || !d["rules"].is_object()) return std::nullopt;
  RecordedRules r;
  r.version = e.action == kCreate                                         ? 1
              : d.contains("version") && d["version"].is_number_integer() ? d["version"].get<int64_t>()
                                                                          : 0;
  for (const auto& [name, hash] : d["rules"].items())
    if (hash.is_string()) r.sha256[name] = hash.get<std::string>();
  if (d.contains("rows") && d["rows"].is_object())
    for (const auto& [name, seq] : d["rows"].items())
      if (seq.is_number_integer()) r.rows[name] = seq.get<int64_t>();
  if (d.contains("reason") && d["reason"].is_string()) r.reason = d["reason"].get<std::string>();
  return r;
}

void log_committed(const char* action, const std::string& entity, int64_t seq, const std::string& where) {
  spdlog::info("committed {} {}, audit seq {} ({})", action, entity, seq, where);
}

void log_committed_scores(size_t count, int64_t first, const std::string& where) {
  if (count == 0) return;
  spdlog::info("committed {} \"{}\" entries, audit seq {}-{} ({})", count, kScore, first,
               first + static_cast<int64_t>(count) - 1, where);
}

std::string score_conflict(const std::string& id) {
  return id + ": the score is no longer the expected one (someone re-scored it); check it with 'riskreg show " + id +
         "' and try again";
}

AppendedAssessment score_row(const NewAssessment& a, const std::optional<ScoreCodes>& current, std::string title) {
  if (a.expect && (!current || !(*current == *a.expect))) throw Error(ErrorKind::Conflict, score_conflict(a.risk_id));
  AppendedAssessment row;
  row.risk_id = a.risk_id;
  row.score = a.score;
  row.by = a.by;
  row.at = format_timestamp(a.at);
  row.reason = a.reason;
  row.title = std::move(title);
  row.from = current;
  return row;
}

std::string version_conflict(const std::string& id, int64_t expected, int64_t actual) {
  return id + ": its version is " + std::to_string(actual) + ", not the expected " + std::to_string(expected) +
         " (someone changed it); check it with 'riskreg show " + id + " --history' and try again";
}

std::string risk_exists(const std::string& id) {
  return id + " is already a risk of the register; choose another id, or leave --id out for the next free one";
}

std::string import_created_since(const std::string& id) {
  return id + " was created since the file was checked; nothing was imported, try again";
}
std::string import_removed_since(const std::string& id) {
  return id + " was removed since the file was checked; nothing was imported, try again";
}
std::string import_rescored_since(const std::string& id) {
  return id + " was re-scored since the file was checked; nothing was imported, try again";
}

std::string rules_version_conflict(int64_t expected, int64_t actual) {
  return "the rules in force are version " + std::to_string(actual) + ", not the " + std::to_string(expected) +
         " they were compared with (someone applied rules meanwhile); check 'riskreg rules history' and try again";
}

std::string register_exists(const std::string& where) {
  return where + " already holds a register; use --force to replace it (its history will be lost)";
}

std::string unknown_risk(const std::string& id) { return "unknown risk '" + id + "'"; }

std::string unknown_priority(const std::string& priority, const std::vector<std::string>& known) {
  return "unknown priority '" + priority + "'" + did_you_mean_suffix(priority, known) +
         (known.empty() ? " (the register has no priorities)" : " (priorities: " + join(known, ", ") + ")");
}

std::string feeds_itself(const std::string& id) { return id + " cannot feed itself; nothing was written"; }

}  // namespace riskreg::events
