#include "register/lifecycle.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "domain/action_status.h"
#include "domain/risk_id.h"
#include "records/json_list.h"
#include "register/respond.h"
#include "register/risk_view.h"
#include "rules/rule_set.h"
#include "store/changes.h"

namespace riskreg::lifecycle {

std::string parse_date(const std::string& what, const std::string& text) {
  std::string t = trim(text);
  auto ts = t.size() == 10 ? parse_timestamp(t) : std::nullopt;
  if (!ts) throw Error(ErrorKind::InvalidInput, what + " '" + escape_controls(text) + "' is not a date (YYYY-MM-DD)");
  return format_date(*ts);
}

std::string next_free_id(Store& store) {
  long long highest = 0;
  for (const auto& id : store.risk_ids()) {
    if (!is_numbered_risk_id(id)) continue;
    long long n = 0;
    auto [p, ec] = std::from_chars(id.data() + 1, id.data() + id.size(), n);
    if (ec == std::errc()) highest = std::max(highest, n);
  }
  return "R" + std::to_string(highest + 1);
}

std::optional<std::string> next_review_by_rules(const std::vector<RulesFile>& rules, const Matrix& m,
                                                const std::optional<ScoreCodes>& score, Timestamp today) {
  auto set = rules::rule_set_from(rules, m);
  std::optional<double> days;
  auto param = [&](const std::string& name) -> std::optional<double> {
    for (const auto& p : set.params)
      if (p.name == name && p.type == rules::Type::Number) return p.num;
    return std::nullopt;
  };
  if (score)
    if (auto c = m.cell(*score)) {
      std::string band = m.band(*c).name;
      std::replace(band.begin(), band.end(), '-', '_');
      days = param("review_days_" + band);
    }
  if (!days) days = param("review_days");
  if (!days || *days < 0) return std::nullopt;
  auto midnight = std::chrono::floor<std::chrono::days>(today);
  return format_date(Timestamp(midnight + std::chrono::days(static_cast<long long>(*days))));
}

void check_text(const std::string& what, const std::string& value, bool multi_line, bool required) {
  if (required && trim(value).empty()) throw Error(ErrorKind::InvalidInput, what + " cannot be blank");
  require_text(what, value, multi_line ? TextLines::Multi : TextLines::Single);
}

std::string require_reason(const std::string& risk_id, const std::string& reason) {
  check_text(risk_id + ": the reason", reason, true, true);
  return trim(reason);
}

ChangeRow add(Store& store, const std::vector<RulesFile>& rules, const Matrix& m, Timestamp now,
              const AddRequest& req) {
  NewRisk n;
  Risk& r = n.risk;
  if (req.id) {
    check_text("--id", *req.id, false, true);
    r.id = canonical_risk_id(*req.id);
  } else {
    r.id = next_free_id(store);
  }
  if (is_numbered_risk_id(r.id)) {
    long long number = 0;
    auto [p, ec] = std::from_chars(r.id.data() + 1, r.id.data() + r.id.size(), number);
    if (ec == std::errc() && number <= 1000000000) r.number = static_cast<int>(number);
  }
  check_text(r.id + ": --title", req.title, false, true);
  r.title = trim(req.title);
  check_text(r.id + ": --heading", req.heading, false, false);
  r.heading = trim(req.heading);
  check_text(r.id + ": --vulnerability", req.vulnerability, true, false);
  r.vulnerability = trim(req.vulnerability);
  auto items = [&](const char* option, const std::vector<std::string>& in, std::vector<std::string>& out) {
    for (const auto& t : in) {
      check_text(r.id + ": " + option, t, true, true);
      out.push_back(trim(t));
    }
  };
  items("--trigger", req.triggers, r.triggers);
  items("--consequence", req.consequences, r.consequences);
  items("--control", req.controls, r.controls);
  Cell current = parse_score(m, req.current);
  r.current = m.codes(current);
  if (req.target) r.target = m.codes(parse_score(m, *req.target));
  if (req.owner) {
    check_text(r.id + ": --owner", *req.owner, false, true);
    r.owner = trim(*req.owner);
  }
  n.next_review = req.review ? parse_date(r.id + ": --review", *req.review)
                             : next_review_by_rules(rules, m, r.current, now).value_or("");
  n.by = req.by;
  n.at = now;
  n.reason = require_reason(r.id, req.reason.empty() ? "Risk added" : req.reason);
  return store.add_risk(n);
}

namespace {
std::string fixed_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}
}  // namespace

std::string score_shown(const Matrix& m, const std::string& stored) {
  auto codes = changes::score_from_text(stored);
  if (!codes) return "none";
  auto c = m.cell(*codes);
  return c ? m.format(*c) : codes->likelihood + codes->impact;
}

