#include "data/toml_reader.h"

#include <fstream>
#include <sstream>

#include "core/text.h"

namespace riskreg {

TomlFile TomlFile::parse(std::string text, std::string name) {
  TomlFile f;
  f.name_ = std::move(name);
  f.text_ = std::move(text);
  if (!valid_utf8(f.text_)) {
    // Find the first bad byte's line for the message.
    throw FileError({f.name_, 0, 0}, "not valid UTF-8 text (or contains a NUL byte)");
  }
  try {
    f.root_ = toml::parse(f.text_, f.name_);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw FileError({f.name_, static_cast<int>(b.line), static_cast<int>(b.column)}, std::string(e.description()),
                    line_of(f.text_, static_cast<int>(b.line)));
  }
  return f;
}

TomlFile TomlFile::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError({path, 0, 0}, "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

void TomlFile::fail(const toml::source_region& where, const std::string& problem) const {
  int line = static_cast<int>(where.begin.line);
  throw FileError({name_, line, static_cast<int>(where.begin.column)}, problem, line_of(text_, line));
}

void TomlTable::only(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [k, v] : *table_) {
    bool ok = false;
    for (auto a : allowed) ok = ok || k.str() == a;
    if (!ok) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      file_->fail(k.source(), "unknown key '" + std::string(k.str()) + "'" + did_you_mean_suffix(k.str(), names) +
                                  " (valid keys: " + join(names, ", ") + ")");
    }
  }
}

void TomlTable::fail(std::string_view key, const std::string& problem) const {
  if (auto* n = table_->get(key)) file_->fail(n->source(), problem);
  file_->fail(table_->source(), problem);
}

void TomlTable::fail_here(const std::string& problem) const { file_->fail(table_->source(), problem); }

std::string TomlTable::str(std::string_view key) const {
  auto v = opt_str(key);
  if (!v) fail_here("missing required key '" + std::string(key) + "'");
  return *v;
}

std::string TomlTable::line(std::string_view key) const {
  std::string v = str(key);
  if (auto at = find_control(v, TextLines::Single))
    fail(key, "'" + std::string(key) + "' holds a control character (" + describe_control(v, *at) +
                  "); it is one line of text: no tabs, line breaks or other controls");
  return v;
}

std::optional<std::string> TomlTable::opt_str(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::nullopt;
  if (auto s = n->value<std::string>()) return *s;
  fail(key, "'" + std::string(key) + "' must be a string");
}

std::string TomlTable::str_or(std::string_view key, std::string fallback) const {
  auto v = opt_str(key);
  return v ? *v : fallback;
}

std::vector<std::string> TomlTable::strs(std::string_view key) const {
  std::vector<std::string> out;
  const toml::node* n = table_->get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(key, "'" + std::string(key) + "' must be an array of strings");
  for (const auto& e : *a) {
    auto s = e.value<std::string>();
    if (!s) file_->fail(e.source(), "'" + std::string(key) + "' must hold only strings");
    out.push_back(*s);
  }
  return out;
}

std::optional<int64_t> TomlTable::opt_int(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::nullopt;
  if (auto* i = n->as_integer()) return i->get();
  fail(key, "'" + std::string(key) + "' must be an integer");
}

std::optional<double> TomlTable::opt_num(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::nullopt;
  if (auto* i = n->as_integer()) return static_cast<double>(i->get());
  if (auto* f = n->as_floating_point()) return f->get();
  fail(key, "'" + std::string(key) + "' must be a number");
}

std::optional<bool> TomlTable::opt_bool(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::nullopt;
  if (auto* b = n->as_boolean()) return b->get();
  fail(key, "'" + std::string(key) + "' must be true or false");
}

std::optional<TomlTable> TomlTable::table(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::nullopt;
  if (auto* t = n->as_table()) return TomlTable(*file_, *t);
  fail(key, "'" + std::string(key) + "' must be a table");
}

std::vector<TomlTable> TomlTable::tables(std::string_view key) const {
  std::vector<TomlTable> out;
  const toml::node* n = table_->get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(key, "'" + std::string(key) + "' must be an array of tables ([[" + std::string(key) + "]])");
  for (const auto& e : *a) {
    const toml::table* t = e.as_table();
    if (!t) file_->fail(e.source(), "'" + std::string(key) + "' must hold only tables");
    out.emplace_back(*file_, *t);
  }
  return out;
}

}  // namespace riskreg
