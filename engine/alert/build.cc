#include "alert/build.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "register/risk_view.h"
#include "rules/flags.h"

namespace riskreg::alert {

namespace {
using namespace std::chrono;

Period make_period(int y, unsigned mo) {
  year_month ym{year{y}, month{mo}};
  Period p;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", y, mo);
  p.name = buf;
  p.start = sys_seconds(sys_days(ym / 1));
  p.next = sys_seconds(sys_days((ym + months{1}) / 1));
  return p;
}

std::map<std::string, RiskView> read_as_of(Store& store, const Matrix& m, const std::string& at) {
  std::map<std::string, RiskView> out;
  store.for_each_risk_as_of(at, [&](const RiskState& s) { out.emplace(s.id, view_of(s, m)); });
  return out;
}
}  // namespace

Period parse_period(const std::string& text) {
  auto bad = [&] { return Error(ErrorKind::Usage, "--period: expected YYYY-MM (e.g. 2026-11), got '" + text + "'"); };
  if (text.size() != 7 || text[4] != '-') throw bad();
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
    if (text[i] < '0' || text[i] > '9') throw bad();
  int y = std::stoi(text.substr(0, 4));
  int mo = std::stoi(text.substr(5, 2));
  if (mo < 1 || mo > 12 || y < 1900) throw bad();
  return make_period(y, static_cast<unsigned>(mo));
}

Period period_of(Timestamp t) {
  year_month_day d{floor<days>(t)};
  return make_period(static_cast<int>(d.year()), static_cast<unsigned>(d.month()));
}

Period previous_period(const Period& p) { return period_of(p.start - seconds{1}); }

std::vector<std::string> Alert::owners() const {
  std::set<std::string> s;
  for (const auto* list : {&newly_above, &still_above, &dropped_below})
    for (const auto& r : *list)
      if (!r.owner.empty()) s.insert(r.owner);
  return {s.begin(), s.end()};
}

Alert Alert::for_owner(const std::string& owner) const {
  Alert a = *this;
  for (auto* list : {&a.newly_above, &a.still_above, &a.dropped_below})
    std::erase_if(*list, [&](const AlertRisk& r) { return r.owner != owner; });
  return a;
}

Alert build_alert(Store& store, const Matrix& m, const rules::RuleSet& rule_set, const Period& period, Timestamp now) {
  Alert a;
  a.period = period.name;
  a.register_name = store.info().name;
  Timestamp end = std::min(now, period.next - seconds{1});
  a.as_of = format_timestamp(end);
  a.previous_as_of = format_timestamp(period.start - seconds{1});
  auto cur = read_as_of(store, m, a.as_of);
  auto prev = read_as_of(store, m, a.previous_as_of);

  // Upstream: every risk above appetite (at the end of the period) that feeds this one, directly or not.
  std::map<std::string, std::vector<std::string>> fed_by;
  store.for_each_feed([&](const Feed& f) { fed_by[f.to].push_back(f.from); });
  auto upstream_of = [&](const std::string& id) {
    std::vector<std::string> out;
    std::set<std::string> seen{id};
    std::vector<std::string> queue{id};
    for (size_t i = 0; i < queue.size(); ++i)
      for (const auto& from : fed_by[queue[i]]) {
        if (!seen.insert(from).second) continue;
        queue.push_back(from);
        auto it = cur.find(from);
        if (it != cur.end() && it->second.above_appetite && it->second.current)
          out.push_back(from + " (" + m.format(*it->second.current) + ") " + it->second.state.title);
      }
    return out;
  };

  std::map<std::string, std::vector<std::string>> flags;
  if (!rule_set.rules.empty()) {
    auto report = rules::flag_register(store, m, rule_set, now);
    for (const auto& f : report.flags)
      flags[report.facts[f.risk].id].push_back(f.rule->name + ": " + report.message(f, rule_set, m));
  }

  auto make = [&](const RiskView& v, const RiskView* before) {
    AlertRisk r;
    r.id = v.state.id;
    r.title = v.state.title;
    r.owner = v.state.owner.value_or("");
    r.score = v.current ? m.format(*v.current) : "";
    r.band = v.band ? v.band->label : "";
    if (before && before->current) {
      r.previous_score = m.format(*before->current);
      // Worse means a higher band, or within a band a more severe cell.
      auto severity = [](const RiskView& x) {
        return (x.band ? x.band->rank : -1) * 1000 + (x.current ? x.current->likelihood + x.current->impact : 0);
      };
      if (r.previous_score == r.score)
        r.movement = "unchanged";
      else
        r.movement = (severity(v) >= severity(*before) ? "worsened from " : "improved from ") + r.previous_score;
    } else {
      r.movement = "new";
    }
    r.flags = flags[r.id];
    r.upstream = upstream_of(r.id);
    for (const auto& p : store.links(r.id).priorities) {
      AlertPriority ap{p.id, p.title, {}};
      for (const auto& act : p.actions)
        ap.actions.push_back({act.id, act.text, join(act.lead_officers, ", "), act.completion});
      r.priorities.push_back(std::move(ap));
    }
    return r;
  };

  for (const auto& [id, v] : cur) {
    auto p = prev.find(id);
    const RiskView* before = p == prev.end() ? nullptr : &p->second;
    bool was_above = before && before->above_appetite;
    if (v.above_appetite)
      (was_above ? a.still_above : a.newly_above).push_back(make(v, before));
    else if (was_above)
      a.dropped_below.push_back(make(v, before));
  }
  // Risk ids sort as text in the map ("R10" < "R2"); keep the register's order instead.
  auto by_number = [](const AlertRisk& x, const AlertRisk& y) {
    auto num = [](const std::string& s) { return s.size() > 1 ? std::atoll(s.c_str() + 1) : 0; };
    return num(x.id) != num(y.id) ? num(x.id) < num(y.id) : x.id < y.id;
  };
  for (auto* list : {&a.newly_above, &a.still_above, &a.dropped_below})
    std::sort(list->begin(), list->end(), by_number);
  return a;
}

}  // namespace riskreg::alert
