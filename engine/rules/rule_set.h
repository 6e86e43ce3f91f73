#pragma once
/// A rules file (rules/flags.toml): params, and rules each with a name, a severity, a
/// condition and a message template. Loading compiles every condition against the matrix,
/// so unknown fields, bad levels, type mismatches and syntax errors are FileErrors with the
/// file's line:col — never a silent false later. Format: docs/rules.md.
#include <string>
#include <vector>

#include "data/toml_reader.h"
#include "domain/matrix.h"
#include "rules/evaluator.h"
#include "store/store.h"

namespace riskreg::rules {

/// How serious a flag is; ordered, least serious first.
enum class Severity { Info, Warning, Critical };
const char* severity_name(Severity s);
/// Parses "info", "warning", "critical"; nullopt otherwise.
std::optional<Severity> parse_severity(std::string_view s);
std::vector<std::string> severity_names();

/// A message with `{field}` placeholders, checked at load time.
class MessageTemplate {
 public:
  struct Part {
    std::string text;  ///< literal text (when `field` is unset and `param` < 0)
    std::optional<Field> field;
    int param = -1;
  };
  std::vector<Part> parts;

  std::string render(const RiskFacts& r, const Matrix& m, const std::vector<Param>& params) const;
};

struct Rule {
  std::string name;  ///< "ABOVE_APPETITE"
  Severity severity = Severity::Warning;
  std::string description;
  Program condition;
  MessageTemplate message;
  SourcePos pos;  ///< where the rule's table starts
};

class RuleSet {
 public:
  std::string file;  ///< what messages call the file
  std::vector<Param> params;
  std::vector<Rule> rules;

  const Rule* find(std::string_view name) const;
  /// Whether some rule reads the feed counts (upstream, upstream_above) in its condition or
  /// its message: only then must a risk's facts include its feeders' scores (an extra query).
  /// Conservative: a condition that merely mentions "upstream", even in a string, counts.
  bool needs_upstream() const;
  std::vector<std::string> names() const;
  std::string message(const Rule& rule, const RiskFacts& r, const Matrix& m) const {
    return rule.message.render(r, m, params);
  }
};

/// Loads and compiles a rules file against `m`. Throws FileError.
RuleSet load_rule_set(const TomlFile& file, const Matrix& m);
RuleSet load_rules_text(const std::string& text, const std::string& name, const Matrix& m);
RuleSet load_rules_file(const std::string& path, const Matrix& m);

/// The name of the rules file inside a register's rules bundle.
inline constexpr const char* kFlagsFile = "flags.toml";

/// The rule set stored in a register's rules bundle (`flags.toml`); an empty set when the
/// register holds none. Throws FileError.
RuleSet rule_set_from(const std::vector<RulesFile>& bundle, const Matrix& m);

}  // namespace riskreg::rules
