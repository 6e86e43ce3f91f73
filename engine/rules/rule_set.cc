#include "rules/rule_set.h"

#include <cctype>

#include "core/text.h"

namespace riskreg::rules {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Critical:
      return "critical";
  }
  return "warning";
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (auto v : {Severity::Info, Severity::Warning, Severity::Critical})
    if (s == severity_name(v)) return v;
  return std::nullopt;
}

std::vector<std::string> severity_names() { return {"info", "warning", "critical"}; }

const Rule* RuleSet::find(std::string_view name) const {
  for (const auto& r : rules)
    if (r.name == name) return &r;
  return nullptr;
}

bool RuleSet::needs_upstream() const {
  for (const auto& r : rules) {
    if (r.condition.text().find("upstream") != std::string::npos) return true;
    for (const auto& part : r.message.parts)
      if (part.field == Field::Upstream || part.field == Field::UpstreamAbove) return true;
  }
  return false;
}

std::vector<std::string> RuleSet::names() const {
  std::vector<std::string> out;
  for (const auto& r : rules) out.push_back(r.name);
  return out;
}

std::string MessageTemplate::render(const RiskFacts& r, const Matrix& m, const std::vector<Param>& params) const {
  std::string out;
  for (const auto& p : parts) {
    if (p.field) {
      const FieldInfo* info = nullptr;
      for (const auto& f : fields())
        if (f.field == *p.field) info = &f;
      out += format_value(field_value(*p.field, r), info->type, m);
    } else if (p.param >= 0) {
      const Param& q = params[p.param];
      out += q.type == Type::String ? q.str : format_value(Value{q.num, {}, false}, q.type, m);
    } else {
      out += p.text;
    }
  }
  return out;
}

namespace {

/// Where each byte of a TOML string's decoded value stands in the file, so a position in a
/// condition becomes the file's line:col. Handles basic and literal strings, single- and
/// multi-line, and escapes (an escape's bytes all map to its backslash).
class StringMap {
 public:
  StringMap(const TomlFile& file, const toml::node& node) : file_(file) {
    const auto& b = node.source().begin;
    int line = static_cast<int>(b.line), col = static_cast<int>(b.column);
    // Byte offset of the line start, then walk col-1 characters.
    const std::string& t = file.text();
    size_t i = 0;
    for (int l = 1; l < line && i < t.size(); ++i)
      if (t[i] == '\n') ++l;
    for (int c = 1; c < col && i < t.size(); ++i)
      if ((static_cast<unsigned char>(t[i]) & 0xC0) != 0x80) ++c;
    char q = i < t.size() ? t[i] : '"';
    bool multi = t.compare(i, 3, std::string(3, q)) == 0;
    bool basic = q == '"';
    size_t open = multi ? 3 : 1;
    i += open;
    col += static_cast<int>(open);
    auto newline = [&] {
      ++line;
      col = 1;
    };
    if (multi && i < t.size() && (t[i] == '\n' || (t[i] == '\r' && i + 1 < t.size() && t[i + 1] == '\n'))) {
      i += t[i] == '\r' ? 2 : 1;
      newline();
    }
    auto step = [&](size_t bytes) {
      for (size_t k = 0; k < bytes && i < t.size(); ++k, ++i)
        if ((static_cast<unsigned char>(t[i]) & 0xC0) != 0x80) ++col;
    };
    while (i < t.size()) {
      if (t.compare(i, open, std::string(open, q)) == 0) {
        // A multi-line string may end with one or two quotes just before the closing three.
        if (!multi || t.compare(i + 1, 3, std::string(3, q)) != 0) break;
      }
      unsigned char c = static_cast<unsigned char>(t[i]);
      if (basic && c == '\\') {
        char e = i + 1 < t.size() ? t[i + 1] : ' ';
        if (multi && (e == '\n' || e == ' ' || e == '\t' || e == '\r')) {
          // Line-ending backslash: trims the newline and following whitespace.
          i += 1, col += 1;
          while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) {
            if (t[i] == '\n')
              ++i, newline();
            else
              ++i, ++col;
          }
          continue;
        }
        size_t raw = 2, bytes = 1;
        if (e == 'u' || e == 'U') {
          raw = e == 'u' ? 6 : 10;
          unsigned long cp = std::strtoul(t.substr(i + 2, raw - 2).c_str(), nullptr, 16);
          bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }
        for (size_t k = 0; k < bytes; ++k) at_.push_back({line, col});
        step(raw);
        continue;
      }
      at_.push_back({line, col});
      if (c == '\n') {
        ++i;
        newline();
      } else {
        size_t before = i;
        step(1);
        (void)before;
      }
    }
    at_.push_back({line, col});  // one past the end: the closing quote
  }

  [[noreturn]] void fail(size_t offset, const std::string& problem) const {
    auto [line, col] = at_[std::min(offset, at_.size() - 1)];
    throw FileError({file_.name(), line, col}, problem, line_of(file_.text(), line));
  }

 private:
  const TomlFile& file_;
  std::vector<std::pair<int, int>> at_;
};

