#pragma once
/// A thin layer over toml++ that turns every problem into a FileError with
/// `file:line:col`, the offending line and a caret, and rejects unknown keys with a
/// "did you mean" — so a typo in a data or rules file never silently drops data.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/error.h"
#include "core/text.h"

namespace riskreg {

class TomlFile {
 public:
  /// Parses `text`; `name` is what messages call the file. Throws FileError.
  static TomlFile parse(std::string text, std::string name);
  /// Reads and parses a file. Throws FileError (also when it cannot be read).
  static TomlFile read(const std::string& path);

  const toml::table& root() const { return root_; }
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  [[noreturn]] void fail(const toml::source_region& where, const std::string& problem) const;

 private:
  std::string name_;
  std::string text_;
  toml::table root_;
};

/// A table of a TomlFile, with typed accessors that fail with positions.
class TomlTable {
 public:
  TomlTable(const TomlFile& file, const toml::table& table) : file_(&file), table_(&table) {}

  /// Fails on any key not in `allowed`.
  void only(std::initializer_list<std::string_view> allowed) const;
  bool has(std::string_view key) const { return table_->contains(key); }

  std::string str(std::string_view key) const;
  /// A required one-line string (a title, a name): fails on tabs, line breaks and other
  /// control characters (core/text.h find_control), at the value's position.
  std::string line(std::string_view key) const;
  std::optional<std::string> opt_str(std::string_view key) const;
  std::string str_or(std::string_view key, std::string fallback) const;
  std::vector<std::string> strs(std::string_view key) const;  ///< absent → empty
  std::optional<int64_t> opt_int(std::string_view key) const;
  std::optional<double> opt_num(std::string_view key) const;
  std::optional<bool> opt_bool(std::string_view key) const;
  std::optional<TomlTable> table(std::string_view key) const;
  std::vector<TomlTable> tables(std::string_view key) const;  ///< an array of tables; absent → empty

  [[noreturn]] void fail(std::string_view key, const std::string& problem) const;
  [[noreturn]] void fail_here(const std::string& problem) const;
  const TomlFile& file() const { return *file_; }
  const toml::table& raw() const { return *table_; }
  const toml::node* node(std::string_view key) const { return table_->get(key); }

 private:
  const TomlFile* file_;
  const toml::table* table_;
};

}  // namespace riskreg
