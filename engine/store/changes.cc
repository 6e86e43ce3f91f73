#include "store/changes.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "records/json_list.h"

namespace riskreg::changes {

using nlohmann::json;

const std::vector<std::string> kFields = {"title",        "heading",     "vulnerability", "triggers",
                                          "consequences", "controls",    "target",        "status",
                                          "next_review",  "last_review", "response"};

namespace {

bool is_list(const std::string& field) { return field == "triggers" || field == "consequences" || field == "controls"; }

/// How a field's value reads in a message: a list's items counted, a blank value "none".
std::string shown(const std::string& field, const std::string& value) {
  if (value.empty()) return "none";
  if (is_list(field)) return std::to_string(from_json(value).size()) + " item(s)";
  if (field == "target") {
    auto s = score_from_text(value);
    return s ? s->likelihood + s->impact : value;
  }
  return "'" + value + "'";
}

}  // namespace

bool is_link_field(const std::string& field) {
  return field.rfind("priority:", 0) == 0 || field.rfind("feed:", 0) == 0;
}

std::string feed_value(const std::string& basis, const std::optional<double>& probability) {
  json v = {{"basis", basis}};
  if (probability) v["probability"] = *probability;
  return v.dump();
}

std::string link_value(const RiskLinks& links, const std::string& field) {
  if (field.rfind("priority:", 0) == 0) {
    std::string id = field.substr(9);
    for (const auto& p : links.priorities)
      if (p.id == id) return "linked";
    return "";
  }
  std::string to = field.substr(5);
  for (const auto& f : links.feeds_out)
    if (f.to == to) return feed_value(f.basis, f.transition_probability);
  return "";
}

std::string score_text(const std::optional<ScoreCodes>& s) { return s ? s->likelihood + "/" + s->impact : ""; }

std::optional<ScoreCodes> score_from_text(const std::string& text) {
  auto slash = text.find('/');
  if (text.empty() || slash == std::string::npos) return std::nullopt;
  return ScoreCodes{text.substr(0, slash), text.substr(slash + 1)};
}

std::map<std::string, std::string> fields_of(const Risk& r, const RiskState& s) {
  return {{"title", r.title},
          {"heading", r.heading},
          {"vulnerability", r.vulnerability},
          {"triggers", to_json(r.triggers)},
          {"consequences", to_json(r.consequences)},
          {"controls", to_json(r.controls)},
          {"target", score_text(r.target)},
          {"status", s.closed ? "closed" : "open"},
          {"next_review", s.next_review},
          {"last_review", s.last_review},
          {"response", s.response},
          {"notes", to_json(r.notes)}};
}

std::string add_value(const NewRisk& n) {
  RiskState s;
  s.next_review = n.next_review;
  json out = json::object();
  // (A new risk has no decision and no notes: "response" and "notes" are left out, as they were
  // before either was versioned.)
  for (const auto& [field, value] : fields_of(n.risk, s))
    if (field != "response" && field != "notes") out[field] = value;
  return out.dump();
}

std::optional<std::map<std::string, std::string>> fields_of_add(const std::string& value) {
  json v = json::parse(value, nullptr, false);
  if (!v.is_object()) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& f : kFields)
    if (v.contains(f) && v[f].is_string()) out[f] = v[f].get<std::string>();
  return out;
}

AppliedChange apply(ChangeBackend& b, const ChangeRequest& req) {
  const std::string& id = req.risk_id;
  auto fields = b.read_fields(id);
  if (!fields) throw Error(ErrorKind::NotFound, events::unknown_risk(id));
  int64_t version = b.version(id);
  if (req.expect_version && *req.expect_version != version)
    throw Error(ErrorKind::Conflict, events::version_conflict(id, *req.expect_version, version));
  AppliedChange out;
  for (const auto& e : req.edits) {
    ChangeRow row;
    row.kind = req.kind;
    row.subject = id;
    row.field = e.field;
    row.by = req.by;
    row.at = format_timestamp(req.at);
    row.reason = req.reason;
    if (e.field == "note") {
      row.to = e.value;
    } else if (is_link_field(e.field)) {
      row.from = b.read_link(id, e.field);
      row.to = e.value;
      if (row.from == row.to) {
        bool priority = e.field.rfind("priority:", 0) == 0;
        std::string other = e.field.substr(e.field.find(':') + 1);
        std::string state = priority ? (row.to.empty() ? " is not linked to " : " is already linked to ")
                                     : (row.to.empty() ? " does not feed " : " already feeds ");
        throw Error(ErrorKind::InvalidInput, id + state + other + "; nothing was written");
      }
      b.write_link(id, e.field, row.to, req.reason);
    } else {
      auto it = fields->find(e.field);
      if (it == fields->end()) throw Error(ErrorKind::Internal, "a change to an unknown field '" + e.field + "'");
      row.from = it->second;
      if (e.op == EditOp::Set) {
        row.to = e.value;
      } else {
        if (!is_list(e.field)) throw Error(ErrorKind::Internal, "a list edit of the field '" + e.field + "'");
        auto list = from_json(row.from);
        if (e.op == EditOp::Append) {
          list.push_back(e.value);
        } else {
          if (e.index >= list.size())
            throw Error(ErrorKind::InvalidInput,
                        id + ": there is no " + e.field + " item " + std::to_string(e.index + 1) + " (it has " +
                            std::to_string(list.size()) +
                            (list.empty() ? "" : ": 1 to " + std::to_string(list.size())) + "); nothing was written");
          list.erase(list.begin() + static_cast<std::ptrdiff_t>(e.index));
        }
        row.to = to_json(list);
      }
      if (row.to == row.from) {
        if (e.field == "status")
          throw Error(ErrorKind::InvalidInput, id + " is already " + row.to + "; nothing was written");
        throw Error(ErrorKind::InvalidInput,
                    id + ": the " + e.field + " is already " + shown(e.field, row.to) + "; nothing was written");
      }
      it->second = row.to;
      b.write_field(id, e.field, row.to);
    }
    row.id = b.insert_change(row);
    row.audit_seq = b.append_audit(row, events::change_detail(row));
    out.rows.push_back(std::move(row));
  }
  out.version = version + static_cast<int64_t>(out.rows.size());
  return out;
}

