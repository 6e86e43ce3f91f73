#include "register/rules_bundle.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/chain.h"
#include "core/error.h"
#include "core/text.h"
#include "graph/cascade.h"
#include "graph/network_file.h"
#include "rules/matrix_file.h"
#include "rules/rule_set.h"

namespace fs = std::filesystem;

namespace riskreg {

void validate_rules(const std::vector<RulesFile>& rules) {
  Matrix m = matrix_from(rules);
  (void)rules::rule_set_from(rules, m);
  (void)cascade_rule_from(rules);
  if (const RulesFile* f = find_rules_file(rules, "network.toml"))
    (void)load_network_rules_text(f->content, "rules/network.toml");
}

namespace {

/// The position of byte `at` in `text`, 1-based, counting characters.
SourcePos position_of(const std::string& file, const std::string& text, size_t at) {
  SourcePos p{file, 1, 1};
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

void check_template(const std::string& file, const std::string& text) {
  auto fail = [&](size_t at, const std::string& problem) {
    SourcePos p = position_of(file, text, at);
    throw FileError(p, problem, line_of(text, p.line));
  };
  if (!valid_utf8(text)) {
    size_t bad = 0;
    while (bad < text.size() && valid_utf8(std::string_view(text).substr(0, bad + 1))) ++bad;
    fail(bad, "not UTF-8 text");
  }
  std::vector<std::pair<std::string, size_t>> open;  // sections not yet closed, where each opened
  for (size_t at = text.find("{{"); at != std::string::npos; at = text.find("{{", at)) {
    bool triple = text.compare(at, 3, "{{{") == 0;
    size_t end = text.find(triple ? "}}}" : "}}", at + (triple ? 3 : 2));
    if (end == std::string::npos)
      fail(at, std::string("this tag is never closed: expected '") + (triple ? "}}}" : "}}") + "'");
    std::string tag = trim(text.substr(at + (triple ? 3 : 2), end - at - (triple ? 3 : 2)));
    if (!triple && !tag.empty() && tag[0] == '=') return;  // a delimiter change: mstch's own rules from here
    if (!triple && !tag.empty() && (tag[0] == '#' || tag[0] == '^')) {
      open.emplace_back(trim(tag.substr(1)), at);
    } else if (!triple && !tag.empty() && tag[0] == '/') {
      std::string name = trim(tag.substr(1));
      if (open.empty()) fail(at, "'{{/" + name + "}}' closes a section that was never opened");
      if (open.back().first != name)
        fail(at, "'{{/" + name + "}}' closes section '" + open.back().first + "', opened on line " +
                     std::to_string(position_of(file, text, open.back().second).line));
      open.pop_back();
    } else if (tag.empty()) {
      fail(at, "an empty tag '{{}}'");
    }
    at = end + (triple ? 3 : 2);
  }
  if (!open.empty())
    fail(open.back().second, "section '" + open.back().first + "' is never closed ('{{/" + open.back().first + "}}')");
}

}  // namespace

void validate_templates(const std::string& rules_dir) {
  fs::path dir = fs::path(rules_dir) / "templates";
  if (!fs::is_directory(dir)) return;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".mustache") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) throw FileError({f.string(), 0, 0}, "cannot read the template");
    std::ostringstream ss;
    ss << in.rdbuf();
    check_template(f.string(), ss.str());
  }
}

}  // namespace riskreg
