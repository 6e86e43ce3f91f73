// riskreg rules check|explain|apply|history: validate rules files, show why a rule fires on a
// risk, store a new version of the rules as an audited event, and list the versions.
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/text.h"
#include "register/risk_view.h"
#include "register/rules_apply.h"
#include "register/rules_bundle.h"
#include "render.h"
#include "rules/flags.h"
#include "rules/matrix_file.h"

namespace riskreg::cli {

namespace {
struct CheckOptions {
  std::vector<std::string> files;
  std::string matrix;
};

struct ExplainOptions {
  std::string id;
  std::string rule;
};

struct ApplyOptions {
  std::string dir;
  std::string reason;
  std::optional<std::string> as;
  bool json = false;
};

/// The first 12 hexadecimal digits of a SHA-256: enough to tell versions apart on screen.
std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

std::string files_text(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> parts;
  for (const auto& [name, sha] : files) parts.push_back(name + " " + short_sha(sha));
  return join(parts, ", ");
}

/// Prints what each rule of `set` flags over `facts`.
void print_check(std::ostream& out, const rules::RuleSet& set, const std::vector<rules::RiskFacts>* facts) {
  out << set.file << ": " << set.rules.size() << (set.rules.size() == 1 ? " rule" : " rules") << ", "
      << set.params.size() << (set.params.size() == 1 ? " param" : " params") << ": OK\n";
  if (!facts) return;
  std::vector<std::vector<std::string>> rows;
  for (const auto& rule : set.rules) {
    std::vector<std::string> hit;
    for (const auto& f : *facts)
      if (rule.condition.matches(f)) hit.push_back(f.id);
    std::string n = std::to_string(hit.size()) + " of " + std::to_string(facts->size());
    rows.push_back({"  " + rule.name, rules::severity_name(rule.severity), n, hit.empty() ? "-" : join(hit, " ")});
  }
  print_table(out, {"  RULE", "SEVERITY", "FLAGS", "RISKS"}, rows);
}
}  // namespace

void add_rules(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "rules", "Check rules files, explain how rules evaluate on a risk, apply a new version, list the versions");
  cmd->require_subcommand(1);

  auto check = std::make_shared<CheckOptions>();
  auto* c = cmd->add_subcommand(
      "check", "Validate rules files (default: the register's) and show what each rule would flag now");
  c->add_option("files", check->files, "Rules files to check (e.g. rules/flags.toml)");
  c->add_option("--matrix", check->matrix,
                "Check against this matrix file instead of the register's (validates only; no flags shown)");
  c->callback([check, &ctx] {
    std::optional<Matrix> own;
    if (!check->matrix.empty()) own = load_matrix_file(check->matrix);
    const Matrix& m = own ? *own : ctx.matrix();
    std::optional<std::vector<rules::RiskFacts>> facts;
    if (!own) facts = rules::load_facts(ctx.store(), m, ctx.clock().now());
    if (check->files.empty()) {
      auto set = rules::rule_set_from(ctx.store().rules(), m);
      if (set.file.empty()) throw Error(ErrorKind::NotFound, "the register holds no rules/flags.toml");
      print_check(ctx.out, set, facts ? &*facts : nullptr);
      return;
    }
    int failed = 0;
    for (const auto& path : check->files) {
      try {
        print_check(ctx.out, rules::load_rules_file(path, m), facts ? &*facts : nullptr);
      } catch (const FileError& e) {
        ++failed;
        ctx.err << "riskreg: " << e.what() << "\n";
        if (!e.detail().empty()) ctx.err << e.detail() << "\n";
      }
    }
    if (failed)
      throw Error(ErrorKind::BadFile, "rules check: " + std::to_string(failed) + " of " +
                                          std::to_string(check->files.size()) +
                                          (check->files.size() == 1 ? " file has errors" : " files have errors"));
  });