std::string unknown_action(const std::string& id, const std::vector<std::string>& ids) {
  std::string listed;
  for (size_t i = 0; i < ids.size() && i < 6; ++i) listed += (i ? ", " : "") + ids[i];
  if (ids.size() > 6) listed += ", ... " + std::to_string(ids.size()) + " in all; `riskreg trace RISK` lists a risk's";
  return "unknown action '" + escape_controls(id) + "'" + did_you_mean_suffix(id, ids) +
         (ids.empty() ? " (the register has no actions)" : " (actions: " + listed + ")");
}

AppliedChange apply_action(ActionBackend& b, const ChangeRequest& req) {
  std::string id = req.risk_id;
  auto fields = b.read_action(id);
  if (!fields) {
    auto ids = b.action_ids();
    for (const auto& known : ids)
      if (known.size() == id.size() && std::equal(known.begin(), known.end(), id.begin(), [](char a, char c) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(c));
          })) {
        id = known;
        fields = b.read_action(id);
        break;
      }
    if (!fields) throw Error(ErrorKind::NotFound, unknown_action(req.risk_id, ids));
  }
  int64_t version = b.action_version(id);
  if (req.expect_version && *req.expect_version != version)
    throw Error(ErrorKind::Conflict, events::version_conflict(id, *req.expect_version, version));
  AppliedChange out;
  for (const auto& e : req.edits) {
    auto it = fields->find(e.field);
    if (it == fields->end() || e.op != EditOp::Set)
      throw Error(ErrorKind::Internal, "an action change to the field '" + e.field + "'");
    ChangeRow row;
    row.kind = req.kind;
    row.subject = id;
    row.field = e.field;
    row.from = it->second;
    row.to = e.value;
    row.by = req.by;
    row.at = format_timestamp(req.at);
    row.reason = req.reason;
    if (row.from == row.to)
      throw Error(ErrorKind::InvalidInput, id + ": the " + e.field + " is already " +
                                               (row.to.empty() ? std::string("not recorded") : row.to) +
                                               "; nothing was written");
    it->second = row.to;
    b.write_action(id, e.field, row.to);
    row.id = b.insert_action_change(row);
    row.audit_seq = b.append_audit(row, events::change_detail(row));
    out.rows.push_back(std::move(row));
  }
  out.version = version + static_cast<int64_t>(out.rows.size());
  return out;
}

std::optional<ChangeRow> apply_lapse(ChangeBackend& b, const std::string& risk_id, const std::string& from,
                                     const std::string& by, Timestamp at, const std::string& reason) {
  if (from.empty()) return std::nullopt;
  auto fields = b.read_fields(risk_id);
  if (!fields || fields->at("response") != from) return std::nullopt;
  ChangeRequest req;
  req.kind = events::kLapse;
  req.risk_id = risk_id;
  req.edits.push_back({"response", EditOp::Set, "", 0});
  req.by = by;
  req.at = at;
  req.reason = reason;
  auto out = apply(b, req);
  return out.rows.front();
}

const std::vector<std::string> kImportFields = {"title",    "heading", "vulnerability", "triggers", "consequences",
                                                "controls", "notes",   "target",        "status"};

std::vector<ChangeRow> import_changes(const std::string& risk_id, const std::map<std::string, std::string>& before,
                                      const std::map<std::string, std::string>& after, const std::string& by,
                                      const std::string& at, const std::string& reason) {
  std::vector<ChangeRow> out;
  for (const auto& field : kImportFields) {
    auto to = after.find(field);
    if (to == after.end()) continue;
    auto from = before.find(field);
    const std::string was = from == before.end() ? std::string() : from->second;
    if (was == to->second) continue;
    ChangeRow row;
    row.kind = events::kImport;
    row.subject = risk_id;
    row.field = field;
    row.from = was;
    row.to = to->second;
    row.by = by;
    row.at = at;
    row.reason = reason;
    out.push_back(std::move(row));
  }
  return out;
}

std::map<std::string, std::string> import_values(const Risk& r, const std::optional<std::string>& status) {
  std::map<std::string, std::string> out = {{"title", r.title},
                                            {"heading", r.heading},
                                            {"vulnerability", r.vulnerability},
                                            {"triggers", to_json(r.triggers)},
                                            {"consequences", to_json(r.consequences)},
                                            {"controls", to_json(r.controls)},
                                            {"notes", to_json(r.notes)},
                                            {"target", score_text(r.target)}};
  if (status) out["status"] = *status;
  return out;
}

ChangeRow record_add(ChangeBackend& b, const NewRisk& r) {
  ChangeRow row;
  row.kind = events::kAdd;
  row.subject = r.risk.id;
  row.field = "risk";
  row.to = add_value(r);
  row.by = r.by;
  row.at = format_timestamp(r.at);
  row.reason = r.reason;
  row.id = b.insert_change(row);
  row.audit_seq = b.append_audit(row, events::change_detail(row));
  return row;
}

}  // namespace riskreg::changes
