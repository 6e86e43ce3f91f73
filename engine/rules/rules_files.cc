#include "rules/rules_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/chain.h"
#include "core/error.h"
#include "rules/matrix_file.h"

namespace fs = std::filesystem;

namespace riskreg {

std::vector<RulesFile> read_rules_dir(const std::string& dir) {
  if (!fs::is_directory(dir)) throw FileError({dir, 0, 0}, "not a rules folder");
  std::vector<RulesFile> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".toml" || !e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    RulesFile f{e.path().filename().string(), ss.str(), ""};
    f.sha256 = sha256_hex(f.content);
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const RulesFile& a, const RulesFile& b) { return a.name < b.name; });
  if (!find_rules_file(out, "matrix.toml"))
    throw FileError({(fs::path(dir) / "matrix.toml").string(), 0, 0}, "missing: the rules folder needs matrix.toml");
  return out;
}

const RulesFile* find_rules_file(const std::vector<RulesFile>& rules, const std::string& name) {
  for (const auto& f : rules)
    if (f.name == name) return &f;
  return nullptr;
}

Matrix matrix_from(const std::vector<RulesFile>& rules) {
  const RulesFile* f = find_rules_file(rules, "matrix.toml");
  if (!f) throw Error(ErrorKind::Schema, "the register holds no matrix.toml");
  return load_matrix_text(f->content, "rules/matrix.toml");
}

}  // namespace riskreg