  auto explain = std::make_shared<ExplainOptions>();
  auto* x = cmd->add_subcommand("explain", "Show, for one risk, each rule's value and the sub-expressions behind it");
  x->add_option("id", explain->id, "Risk id (R5, or 5)")->required();
  x->add_option("--rule", explain->rule, "Only this rule");
  x->callback([explain, &ctx] {
    const Matrix& m = ctx.matrix();
    Store& st = ctx.store();
    auto set = rules::rule_set_from(st.rules(), m);
    if (!explain->rule.empty() && !set.find(explain->rule))
      throw Error(ErrorKind::Usage, "unknown rule '" + explain->rule + "'" +
                                        did_you_mean_suffix(explain->rule, set.names()) +
                                        " (rules: " + join(set.names(), ", ") + ")");
    std::string id = resolve_risk_id(st, explain->id);
    auto facts = rules::load_risk_facts(st, m, id, ctx.clock().now());
    auto& out = ctx.out;
    const size_t width = ctx.width();
    out << id << "  " << wrap(facts.title, width, id.size() + 2, id.size() + 2) << "\n";
    for (const auto& rule : set.rules) {
      if (!explain->rule.empty() && rule.name != explain->rule) continue;
      bool fires = rule.condition.matches(facts);
      out << "\n"
          << rule.name << " (" << rules::severity_name(rule.severity) << "): " << (fires ? "FIRES" : "does not fire")
          << "\n";
      out << "  when: " << wrap(rule.condition.text(), width, 8, 8, Spaces::Keep) << "\n";
      std::vector<std::vector<std::string>> rows;
      for (const auto& step : rule.condition.explain(facts, m))
        rows.push_back({"  " + std::string(2 * step.depth, ' ') + step.text, "= " + step.value});
      // A long expression wraps inside its column, under its own indent.
      print_table(out, {"  EXPRESSION", "VALUE"}, rows, TableFit{width, size_t{0}});
      if (fires) out << "  message: " << wrap(set.message(rule, facts, m), width, 4, 11) << "\n";
    }
  });

  auto apply = std::make_shared<ApplyOptions>();
  auto* a = cmd->add_subcommand(
      "apply", "Store a new version of the rules from a rules folder (the files that changed), as one audited event");
  a->add_option("dir", apply->dir, "Rules folder holding matrix.toml (default: the rules/ folder init reads)");
  a->add_option("--reason", apply->reason, "Why the rules change (required)")->required();
  a->add_option("--as", apply->as, "Who is applying them (default: the OS user)");
  a->add_flag("--json", apply->json, "JSON output");
  a->callback([apply, &ctx] {
    RulesApplyRequest req;
    req.dir = apply->dir.empty() ? ctx.default_rules_dir() : apply->dir;
    req.by = ctx.actor(apply->as);
    req.at = ctx.clock().now();
    req.reason = apply->reason;
    auto r = apply_rules_dir(ctx.store(), req);
    const auto& v = r.applied;
    if (apply->json) {
      auto files = nlohmann::json::array();
      for (const auto& f : v.rows) files.push_back({{"name", f.name}, {"sha256", f.sha256}, {"row", f.seq}});
      ctx.out << nlohmann::json{{"version", v.version},
                                {"at", v.rows.front().loaded_at},
                                {"by", v.rows.front().loaded_by},
                                {"reason", trim(req.reason)},
                                {"files", files},
                                {"unchanged", r.unchanged},
                                {"audit_seq", v.audit_seq}}
                     .dump(2)
              << "\n";
      return;
    }
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& f : v.rows) files.emplace_back(f.name, f.sha256);
    ctx.out << "rules version " << v.version << ": " << files_text(files) << "  (audit seq " << v.audit_seq << " by "
            << v.rows.front().loaded_by << " at " << v.rows.front().loaded_at << ")\n";
    if (!r.unchanged.empty()) ctx.out << "unchanged: " << join(r.unchanged, ", ") << "\n";
  });

  auto history_json = std::make_shared<bool>(false);
  auto* h = cmd->add_subcommand("history", "List the versions of the rules: when, who, why and the files each stored");
  h->add_flag("--json", *history_json, "JSON output");
  h->callback([history_json, &ctx] {
    auto versions = rules_history(ctx.store());
    if (*history_json) {
      auto rows = nlohmann::json::array();
      for (const auto& v : versions) {
        auto files = nlohmann::json::array();
        for (const auto& [name, sha] : v.files) files.push_back({{"name", name}, {"sha256", sha}});
        rows.push_back({{"version", v.version},
                        {"at", v.at},
                        {"by", v.by},
                        {"reason", v.reason},
                        {"files", files},
                        {"audit_seq", v.audit_seq}});
      }
      ctx.out << rows.dump(2) << "\n";
      return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : versions)
      rows.push_back({std::to_string(v.version), v.at, v.by, v.reason, files_text(v.files)});
    print_table(ctx.out, {"VERSION", "AT", "BY", "REASON", "FILES"}, rows);
  });
}

}  // namespace riskreg::cli