ChangeRequest action_change(const ActionRequest& req) {
  ChangeRequest c;
  c.kind = events::kAction;
  c.risk_id = trim(req.id);
  check_text("the action id", c.risk_id, false, true);
  if (!req.status && !req.due)
    throw Error(ErrorKind::Usage, c.risk_id + ": nothing to change: give --status (" + join(action_statuses(), ", ") +
                                      ") or --due YYYY-MM-DD|none");
  if (req.status) {
    std::string s = to_lower(trim(*req.status));
    std::replace(s.begin(), s.end(), ' ', '-');
    std::replace(s.begin(), s.end(), '_', '-');
    const auto& valid = action_statuses();
    if (std::find(valid.begin(), valid.end(), s) == valid.end())
      throw Error(ErrorKind::InvalidInput, c.risk_id + ": --status '" + escape_controls(*req.status) +
                                               "' is not a status" + did_you_mean_suffix(s, valid) +
                                               " (valid: " + join(valid, ", ") + ")");
    c.edits.push_back({"status", EditOp::Set, s, 0});
  }
  if (req.due) {
    std::string d = to_lower(trim(*req.due)) == "none" ? "" : parse_date(c.risk_id + ": --due", *req.due);
    c.edits.push_back({"due", EditOp::Set, d, 0});
  }
  return c;
}

std::string action_state(const Action& a, const std::string& today) {
  std::string out = a.status.empty() ? "status not recorded" : a.status;
  if (!action_open(a.status)) return out;
  if (a.due.empty())
    out += a.completion.empty() ? ", no due date" : ", no due date (completion as written: '" + a.completion + "')";
  else
    out += ", due " + a.due +
           (a.completion.empty() || due_from_completion(a.completion) != a.due
                ? ""
                : " (completion as written: '" + a.completion + "')");
  if (action_overdue(a.status, a.due, today)) out += ": OVERDUE";
  return out;
}

std::string describe(const Matrix& m, const ChangeRow& row) {
  auto quoted = [](const std::string& s) { return s.empty() ? std::string("none") : "'" + s + "'"; };
  if (row.kind == events::kAction) {
    if (row.field == "status")
      return "status " + (row.from.empty() ? std::string("not recorded") : row.from) + " -> " + row.to;
    return "due " + (row.from.empty() ? std::string("none") : row.from) + " -> " +
           (row.to.empty() ? std::string("none") : row.to);
  }
  if (row.field == "risk") {
    auto start = changes::fields_of_add(row.to);
    std::string title = start && start->count("title") ? start->at("title") : "";
    return "added: " + title;
  }
  if (row.field == "note") return "note " + quoted(row.to);
  if (row.field.rfind("priority:", 0) == 0)
    return (row.to.empty() ? "unlinked from " : "linked to ") + row.field.substr(9);
  if (row.field.rfind("feed:", 0) == 0) {
    std::string to = row.field.substr(5);
    if (row.to.empty()) return "no longer feeds " + to;
    auto v = nlohmann::json::parse(row.to, nullptr, false);
    std::string how =
        v.is_object() && v.contains("basis") && v["basis"].is_string() ? v["basis"].get<std::string>() : "";
    if (v.is_object() && v.contains("probability") && v["probability"].is_number())
      how += ", probability " + fixed_text(v["probability"].get<double>());
    return (row.from.empty() ? "feeds " : "feed changed: ") + to + " (" + how + ")";
  }
  if (row.field == "response")
    return std::string(row.kind == events::kLapse ? "acceptance ended: " : "decision ") + response_shown(m, row.from) +
           " -> " + response_shown(m, row.to);
  if (row.field == "status") return row.to == "closed" ? "closed" : "reopened";
  if (row.field == "target") return "target " + score_shown(m, row.from) + " -> " + score_shown(m, row.to);
  if (row.field == "last_review") return "reviewed";
  if (row.field == "next_review")
    return "next review " + (row.from.empty() ? "none" : row.from) + " -> " + (row.to.empty() ? "none" : row.to);
  if (row.field == "triggers" || row.field == "consequences" || row.field == "controls" || row.field == "notes") {
    auto before = from_json(row.from), after = from_json(row.to);
    std::vector<std::string> parts;
    for (const auto& a : after)
      if (std::find(before.begin(), before.end(), a) == before.end()) parts.push_back("+ '" + a + "'");
    for (const auto& b : before)
      if (std::find(after.begin(), after.end(), b) == after.end()) parts.push_back("- '" + b + "'");
    if (parts.empty()) parts.push_back("reordered");
    return row.field + " " + join(parts, ", ");
  }
  return row.field + " " + quoted(row.from) + " -> " + quoted(row.to);
}

}  // namespace riskreg::lifecycle
