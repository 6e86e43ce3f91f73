// riskreg show ID: everything about one risk, its links and its whole history.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "core/text.h"

#include "commands.h"
#include "graph/rank_register.h"
#include "register/risk_view.h"
#include "render.h"
#include "rules/flags.h"

namespace riskreg::cli {

namespace {
struct ShowOptions {
  std::string id;
  bool json = false;
};

std::string describe(const Matrix& m, const std::optional<Cell>& c) {
  if (!c) return "(not set)";
  return m.format(*c) + "  (likelihood " + m.likelihood_level(*c).code + " " + m.likelihood_level(*c).label +
         ", impact " + m.impact_level(*c).heading + ")";
}

void list_block(std::ostream& out, const std::string& title, const std::vector<std::string>& items) {
  out << title << ":\n";
  if (items.empty()) out << "  (none)\n";
  for (const auto& i : items) out << "  - " << i << "\n";
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
  cmd->add_flag("--json", opt->json, "JSON output");
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
    out << r.id << "  " << r.title << "\n";
    if (!r.heading.empty()) out << "Heading:       " << r.heading << "\n";
    out << "Current:       " << describe(m, v.current) << "\n";
    out << "Band:          " << (v.band ? v.band->label : "-") << "\n";
    out << "Appetite:      " << (v.above_appetite ? "ABOVE the appetite line" : "within appetite") << "\n";
    out << "Target:        " << describe(m, v.target) << "\n";
    out << "Owner:         " << r.owner.value_or("(unassigned)") << "\n";
    out << "Flags:\n";
    if (fired.empty()) out << "  (none)\n";
    for (const auto* rule : fired)
      out << "  " << rule->name << " (" << rules::severity_name(rule->severity)
          << "): " << rule_set.message(*rule, facts, m) << "\n";
    out << "Vulnerability: " << r.vulnerability << "\n";
    list_block(out, "Triggers", r.triggers);
    list_block(out, "Consequences", r.consequences);
    list_block(out, "Controls", r.controls);
    std::vector<std::string> feeds, fed;
    for (const auto& f : links.feeds_out) feeds.push_back(f.to + " (" + f.basis + "): " + f.evidence);
    for (const auto& f : links.feeds_in) fed.push_back(f.from + " (" + f.basis + "): " + f.evidence);
    list_block(out, "Feeds", feeds);
    list_block(out, "Fed by", fed);
    out << "Mitigated by:\n";
    if (links.priorities.empty()) out << "  (no priority is linked to this risk)\n";
    for (const auto& p : links.priorities) {
      out << "  " << p.id << "  " << p.title << "\n";
      for (const auto& a : p.actions)
        out << "    " << a.id << "  " << clip(a.text, 70) << " ["
            << (a.lead_officers.empty() ? "no lead officer" : join(a.lead_officers, ", ")) << "; "
            << (a.completion.empty() ? "no date" : a.completion) << "]\n";
    }
    if (mitigation.ranked)
      out << "If it no longer occurred of itself: the expected impact falls by " << fixed(mitigation.reduction, 4)
          << " of " << fixed(mitigation.total, 4) << " (" << fixed(100 * mitigation.share, 1)
          << "%; riskreg network --rank)\n";
    else
      out << "If it no longer occurred of itself: not ranked (" << mitigation.why_not << ")\n";
    if (!r.notes.empty()) list_block(out, "Notes", r.notes);
    out << "History:\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : hist) {
      auto c = m.cell(a.score);
      rows.push_back({"#" + std::to_string(a.id), a.at, a.by, c ? m.format(*c) : "?", a.reason});
    }
    std::ostringstream table;
    print_table(table, {"#", "WHEN", "WHO", "SCORE", "REASON"}, rows);
    std::string line;
    std::istringstream lines(table.str());
    while (std::getline(lines, line)) out << "  " << line << "\n";
    if (!owners.empty()) {
      out << "Owners:\n";
      for (const auto& c : owners)
        out << "  " << c.at << "  " << c.owner << "  (by " << c.by << ": " << c.reason << ")\n";
    }
  });
}

}  // namespace riskreg::cli
