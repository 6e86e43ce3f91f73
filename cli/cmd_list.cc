// riskreg list: the register as a table, JSON or CSV, streamed risk by risk.
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/text.h"
#include "io/csv.h"
#include "register/risk_view.h"
#include "render.h"
#include "rules/flags.h"

namespace riskreg::cli {

namespace {
struct ListOptions {
  bool above = false;
  bool json = false;
  bool csv = false;
  std::string owner;
  std::string band;
};

std::string score_text(const Matrix& m, const std::optional<Cell>& c) { return c ? m.format(*c) : ""; }

/// The names of the rules that fire on each risk, by risk id.
std::map<std::string, std::vector<std::string>> flags_by_risk(Context& ctx, const Matrix& m) {
  std::map<std::string, std::vector<std::string>> out;
  auto set = rules::rule_set_from(ctx.store().rules(), m);
  if (set.rules.empty()) return out;
  auto report = rules::flag_register(ctx.store(), m, set, ctx.clock().now());
  for (const auto& f : report.flags) out[report.facts[f.risk].id].push_back(f.rule->name);
  return out;
}
}  // namespace

void add_list(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("list", "List the risks: id, title, owner, current, target, band, appetite");
  cmd->add_flag("--above-appetite", opt->above, "Only risks above the appetite line");
  cmd->add_option("--owner", opt->owner, "Only risks owned by NAME");
  cmd->add_option("--band", opt->band, "Only risks in BAND");
  auto* j = cmd->add_flag("--json", opt->json, "JSON output (one array)");
  cmd->add_flag("--csv", opt->csv, "CSV output (RFC 4180)")->excludes(j);
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    auto keep = [&](const RiskView& v) {
      if (opt->above && !v.above_appetite) return false;
      if (!opt->owner.empty() && v.state.owner.value_or("") != opt->owner) return false;
      if (!opt->band.empty() && (!v.band || v.band->name != opt->band)) return false;
      return true;
    };
    if (opt->csv) {
      write_csv_row(ctx.out, {"id", "title", "owner", "current", "target", "band", "above_appetite"});
      ctx.store().for_each_risk([&](const RiskState& s) {
        auto v = view_of(s, m);
        if (!keep(v)) return;
        write_csv_row(ctx.out, {s.id, s.title, s.owner.value_or(""), score_text(m, v.current), score_text(m, v.target),
                                v.band ? v.band->name : "", v.above_appetite ? "yes" : "no"});
      });
      return;
    }
    auto flags = flags_by_risk(ctx, m);
    auto flags_of = [&](const std::string& id) {
      auto it = flags.find(id);
      return it == flags.end() ? std::vector<std::string>{} : it->second;
    };
    if (opt->json) {
      // Streamed: one element at a time, so a large register never sits in memory.
      ctx.out << "[";
      bool first = true;
      ctx.store().for_each_risk([&](const RiskState& s) {
        auto v = view_of(s, m);
        if (!keep(v)) return;
        nlohmann::json e = {{"id", s.id},
                            {"title", s.title},
                            {"owner", s.owner ? nlohmann::json(*s.owner) : nlohmann::json()},
                            {"current", v.current ? nlohmann::json(m.format(*v.current)) : nlohmann::json()},
                            {"target", v.target ? nlohmann::json(m.format(*v.target)) : nlohmann::json()},
                            {"band", v.band ? nlohmann::json(v.band->name) : nlohmann::json()},
                            {"above_appetite", v.above_appetite},
                            {"flags", flags_of(s.id)}};
        ctx.out << (first ? "\n  " : ",\n  ") << e.dump();
        first = false;
      });
      ctx.out << (first ? "]\n" : "\n]\n");
      return;
    }
    std::vector<std::vector<std::string>> rows;
    ctx.store().for_each_risk([&](const RiskState& s) {
      auto v = view_of(s, m);
      if (!keep(v)) return;
      rows.push_back({s.id, clip(s.title, 50), s.owner.value_or("-"), v.current ? m.format(*v.current) : "-",
                      v.target ? m.format(*v.target) : "-", v.band ? v.band->name : "-",
                      v.above_appetite ? "ABOVE" : "within",
                      flags_of(s.id).empty() ? "-" : join(flags_of(s.id), ",")});
    });
    print_table(ctx.out, {"ID", "TITLE", "OWNER", "CURRENT", "TARGET", "BAND", "APPETITE", "FLAGS"}, rows);
    ctx.out << rows.size() << (rows.size() == 1 ? " risk" : " risks") << "\n";
  });
}

}  // namespace riskreg::cli
