#include "alert/build.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "domain/action_status.h"
#include "domain/response.h"
#include "register/respond.h"
#include "register/risk_view.h"
#include "rules/flags.h"

namespace riskreg::alert {

namespace {
using namespace std::chrono;

/// The zone database's entry for `name` ("" → the machine's). Throws Error(InvalidInput).
const date::time_zone* zone_named(const std::string& name) {
  try {
    if (name.empty()) return date::current_zone();
    return date::locate_zone(name);
  } catch (const std::exception&) {
    if (name.empty())
      throw Error(ErrorKind::InvalidInput,
                  "cannot tell the machine's time zone (no /etc/localtime): set timezone in the alert configuration");
    throw Error(ErrorKind::InvalidInput, "unknown time zone '" + name +
                                             "': use an IANA name such as Europe/London, Asia/Tokyo or UTC "
                                             "(timedatectl list-timezones)");
  }
}

Period make_period(int y, unsigned mo, const date::time_zone* tz) {
  date::year_month ym{date::year{y}, date::month{mo}};
  Period p;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", y, mo);
  p.name = buf;
  p.zone = std::string(tz->name());
  // Local midnight on the 1st; where a zone skips midnight, the first instant of the day.
  auto at = [&](date::year_month m) {
    return std::chrono::floor<seconds>(tz->to_sys(date::local_days(m / 1), date::choose::earliest));
  };
  p.start = at(ym);
  p.next = at(ym + date::months{1});
  return p;
}

/// The open risks as they stood at `at`; the closed ones go to `closed`, when given.
std::map<std::string, RiskView> read_as_of(Store& store, const Matrix& m, const std::string& at,
                                           std::map<std::string, RiskState>* closed = nullptr) {
  std::map<std::string, RiskView> out;
  // A risk closed by then is no longer managed: it leaves the alert (its history stays).
  store.for_each_risk_as_of(at, [&](const RiskState& s) {
    if (!s.closed)
      out.emplace(s.id, view_of(s, m));
    else if (closed)
      closed->emplace(s.id, s);
  });
  return out;
}

/// Whole days from `from` to `to` (both YYYY-MM-DD); 0 when either is not a date.
int days_between(const std::string& from, const std::string& to) {
  auto a = parse_timestamp(from), b = parse_timestamp(to);
  if (!a || !b) return 0;
  return static_cast<int>(std::chrono::floor<std::chrono::days>(*b - *a).count());
}

long long number_of(const std::string& id) { return id.size() > 1 ? std::atoll(id.c_str() + 1) : 0; }

/// Most severe first, then the register's order ("R2" before "R10").
bool more_severe(const AlertRisk& x, const AlertRisk& y) {
  if (x.severity != y.severity) return x.severity > y.severity;
  return number_of(x.id) != number_of(y.id) ? number_of(x.id) < number_of(y.id) : x.id < y.id;
}

}  // namespace

bool known_zone(const std::string& name) {
  try {
    date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string resolve_zone(const std::string& name) { return std::string(zone_named(name)->name()); }

Period parse_period(const std::string& text, const std::string& zone) {
  auto bad = [&] { return Error(ErrorKind::Usage, "--period: expected YYYY-MM (e.g. 2026-11), got '" + text + "'"); };
  if (text.size() != 7 || text[4] != '-') throw bad();
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
    if (text[i] < '0' || text[i] > '9') throw bad();
  int y = std::stoi(text.substr(0, 4));
  int mo = std::stoi(text.substr(5, 2));
  if (mo < 1 || mo > 12 || y < 1900) throw bad();
  return make_period(y, static_cast<unsigned>(mo), zone_named(zone));
}

Period period_of(Timestamp t, const std::string& zone) {
  const auto* tz = zone_named(zone);
  date::year_month_day d{date::floor<date::days>(tz->to_local(t))};
  return make_period(static_cast<int>(d.year()), static_cast<unsigned>(d.month()), tz);
}

Period previous_period(const Period& p) { return period_of(p.start - seconds{1}, p.zone); }

std::string local_time(Timestamp t, const std::string& zone) {
  return date::format("%Y-%m-%d %H:%M %Z", date::make_zoned(zone_named(zone), t));
}

std::string local_date(Timestamp t, const std::string& zone) {
  return date::format("%Y-%m-%d", date::make_zoned(zone_named(zone), t));
}

std::string Feeder::text() const {
  std::string s = id + " (" + score + ") " + title;
  if (!via.empty()) s += ", via " + join(via, " -> ");
  return s;
}

std::vector<std::string> Alert::owners() const {
  std::set<std::string> s;
  for (const auto* list : {&newly_above, &still_above, &dropped_below})
    for (const auto& r : *list)
      if (!r.owner.empty()) s.insert(r.owner);
  for (const auto& c : closed)
    if (!c.owner.empty()) s.insert(c.owner);
  for (const auto& r : reviews)
    if (!r.owner.empty()) s.insert(r.owner);
  return {s.begin(), s.end()};
}

int Alert::overdue_reviews() const {
  return static_cast<int>(std::count_if(reviews.begin(), reviews.end(), [](const ReviewDue& r) { return r.overdue; }));
}

namespace {
/// The headline and the heat map's counts, from the three lists.
void summarize(Alert& a) {
  a.changes.clear();
  auto ids_where = [](const std::vector<AlertRisk>& list, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& r : list)
      if (r.movement.rfind(prefix, 0) == 0) out.push_back(r.id);
    return out;
  };
  std::vector<std::string> newly;
  for (const auto& r : a.newly_above) newly.push_back(r.id);
  std::vector<std::string> dropped;
  for (const auto& r : a.dropped_below) dropped.push_back(r.id);
  std::vector<std::string> closed;
  for (const auto& c : a.closed) closed.push_back(c.id);
  for (auto& c : std::vector<Change>{{"newly above appetite", newly},
                                     {"worsened", ids_where(a.still_above, "worsened")},
                                     {"improved", ids_where(a.still_above, "improved")},
                                     {"dropped below appetite", dropped},
                                     {"closed", closed}})
    if (!c.ids.empty()) a.changes.push_back(std::move(c));
  for (auto& row : a.heat)
    for (auto& cell : row.cells) cell.count = 0;
  for (const auto* list : {&a.newly_above, &a.still_above})
    for (const auto& r : *list)
      if (r.heat_row >= 0) ++a.heat[static_cast<size_t>(r.heat_row)].cells[static_cast<size_t>(r.heat_col)].count;
}
}  // namespace

Alert Alert::for_owner(const std::string& owner) const {
  Alert a = *this;
  for (auto* list : {&a.newly_above, &a.still_above, &a.dropped_below})
    std::erase_if(*list, [&](const AlertRisk& r) { return r.owner != owner; });
  std::erase_if(a.closed, [&](const ClosedRisk& c) { return c.owner != owner; });
  std::erase_if(a.reviews, [&](const ReviewDue& r) { return r.owner != owner; });
  // Decisions: only this owner's risks ("R6 (...)" items start with the id).
  std::set<std::string> mine;
  for (const auto* list : {&a.newly_above, &a.still_above})
    for (const auto& r : *list) mine.insert(r.id);
  auto not_mine = [&](const std::string& item) { return !mine.count(item.substr(0, item.find(' '))); };
  for (auto& g : a.decisions) std::erase_if(g.items, not_mine);
  std::erase_if(a.decisions, [](const DecisionGroup& g) { return g.items.empty(); });
  std::erase_if(a.expiring, not_mine);
  std::erase_if(a.expired, not_mine);
  summarize(a);
  return a;
}

Alert build_alert(Store& store, const Matrix& m, const rules::RuleSet& rule_set, const Period& period, Timestamp now) {
  Alert a;
  a.period = period.name;
  a.zone = period.zone;
  a.register_name = store.info().name;
  Timestamp end = std::min(now, period.next - seconds{1});
  a.as_of = format_timestamp(end);
  a.previous_as_of = format_timestamp(period.start - seconds{1});
  a.as_of_local = local_time(end, period.zone);
  a.previous_as_of_local = local_time(period.start - seconds{1}, period.zone);
  std::map<std::string, RiskState> closed_then;
  auto cur = read_as_of(store, m, a.as_of, &closed_then);
  auto prev = read_as_of(store, m, a.previous_as_of);
  a.review_by = local_date(period.next - seconds{1}, period.zone);
  a.today = local_date(end, period.zone);
  a.held_assessment = std::any_of(cur.begin(), cur.end(), [](const auto& kv) { return kv.second.current.has_value(); });
  a.held_previous = std::any_of(prev.begin(), prev.end(), [](const auto& kv) { return kv.second.current.has_value(); });
  // An action is overdue in the alert when it is open and its due date (riskreg action, or read
  // from the plan's completion text) falls before the period's first day.
  const std::string period_start = period.name + "-01";

  // Heat map: likelihood rows and impact columns, most severe first, as the matrix is drawn.
  for (int i = m.impact.size() - 1; i >= 0; --i) a.impact_codes.push_back(m.impact.levels[i].code);
  for (int l = m.likelihood.size() - 1; l >= 0; --l) {
    HeatRow row{m.likelihood.levels[l].code, {}};
    for (int i = m.impact.size() - 1; i >= 0; --i) {
      Cell c{l, i};
      row.cells.push_back({m.format(c), m.band(c).colour, m.above_appetite(c), 0});
    }
    a.heat.push_back(std::move(row));
  }

  // Upstream: every risk above appetite (at the end of the period) that feeds this one,
  // directly or not, found breadth first so that the nearest come first.
  std::map<std::string, std::vector<std::string>> fed_by;
  store.for_each_feed([&](const Feed& f) { fed_by[f.to].push_back(f.from); });
  auto upstream_of = [&](const std::string& id) {
    std::vector<Feeder> out;
    std::map<std::string, std::string> next_hop;  // feeder → the risk it feeds on the way to `id`
    std::vector<std::string> queue{id};
    std::set<std::string> seen{id};
    for (size_t i = 0; i < queue.size(); ++i)
      for (const auto& from : fed_by[queue[i]]) {
        if (!seen.insert(from).second) continue;
        queue.push_back(from);
        next_hop[from] = queue[i];
        auto it = cur.find(from);
        if (it == cur.end() || !it->second.above_appetite || !it->second.current) continue;
        Feeder f{from, m.format(*it->second.current), it->second.state.title, {}};
        for (std::string hop = queue[i]; hop != id; hop = next_hop[hop]) f.via.push_back(hop);
        out.push_back(std::move(f));
      }
    return out;
  };

  std::map<std::string, std::vector<std::pair<std::string, std::string>>> flags;  // id → (rule, "RULE: message")
  if (!rule_set.rules.empty()) {
    auto report = rules::flag_register(store, m, rule_set, now);
    for (const auto& f : report.flags)
      flags[report.facts[f.risk].id].emplace_back(f.rule->name, f.rule->name + ": " + report.message(f, rule_set, m));
  }

  auto severity = [](const RiskView& x) {
    return (x.band ? x.band->rank : -1) * 100 + (x.current ? x.current->likelihood + x.current->impact : 0);
  };
  auto make = [&](const RiskView& v, const RiskView* before) {
    AlertRisk r;
    r.id = v.state.id;
    r.title = v.state.title;
    r.owner = v.state.owner.value_or("");
    r.score = v.current ? m.format(*v.current) : "";
    r.band = v.band ? v.band->name : "";
    r.band_colour = v.band ? v.band->colour : "";
    r.severity = severity(v);
    if (v.current) {
      r.heat_row = m.likelihood.size() - 1 - v.current->likelihood;
      r.heat_col = m.impact.size() - 1 - v.current->impact;
    }
    if (before && before->current) {
      r.previous_score = m.format(*before->current);
      // Worse means a higher band, or within a band a more severe cell.
      if (r.previous_score == r.score)
        r.movement = "unchanged";
      else
        r.movement = (severity(v) >= severity(*before) ? "worsened from " : "improved from ") + r.previous_score;
    } else {
      r.movement = "new";
    }
    const auto& last = v.state.current;
    if (last && last->at > a.previous_as_of && last->at <= a.as_of)
      r.rescore = Rescore{last->by, last->at, last->reason};
    r.upstream = upstream_of(r.id);
    if (auto d = parse_response(v.state.response)) {
      r.decision = d->decision;
      r.decision_text = lifecycle::response_shown(m, v.state.response);
      r.accepted_until = d->until;
    }
    for (const auto& p : store.links(r.id).priorities) {
      AlertPriority ap{p.id, p.title, {}};
      for (const auto& act : p.actions) {
        bool overdue = action_overdue(act.status, act.due, period_start);
        r.overdue_actions += overdue;
        r.open_actions += action_open(act.status);
        // The plan's words where the date is the one read from them; else the date set since.
        std::string due = act.due.empty() || act.due == due_from_completion(act.completion) ? act.completion : act.due;
        if (!act.status.empty()) due += "; " + act.status;
        ap.actions.push_back({act.id, act.text, join(act.lead_officers, ", "), due, overdue});
      }
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

  // A rule that every risk above appetite carries (ABOVE_APPETITE, by definition) says
  // nothing about any one of them: it is named once, not repeated under each.
  std::vector<const AlertRisk*> above;
  for (const auto* list : {&a.newly_above, &a.still_above})
    for (const auto& r : *list) above.push_back(&r);
  std::set<std::string> common;
  if (!above.empty()) {
    for (const auto& [rule, text] : flags[above.front()->id]) common.insert(rule);
    for (const auto* r : above)
      std::erase_if(common, [&](const std::string& rule) {
        const auto& fl = flags[r->id];
        return std::none_of(fl.begin(), fl.end(), [&](const auto& f) { return f.first == rule; });
      });
  }
  a.common_flags.assign(common.begin(), common.end());
  for (auto* list : {&a.newly_above, &a.still_above, &a.dropped_below})
    for (auto& r : *list)
      for (const auto& [rule, text] : flags[r.id])
        if (!common.count(rule)) r.flags.push_back(text);

  for (auto* list : {&a.newly_above, &a.still_above, &a.dropped_below})
    std::sort(list->begin(), list->end(), more_severe);

  // Above appetite, by decision (`riskreg respond`): without one first, as the manager needs it.
  {
    int warning_days = 31;
    for (const auto& p : rule_set.params)
      if (p.name == "acceptance_warning_days" && p.type == rules::Type::Number && p.num >= 0 && p.num < 3660)
        warning_days = static_cast<int>(p.num);
    std::string warn_by;
    if (auto t = parse_timestamp(a.today)) warn_by = format_date(*t + std::chrono::days(warning_days));
    const std::pair<const char*, const char*> kinds[] = {{"none", "without a decision"},
                                                         {"treat", "treated"},
                                                         {"tolerate", "tolerated"},
                                                         {"transfer", "transferred"},
                                                         {"terminate", "terminated"}};
    for (const auto& [kind, title] : kinds) {
      DecisionGroup g{kind, title, {}};
      for (const auto* list : {&a.newly_above, &a.still_above})
        for (const auto& r : *list) {
          if (r.decision != kind) continue;
          std::string item = r.id;
          if (r.decision == "treat")
            item += " (" + std::to_string(r.open_actions) + " open action" + (r.open_actions == 1 ? "" : "s") + ", " +
                    std::to_string(r.overdue_actions) + " overdue)";
          else if (r.decision != "none")
            item += r.decision_text.substr(r.decision_text.find(' ') == std::string::npos ? r.decision_text.size()
                                                                                          : r.decision_text.find(' '));
          g.items.push_back(item);
          if (r.decision == "tolerate" && !r.accepted_until.empty()) {
            std::string who = r.id + r.decision_text.substr(r.decision_text.find(' '));
            if (r.accepted_until < a.today)
              a.expired.push_back(who);
            else if (!warn_by.empty() && r.accepted_until <= warn_by)
              a.expiring.push_back(who);
          }
        }
      if (!g.items.empty()) a.decisions.push_back(std::move(g));
    }
  }

  // Closed this month: the register's changes record who closed each risk, when and why. A
  // risk closed and reopened within the period is open at its end, and listed as it is then.
  std::map<std::string, ChangeRow> closing;  // risk -> its last close in the period
  store.for_each_change([&](const ChangeRow& c) {
    if (c.field == "status" && c.to == "closed" && c.at > a.previous_as_of && c.at <= a.as_of &&
        closed_then.count(c.subject))
      closing[c.subject] = c;
  });
  for (const auto& [id, c] : closing) {
    const RiskState& s = closed_then.at(id);
    RiskView v = view_of(s, m);
    a.closed.push_back({id, s.title, s.owner.value_or(""), v.current ? m.format(*v.current) : "",
                        v.band ? v.band->name : "", v.above_appetite, c.by, c.at, c.reason});
  }
  std::sort(a.closed.begin(), a.closed.end(), [](const ClosedRisk& x, const ClosedRisk& y) {
    return x.at != y.at ? x.at < y.at : number_of(x.id) < number_of(y.id);
  });

  // Reviews due by the period's last day, of the risks open at its end, as they stood then.
  for (const auto& [id, v] : cur) {
    const auto& due = v.state.next_review;
    if (due.empty() || due > a.review_by) continue;
    ReviewDue r{id, v.state.title, v.state.owner.value_or(""), due, v.state.last_review, due < a.today, 0};
    if (r.overdue) r.days_overdue = days_between(due, a.today);
    a.reviews.push_back(std::move(r));
  }
  std::sort(a.reviews.begin(), a.reviews.end(), [](const ReviewDue& x, const ReviewDue& y) {
    if (x.overdue != y.overdue) return x.overdue;
    if (x.due != y.due) return x.due < y.due;
    return number_of(x.id) != number_of(y.id) ? number_of(x.id) < number_of(y.id) : x.id < y.id;
  });
  summarize(a);
  return a;
}

}  // namespace riskreg::alert