bool valid_rule_name(const std::string& s) {
  if (s.empty() || !std::isupper(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isupper(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '_')
      return false;
  return true;
}

bool valid_param_name(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::vector<Param> load_params(const TomlFile& file, const TomlTable& root) {
  std::vector<Param> out;
  auto t = root.table("params");
  if (!t) return out;
  for (const auto& [k, v] : t->raw()) {
    std::string name(k.str());
    if (!valid_param_name(name)) file.fail(k.source(), "param name '" + name + "' must be letters, digits and '_'");
    if (find_field(name)) file.fail(k.source(), "param '" + name + "' has the name of a field; choose another name");
    Param p;
    p.name = name;
    if (auto* i = v.as_integer())
      p.type = Type::Number, p.num = static_cast<double>(i->get());
    else if (auto* f = v.as_floating_point())
      p.type = Type::Number, p.num = f->get();
    else if (auto* b = v.as_boolean())
      p.type = Type::Bool, p.num = b->get() ? 1 : 0;
    else if (auto* s = v.as_string())
      p.type = Type::String, p.str = s->get();
    else
      file.fail(v.source(), "param '" + name + "' must be a number, a string or true/false");
    out.push_back(std::move(p));
  }
  return out;
}

MessageTemplate compile_message(const TomlFile& file, const TomlTable& rule, const std::vector<Param>& params,
                                const Matrix& m) {
  MessageTemplate tpl;
  const toml::node* node = rule.node("message");
  std::string text = rule.str("message");
  StringMap map(file, *node);
  std::vector<std::string> names = field_names();
  for (const auto& p : params) names.push_back(p.name);
  std::string lit;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      lit += '{', ++i;
      continue;
    }
    if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      lit += '}', ++i;
      continue;
    }
    if (c == '}') map.fail(i, "unmatched '}' in the message: write '}}' for a brace");
    if (c != '{') {
      lit += c;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string::npos) map.fail(i, "unclosed '{' in the message: write '{{' for a brace");
    std::string name = trim(text.substr(i + 1, close - i - 1));
    MessageTemplate::Part part;
    if (const FieldInfo* f = find_field(name)) {
      if (f->needs_numeric && !m.numeric)
        map.fail(i + 1, "'{" + name + "}' needs a numeric matrix, but '" + m.name + "' has no numeric score");
      part.field = f->field;
    } else {
      for (size_t k = 0; k < params.size(); ++k)
        if (params[k].name == name) part.param = static_cast<int>(k);
      if (part.param < 0)
        map.fail(i + 1, "unknown field '{" + name + "}' in the message" + did_you_mean_suffix(name, names));
    }
    if (!lit.empty()) tpl.parts.push_back({std::move(lit), std::nullopt, -1});
    lit.clear();
    tpl.parts.push_back(std::move(part));
    i = close;
  }
  if (!lit.empty()) tpl.parts.push_back({std::move(lit), std::nullopt, -1});
  return tpl;
}

}  // namespace

RuleSet load_rule_set(const TomlFile& file, const Matrix& m) {
  TomlTable root(file, file.root());
  root.only({"params", "rule"});
  RuleSet set;
  set.file = file.name();
  set.params = load_params(file, root);
  Scope scope{&m, &set.params};
  for (const auto& t : root.tables("rule")) {
    t.only({"name", "severity", "when", "message", "description"});
    Rule r;
    r.name = t.str("name");
    if (!valid_rule_name(r.name))
      t.fail("name", "rule name '" + r.name + "' must be upper case letters, digits and '_' (e.g. NO_OWNER)");
    if (set.find(r.name)) t.fail("name", "a second rule named '" + r.name + "'");
    std::string sev = t.str("severity");
    auto s = parse_severity(sev);
    if (!s)
      t.fail("severity", "unknown severity '" + sev + "' (valid: " + join(severity_names(), ", ") + ")" +
                             did_you_mean_suffix(sev, severity_names()));
    r.severity = *s;
    r.description = t.str_or("description", "");
    std::string when = t.str("when");
    try {
      r.condition = Program::compile(when, scope);
    } catch (const ConditionError& e) {
      StringMap(file, *t.node("when")).fail(e.offset(), e.what());
    }
    r.message = compile_message(file, t, set.params, m);
    const auto& b = t.raw().source().begin;
    r.pos = {file.name(), static_cast<int>(b.line), static_cast<int>(b.column)};
    set.rules.push_back(std::move(r));
  }
  return set;
}

RuleSet load_rules_text(const std::string& text, const std::string& name, const Matrix& m) {
  return load_rule_set(TomlFile::parse(text, name), m);
}

RuleSet load_rules_file(const std::string& path, const Matrix& m) { return load_rule_set(TomlFile::read(path), m); }

RuleSet rule_set_from(const std::vector<RulesFile>& bundle, const Matrix& m) {
  for (const auto& f : bundle)
    if (f.name == kFlagsFile) return load_rules_text(f.content, std::string("rules/") + kFlagsFile, m);
  return RuleSet{};
}

}  // namespace riskreg::rules
