// riskreg flags: every flag the register's rules raise on every risk.
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/text.h"
#include "render.h"
#include "rules/flags.h"

namespace riskreg::cli {

namespace {
struct FlagsOptions {
  std::string rule;
  std::string severity;
  bool json = false;
};
}  // namespace

void add_flags(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<FlagsOptions>();
  auto* cmd = app.add_subcommand("flags", "List every flag the rules (rules/flags.toml) raise on every risk");
  cmd->add_option("--rule", opt->rule, "Only flags of rule NAME");
  cmd->add_option("--severity", opt->severity, "Only flags at least this severe (info, warning, critical)");
  cmd->add_flag("--json", opt->json, "JSON output (one array)");
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    auto set = rules::rule_set_from(ctx.store().rules(), m);
    if (!opt->rule.empty() && !set.find(opt->rule))
      throw Error(ErrorKind::Usage, "unknown rule '" + opt->rule + "'" + did_you_mean_suffix(opt->rule, set.names()) +
                                        " (rules: " + join(set.names(), ", ") + ")");
    std::optional<rules::Severity> min;
    if (!opt->severity.empty()) {
      min = rules::parse_severity(opt->severity);
      if (!min)
        throw Error(ErrorKind::Usage, "unknown severity '" + opt->severity +
                                          "' (valid: " + join(rules::severity_names(), ", ") + ")" +
                                          did_you_mean_suffix(opt->severity, rules::severity_names()));
    }
    auto report = rules::flag_register(ctx.store(), m, set, ctx.clock().now());
    std::vector<const rules::Flag*> shown;
    for (const auto& f : report.flags) {
      if (!opt->rule.empty() && f.rule->name != opt->rule) continue;
      if (min && f.rule->severity < *min) continue;
      shown.push_back(&f);
    }
    if (opt->json) {
      auto a = nlohmann::json::array();
      for (const auto* f : shown)
        a.push_back({{"risk", report.facts[f->risk].id},
                     {"rule", f->rule->name},
                     {"severity", rules::severity_name(f->rule->severity)},
                     {"message", report.message(*f, set, m)}});
      ctx.out << a.dump(2) << "\n";
      return;
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> risks;
    for (const auto* f : shown) {
      const std::string& id = report.facts[f->risk].id;
      if (risks.empty() || risks.back() != id) risks.push_back(id);
      rows.push_back({id, f->rule->name, rules::severity_name(f->rule->severity), report.message(*f, set, m)});
    }
    if (!rows.empty()) print_table(ctx.out, {"RISK", "RULE", "SEVERITY", "MESSAGE"}, rows);
    ctx.out << rows.size() << (rows.size() == 1 ? " flag" : " flags") << " on " << risks.size()
            << (risks.size() == 1 ? " risk" : " risks") << " (" << set.rules.size() << " rules, " << report.facts.size()
            << " risks checked)\n";
  });
}

}  // namespace riskreg::cli
