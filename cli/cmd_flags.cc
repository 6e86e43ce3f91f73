// riskreg flags: every flag the register's rules raise on every risk, most severe first,
// grouped by rule (--summary: counts per rule).
#include <algorithm>
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
  bool summary = false;
  bool json = false;
};

/// The rule `text` names, in any case; Error(InvalidInput) with the rule names and the
/// closest one otherwise.
const rules::Rule& rule_named(const rules::RuleSet& set, const std::string& text) {
  for (const auto& r : set.rules)
    if (to_upper(r.name) == to_upper(trim(text))) return r;
  auto names = set.names();
  std::vector<std::string> upper;
  for (const auto& n : names) upper.push_back(to_upper(n));
  auto guess = did_you_mean(to_upper(trim(text)), upper);
  throw Error(ErrorKind::InvalidInput, "--rule '" + text + "' is not a rule of this register (rules: " +
                                           join(names, ", ") + ")" + (guess ? "; did you mean '" + *guess + "'?" : ""));
}

std::string severity_text(rules::Severity s, ColourDepth depth) {
  std::string name = rules::severity_name(s);
  return s == rules::Severity::Critical ? alarm(name, depth) : name;
}
}  // namespace

void add_flags(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<FlagsOptions>();
  auto* cmd = app.add_subcommand("flags", "List every flag the rules (rules/flags.toml) raise on every risk");
  cmd->add_option("--rule", opt->rule, "Only flags of rule NAME (any case)");
  cmd->add_option("--severity", opt->severity, "Only flags at least this severe (info, warning, critical)");
  cmd->add_flag("--summary", opt->summary, "Only the number of flags per rule");
  cmd->add_flag("--json", opt->json, "JSON output (one array; with --summary, one entry per rule)");
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    auto set = rules::rule_set_from(ctx.store().rules(), m);
    const rules::Rule* only = opt->rule.empty() ? nullptr : &rule_named(set, opt->rule);
    std::optional<rules::Severity> min;
    if (!opt->severity.empty()) {
      min = rules::parse_severity(to_lower(trim(opt->severity)));
      if (!min)
        throw Error(ErrorKind::InvalidInput, "--severity '" + opt->severity + "' is not a severity (valid: " +
                                                 join(rules::severity_names(), ", ") + ")" +
                                                 did_you_mean_suffix(to_lower(opt->severity), rules::severity_names()));
    }
    auto report = rules::flag_register(ctx.store(), m, set, ctx.clock().now());
    auto wanted = [&](const rules::Rule& r) { return (!only || &r == only) && (!min || r.severity >= *min); };
    std::vector<const rules::Flag*> shown;
    for (const auto& f : report.flags)
      if (wanted(*f.rule)) shown.push_back(&f);
    // The rules shown, most severe first, then in the file's order.
    std::vector<const rules::Rule*> order;
    for (const auto& r : set.rules)
      if (wanted(r)) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(),
                     [](const rules::Rule* a, const rules::Rule* b) { return a->severity > b->severity; });
    auto flags_of = [&](const rules::Rule* r) {
      std::vector<const rules::Flag*> out;
      for (const auto* f : shown)
        if (f->rule == r) out.push_back(f);  // report.flags is in risk order
      return out;
    };
    if (opt->json) {
      auto a = nlohmann::json::array();
      if (opt->summary) {
        for (const auto* r : order)
          a.push_back({{"rule", r->name},
                       {"severity", rules::severity_name(r->severity)},
                       {"flags", flags_of(r).size()},
                       {"description", r->description}});
      } else {
        for (const auto* f : shown)
          a.push_back({{"risk", report.facts[f->risk].id},
                       {"rule", f->rule->name},
                       {"severity", rules::severity_name(f->rule->severity)},
                       {"message", report.message(*f, set, m)}});
      }
      ctx.out << a.dump(2) << "\n";
      return;
    }
    const ColourDepth depth = ctx.colour_depth();
    const size_t width = ctx.width();
    auto& out = ctx.out;
    std::vector<size_t> risks;
    for (const auto* f : shown) risks.push_back(f->risk);
    std::sort(risks.begin(), risks.end());
    risks.erase(std::unique(risks.begin(), risks.end()), risks.end());
    if (opt->summary) {
      size_t name_w = 4;
      for (const auto* r : order) name_w = std::max(name_w, text_width(r->name));
      out << pad("RULE", name_w) << "  SEVERITY  FLAGS\n";
      for (const auto* r : order) {
        std::string n = std::to_string(flags_of(r).size());
        out << pad(r->name, name_w) << "  " << severity_text(r->severity, depth)
            << std::string(10 - text_width(rules::severity_name(r->severity)), ' ')
            << std::string(5 - std::min<size_t>(5, n.size()), ' ') << n << "\n";
      }
    } else {
      size_t id_w = 0;
      for (const auto* f : shown) id_w = std::max(id_w, text_width(report.facts[f->risk].id));
      bool first = true;
      for (const auto* r : order) {
        auto fs = flags_of(r);
        if (fs.empty()) continue;
        if (!first) out << "\n";
        first = false;
        std::string head = r->name + " (" + severity_text(r->severity, depth) + ", " + std::to_string(fs.size()) +
                           (fs.size() == 1 ? " risk" : " risks") + "): ";
        out << head << wrap(r->description, width, 2, text_width(head)) << "\n";
        for (const auto* f : fs) {
          std::string id = pad(report.facts[f->risk].id, id_w);
          out << "  " << id << "  " << wrap(report.message(*f, set, m), width, id_w + 4, id_w + 4) << "\n";
        }
      }
      if (!shown.empty()) out << "\n";
    }
    out << shown.size() << (shown.size() == 1 ? " flag" : " flags") << " on " << risks.size()
        << (risks.size() == 1 ? " risk" : " risks") << " (" << set.rules.size() << " rules, " << report.facts.size()
        << " risks checked)\n";
    if (depth != ColourDepth::None)
      out << "Severity: " << alarm("critical", depth) << ", warning, info; " << band_legend(m, depth) << "\n";
  });
}

}  // namespace riskreg::cli
