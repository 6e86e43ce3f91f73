// riskreg show ID: everything about one risk, its links and its whole history.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "core/text.h"

#include "commands.h"
#include "domain/response.h"
#include "graph/rank_register.h"
#include "register/lifecycle.h"
#include "register/respond.h"
#include "register/risk_view.h"
#include "render.h"
#include "rules/flags.h"

namespace riskreg::cli {

namespace {
struct ShowOptions {
  std::string id;
  bool full = false;
  bool history = false;
  bool json = false;
};

/// History rows shown without --full.
constexpr size_t kRecentHistory = 5;

std::string describe(const Matrix& m, const std::optional<Cell>& c) {
  if (!c) return "(not set)";
  return m.format(*c) + "  (likelihood " + m.likelihood_level(*c).code + " " + m.likelihood_level(*c).label +
         ", impact " + m.impact_level(*c).heading + ")";
}

void list_block(std::ostream& out, const std::string& title, const std::vector<std::string>& items, size_t width) {
  out << title << ":\n";
  if (items.empty()) out << "  (none)\n";
  for (const auto& i : items) out << "  - " << wrap(i, width, 4, 4) << "\n";
}

/// "Label:        text", the text wrapped under itself.
void field(std::ostream& out, const std::string& label, const std::string& text, size_t width) {
  constexpr size_t kLabel = 15;
  out << pad(label + ":", kLabel) << wrap(text, width, kLabel, kLabel) << "\n";
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

nlohmann::json feeds_json(const std::vector<Feed>& fs) {
  auto a = nlohmann::json::array();
  for (const auto& f : fs) a.push_back({{"from", f.from}, {"to", f.to}, {"basis", f.basis}, {"evidence", f.evidence}});
  return a;
}
}  // namespace

void add_show(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ShowOptions>();
  auto* cmd = app.add_subcommand("show", "Show one risk: fields, score, links and history");
  cmd->add_option("id", opt->id, "Risk id (R5, or 5)")->required();
  cmd->add_flag("--full", opt->full,
                "Everything: vulnerability, triggers, consequences, the seed's evidence for each link, notes, "
                "the whole history and owner changes");
  cmd->add_flag("--history", opt->history,
                "Its whole history: every score, owner change, edit, target, status, review and note, oldest first");
  cmd->add_flag("--json", opt->json, "JSON output (always everything)");
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    Store& st = ctx.store();
    std::string id = resolve_risk_id(st, opt->id);
    Risk r = *st.risk(id);
    RiskView v = view_of(*st.risk_state(id), m);
    const Timestamp now = ctx.clock().now();
    auto links = st.links(id);
    auto hist = st.history(id);
    auto owners = st.owner_history(id);
    auto changes = st.changes(id);
    std::vector<const ChangeRow*> notes;
    const ChangeRow* status_change = nullptr;
    std::vector<const ChangeRow*> decisions;
    for (const auto& c : changes) {
      if (c.field == "note") notes.push_back(&c);
      if (c.field == "status") status_change = &c;
      if (c.field == "response") decisions.push_back(&c);
    }
    auto rule_set = rules::rule_set_from(st.rules(), m);
    // The feeders' scores are one more query (748 risks feed R5 on a generated 1,000,000):
    // read only when a rule uses them.
    auto facts = rule_set.needs_upstream() ? rules::load_risk_facts(st, m, id, now) : rules::facts_of(v, m, now);
    RiskMitigationShare mitigation = risk_mitigation_share(st, m, id);  // issue 23
    std::vector<const rules::Rule*> fired;
    for (const auto& rule : rule_set.rules)
      if (rule.condition.matches(facts)) fired.push_back(&rule);
    if (opt->json) {
      nlohmann::json j = {{"id", r.id},
                          {"number", r.number ? nlohmann::json(*r.number) : nlohmann::json()},
                          {"title", r.title},
                          {"heading", r.heading},
                          {"vulnerability", r.vulnerability},
                          {"triggers", r.triggers},
                          {"consequences", r.consequences},
                          {"controls", r.controls},
                          {"owner", r.owner ? nlohmann::json(*r.owner) : nlohmann::json()},
                          {"current", v.current ? nlohmann::json(m.format(*v.current)) : nlohmann::json()},
                          {"target", v.target ? nlohmann::json(m.format(*v.target)) : nlohmann::json()},
                          {"band", v.band ? nlohmann::json(v.band->name) : nlohmann::json()},
                          {"above_appetite", v.above_appetite},
                          {"feeds", feeds_json(links.feeds_out)},
                          {"fed_by", feeds_json(links.feeds_in)},
                          {"notes", r.notes}};
      auto pris = nlohmann::json::array();
      for (const auto& p : links.priorities) {
        auto acts = nlohmann::json::array();
        for (const auto& a : p.actions)
          acts.push_back({{"id", a.id},
                          {"text", a.text},
                          {"lead_officers", a.lead_officers},
                          {"completion", a.completion},
                          {"pis", a.pis}});
        pris.push_back({{"id", p.id}, {"title", p.title}, {"actions", acts}});
      }
      j["priorities"] = pris;
      auto h = nlohmann::json::array();
      for (const auto& a : hist) {
        auto c = m.cell(a.score);
        h.push_back({{"assessment", a.id},
                     {"score", c ? m.format(*c) : a.score.likelihood + a.score.impact},
                     {"by", a.by},
                     {"at", a.at},
                     {"reason", a.reason}});
      }
      j["history"] = h;
      auto o = nlohmann::json::array();
      for (const auto& c : owners) o.push_back({{"owner", c.owner}, {"by", c.by}, {"at", c.at}, {"reason", c.reason}});
      j["owner_history"] = o;
      j["status"] = v.state.closed ? "closed" : "open";
      j["next_review"] = v.state.next_review.empty() ? nlohmann::json() : nlohmann::json(v.state.next_review);
      j["last_review"] = v.state.last_review.empty() ? nlohmann::json() : nlohmann::json(v.state.last_review);
      {
        auto d = parse_response(v.state.response);
        nlohmann::json decision;
        if (d) {
          decision = {{"decision", d->decision}};
          if (d->decision == "tolerate")
            decision.update({{"approver", d->approver},
                             {"until", d->until},
                             {"accepted_score", lifecycle::score_shown(m, d->score)}});
          if (d->decision == "transfer") decision["to"] = d->to;
          if (!decisions.empty())
            decision.update(
                {{"since", decisions.back()->at}, {"by", decisions.back()->by}, {"reason", decisions.back()->reason}});
        }
        j["response"] = decision;
      }
      j["version"] = st.risk_version(id);
      auto ch = nlohmann::json::array();
      for (const auto& c : changes)
        ch.push_back({{"change", c.id},
                      {"kind", c.kind},
                      {"field", c.field},
                      {"from", c.from},
                      {"to", c.to},
                      {"what", lifecycle::describe(m, c)},
                      {"by", c.by},
                      {"at", c.at},
                      {"reason", c.reason}});
      j["changes"] = ch;
      auto fl = nlohmann::json::array();
      for (const auto* rule : fired)
        fl.push_back({{"rule", rule->name},
                      {"severity", rules::severity_name(rule->severity)},
                      {"message", rule_set.message(*rule, facts, m)}});
      j["flags"] = fl;
      j["mitigation"] = mitigation.ranked ? nlohmann::json{{"reduction", mitigation.reduction},
                                                           {"total", mitigation.total},
                                                           {"share", mitigation.share}}
                                          : nlohmann::json{{"not_ranked", mitigation.why_not}};
      ctx.out << j.dump(2) << "\n";
      return;
    }
    auto& out = ctx.out;
    const size_t width = ctx.width();
    const ColourDepth depth = ctx.colour_depth();
    out << r.id << "  " << wrap(r.title, width, r.id.size() + 2, r.id.size() + 2) << "\n";
    if (opt->full && !r.heading.empty()) field(out, "Heading", r.heading, width);
    field(out, "Current", describe(m, v.current), width);
    out << pad("Band:", 15) << (v.band ? band_text(*v.band, depth) : "-") << "  "
        << (v.above_appetite ? alarm("ABOVE", depth) + " the appetite line" : "within appetite") << "\n";
    field(out, "Target", describe(m, v.target), width);
    field(out, "Owner", r.owner.value_or("(unassigned)"), width);
    if (v.state.closed)
      field(out, "Status",
            "CLOSED" + (status_change ? " since " + status_change->at.substr(0, 10) + " (by " + status_change->by +
                                            ": " + status_change->reason + ")"
                                      : std::string()),
            width);
    // The decision above appetite, with when and why (its history is in --history and `log`).
    if (!v.state.response.empty() || v.above_appetite) {
      std::string d = lifecycle::response_shown(m, v.state.response);
      if (!decisions.empty() && !v.state.response.empty())
        d += "  (since " + decisions.back()->at.substr(0, 10) + ", by " + decisions.back()->by + ": " +
             decisions.back()->reason + ")";
      else if (v.state.response.empty())
        d = "none recorded (`riskreg respond " + r.id + " treat|tolerate|transfer|terminate`)";
      field(out, "Decision", d, width);
    }
    // The next review: the date set by `review` or `add`; else the last assessment plus the
    // rules' review period (stale_days), when the rules set one.
    if (!v.state.next_review.empty()) {
      auto due = parse_timestamp(v.state.next_review);
      field(out, "Next review",
            v.state.next_review + (due && *due < now ? " (overdue)" : "") +
                (v.state.last_review.empty() ? "" : "  (last reviewed " + v.state.last_review + ")"),
            width);
    }
    for (const auto& p : rule_set.params)
      if (v.state.next_review.empty() && p.name == "stale_days" && !hist.empty())
        if (auto last = parse_timestamp(hist.back().at)) {
          auto due = *last + std::chrono::days(static_cast<long>(p.num));
          field(out, "Next review",
                format_date(due) + (due < now ? " (overdue)" : "") + "  (last assessed " + format_date(*last) +
                    ", every " + std::to_string(static_cast<long>(p.num)) + " days)",
                width);
        }
    out << "Flags:\n";
    if (fired.empty()) out << "  (none)\n";
    for (const auto* rule : fired) {
      std::string sev = rules::severity_name(rule->severity);
      std::string head = "  " + rule->name + " (" + sev + "): ";
      out << "  " << rule->name << " (" << (rule->severity == rules::Severity::Critical ? alarm(sev, depth) : sev)
          << "): " << wrap(rule_set.message(*rule, facts, m), width, 4, text_width(head)) << "\n";
    }
    if (mitigation.ranked)
      out << wrap("If it no longer occurred of itself: the expected impact falls by " + fixed(mitigation.reduction, 4) +
                      " of " + fixed(mitigation.total, 4) + " (" + fixed(100 * mitigation.share, 1) +
                      "%; riskreg network --rank)",
                  width, 2)
          << "\n";
    else
      out << wrap("If it no longer occurred of itself: not ranked (" + mitigation.why_not + ")", width, 2) << "\n";
    if (opt->full) {
      field(out, "Vulnerability", r.vulnerability, width);
      list_block(out, "Triggers", r.triggers, width);
      list_block(out, "Consequences", r.consequences, width);
    }
    list_block(out, "Controls", r.controls, width);
    std::vector<std::string> feeds, fed;
    for (const auto& f : links.feeds_out)
      feeds.push_back(f.to + " (" + f.basis + ")" + (opt->full ? ": " + f.evidence : ""));
    for (const auto& f : links.feeds_in)
      fed.push_back(f.from + " (" + f.basis + ")" + (opt->full ? ": " + f.evidence : ""));
    if (opt->full) {
      list_block(out, "Feeds", feeds, width);
      list_block(out, "Fed by", fed, width);
    } else {
      field(out, "Feeds", feeds.empty() ? "(none)" : join(feeds, ", "), width);
      field(out, "Fed by", fed.empty() ? "(none)" : join(fed, ", "), width);
    }
    out << "Mitigated by:\n";
    if (links.priorities.empty()) out << "  (no priority of the plan is linked to this risk)\n";
    for (const auto& p : links.priorities) {
      out << "  " << p.id << "  " << wrap(p.title, width, p.id.size() + 4, p.id.size() + 4) << "\n";
      for (const auto& a : p.actions) {
        std::string tail = " [" + (a.lead_officers.empty() ? "no lead officer" : join(a.lead_officers, ", ")) + "; " +
                           (a.completion.empty() ? "no date" : a.completion) + "]";
        std::string lead = "    " + a.id + "  ";
        if (opt->full)
          out << lead << wrap(a.text + tail, width, lead.size(), lead.size()) << "\n";
        else {
          size_t room =
              width > text_width(lead) + text_width(tail) + 10 ? width - text_width(lead) - text_width(tail) : 10;
          out << lead << clip(a.text, room) << tail << "\n";
        }
      }
    }
    if (opt->full && !r.notes.empty()) list_block(out, "Notes", r.notes, width);
    if (!notes.empty()) {
      std::vector<std::string> lines;
      for (const auto* n : notes) lines.push_back(n->at.substr(0, 10) + "  " + n->by + ": " + n->to);
      list_block(out, opt->full ? "Notes added" : "Notes", lines, width);
    }
    if (opt->history) {
      // Every event of the risk, oldest first: scores, owners and changes merged by time.
      struct Event {
        std::string at, by, what, reason;
      };
      std::vector<Event> all;
      for (const auto& c : changes)  // "added" before the first score it came with
        if (c.field == "risk") all.push_back({c.at, c.by, lifecycle::describe(m, c), c.reason});
      for (const auto& a : hist) {
        auto c = m.cell(a.score);
        all.push_back({a.at, a.by, "score " + (c ? m.format(*c) : a.score.likelihood + a.score.impact), a.reason});
      }
      for (const auto& o : owners) all.push_back({o.at, o.by, "owner " + o.owner, o.reason});
      for (const auto& c : changes)
        if (c.field != "risk") all.push_back({c.at, c.by, lifecycle::describe(m, c), c.reason});
      std::stable_sort(all.begin(), all.end(), [](const Event& a, const Event& b) { return a.at < b.at; });
      out << "History (" << all.size() << " events, version " << st.risk_version(id) << "):\n";
      for (const auto& e : all) {
        std::string head = "  " + e.at + "  " + e.by + "  ";
        out << head << wrap(e.what + (e.reason.empty() ? "" : "  \"" + e.reason + "\""), width, 6, text_width(head))
            << "\n";
      }
      return;
    }
    // Numbered per risk (#1 is the risk's first assessment), the last five unless --full.
    size_t first = opt->full || hist.size() <= kRecentHistory ? 0 : hist.size() - kRecentHistory;
    out << "History";
    if (first > 0) out << " (last " << kRecentHistory << " of " << hist.size() << "; --full for all)";
    out << ":\n";
    std::vector<std::vector<std::string>> rows;
    for (size_t i = first; i < hist.size(); ++i) {
      const auto& a = hist[i];
      auto c = m.cell(a.score);
      rows.push_back({"#" + std::to_string(i + 1), a.at, a.by, c ? m.format(*c) : "?", a.reason});
    }
    std::ostringstream table;
    print_table(table, {"#", "WHEN", "WHO", "SCORE", "REASON"}, rows);
    std::string line;
    std::istringstream lines(table.str());
    while (std::getline(lines, line)) out << "  " << clip(line, width > 2 ? width - 2 : width) << "\n";
    if (opt->full && !owners.empty()) {
      out << "Owners:\n";
      for (const auto& c : owners)
        out << "  " << wrap(c.at + "  " + c.owner + "  (by " + c.by + ": " + c.reason + ")", width, 4, 2) << "\n";
    }
    if (!opt->full) out << "(`riskreg show " << r.id << " --full` adds the seed's text, evidence and notes)\n";
  });
}

}  // namespace riskreg::cli
