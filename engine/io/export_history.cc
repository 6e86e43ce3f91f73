#include "io/export_history.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "io/export_walk.h"
#include "records/json_list.h"
#include "register/lifecycle.h"
#include "store/changes.h"

namespace riskreg::exporting {

const std::vector<std::string>& owner_history_columns() {
  static const std::vector<std::string> c = {"risk", "owner", "by", "at", "reason"};
  return c;
}

const std::vector<std::string>& field_history_columns() {
  static const std::vector<std::string> c = {"at", "by", "risk", "field", "from", "to", "reason", "kind"};
  return c;
}

namespace {

/// A field's stored value as a person reads it in a sheet.
std::string shown(const Matrix& m, const std::string& field, const std::string& value) {
  if (value.empty()) return "";
  if (field == "triggers" || field == "consequences" || field == "controls") return lines(from_json(value));
  if (field == "target") return lifecycle::score_shown(m, value);
  if (field == "risk") {
    auto start = changes::fields_of_add(value);
    return start && start->count("title") ? start->at("title") : value;
  }
  if (field.rfind("feed:", 0) == 0) {
    auto v = nlohmann::json::parse(value, nullptr, false);
    if (!v.is_object() || !v.contains("basis") || !v["basis"].is_string()) return value;
    std::string out = v["basis"].get<std::string>();
    if (v.contains("probability") && v["probability"].is_number())
      out += ", probability " + nlohmann::json(v["probability"].get<double>()).dump();
    return out;
  }
  return value;
}

}  // namespace

void for_each_owner_row(Store& store, const std::optional<std::string>& as_of,
                        const std::function<void(const OwnerChange&, const std::vector<std::string>&)>& visit) {
  std::vector<std::string> cells;
  store.for_each_owner_change([&](const OwnerChange& o) {
    if (as_of && o.at > *as_of) return;
    cells = {o.risk_id, o.owner, o.by, o.at, o.reason};
    visit(o, cells);
  });
}

void for_each_field_row(Store& store, const Matrix& m, const std::optional<std::string>& as_of,
                        const std::function<void(const ChangeRow&, const std::vector<std::string>&)>& visit) {
  std::vector<std::string> cells;
  store.for_each_change([&](const ChangeRow& c) {
    if (as_of && c.at > *as_of) return;
    cells = {c.at, c.by, c.subject, c.field, shown(m, c.field, c.from), shown(m, c.field, c.to), c.reason, c.kind};
    visit(c, cells);
  });
}

FieldsThen::FieldsThen(Store& store, const std::string& as_of) {
  bool read_plan = false;
  store.for_each_change([&](const ChangeRow& c) {
    if (c.at <= as_of || c.field == "note" || c.field == "risk") return;
    then_[c.subject].emplace(c.field, c.from);  // the first change after the time: its value before
    if (c.field.rfind("priority:", 0) == 0) read_plan = true;
  });
  // The plan's priorities and actions, when some risk's priorities changed since: read now, not
  // while the store streams the export (one read at a time on PostgreSQL).
  if (!read_plan) return;
  for (const auto& p : store.load().priorities) {
    plan_order_.push_back(p.id);
    auto& acts = acts_[p.id];
    for (const auto& a : p.actions) acts.push_back(a.id);
  }
}

void FieldsThen::apply(ExportRisk& e) {
  auto it = then_.find(e.state.id);
  if (it == then_.end()) return;
  bool priorities_changed = false;
  for (const auto& [field, value] : it->second) {
    if (field == "title") {
      e.state.title = value;
    } else if (field == "heading") {
      e.heading = value;
    } else if (field == "vulnerability") {
      e.vulnerability = value;
    } else if (field == "triggers") {
      e.triggers = from_json(value);
    } else if (field == "consequences") {
      e.consequences = from_json(value);
    } else if (field == "controls") {
      e.controls = from_json(value);
    } else if (field == "notes") {
      e.notes = from_json(value);
    } else if (field == "target") {
      e.state.target = changes::score_from_text(value);
    } else if (field == "response") {
      e.state.response = value;
    } else if (field.rfind("priority:", 0) == 0) {
      const std::string p = field.substr(9);
      auto at = std::find(e.priorities.begin(), e.priorities.end(), p);
      if (value.empty() && at != e.priorities.end()) {
        e.priorities.erase(at);
        priorities_changed = true;
      } else if (!value.empty() && at == e.priorities.end()) {
        e.priorities.push_back(p);
        priorities_changed = true;
      }
    } else if (field.rfind("feed:", 0) == 0) {
      const std::string to = field.substr(5);
      auto at = std::find_if(e.feeds.begin(), e.feeds.end(), [&](const Feed& f) { return f.to == to; });
      if (value.empty()) {
        if (at != e.feeds.end()) e.feeds.erase(at);
        continue;
      }
      auto v = nlohmann::json::parse(value, nullptr, false);
      Feed f;
      f.from = e.state.id;
      f.to = to;
      f.basis = v.is_object() && v.contains("basis") && v["basis"].is_string() ? v["basis"].get<std::string>() : "";
      if (v.is_object() && v.contains("probability") && v["probability"].is_number())
        f.transition_probability = v["probability"].get<double>();
      if (at != e.feeds.end())
        *at = std::move(f);
      else
        e.feeds.push_back(std::move(f));
    }
  }
  if (!priorities_changed) return;
  // The priorities then, in the plan's order, each with its actions.
  std::vector<std::string> ordered;
  e.actions.clear();
  for (const auto& p : plan_order_)
    if (std::find(e.priorities.begin(), e.priorities.end(), p) != e.priorities.end()) {
      ordered.push_back(p);
      for (const auto& a : acts_[p]) e.actions.push_back(a);
    }
  e.priorities = std::move(ordered);
  e.state.priorities = static_cast<int>(e.priorities.size());
  e.state.actions = static_cast<int>(e.actions.size());
}

}  // namespace riskreg::exporting
