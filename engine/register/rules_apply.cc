#include "register/rules_apply.h"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <map>

#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "domain/matrix.h"
#include "register/lifecycle.h"
#include "register/rules_bundle.h"

namespace fs = std::filesystem;

namespace riskreg {

namespace {

/// The parsers name a stored file `rules/NAME`; a folder being applied is named as given, so
/// the message points at the file to fix: `DIR/flags.toml:3:7: ...`, with its line and caret.
[[noreturn]] void rethrow_in(const FileError& e, const std::string& dir, const std::vector<RulesFile>& files) {
  const std::string& file = e.pos().file;
  std::string name = file.rfind("rules/", 0) == 0 ? file.substr(6) : "";
  const RulesFile* f = name.empty() ? nullptr : find_rules_file(files, name);
  if (!f) throw;
  SourcePos pos{(fs::path(dir) / name).string(), e.pos().line, e.pos().column};
  throw FileError(pos, e.problem(), pos.line > 0 ? line_of(f->content, pos.line) : std::string());
}

/// "R5 current C2" for each open risk whose current or target score the matrix has no cell for.
std::vector<std::string> inexpressible(Store& store, const Matrix& m) {
  std::vector<std::string> out;
  store.for_each_risk([&](const RiskState& s) {
    if (s.closed) return;
    if (s.current && !m.cell(s.current->score))
      out.push_back(s.id + " current " + s.current->score.likelihood + s.current->score.impact);
    if (s.target && !m.cell(*s.target)) out.push_back(s.id + " target " + s.target->likelihood + s.target->impact);
  });
  return out;
}

/// The register's first rules are version 1; each "rules" entry one more (as the stores count).
int64_t version_in_force(Store& store) {
  return 1 + static_cast<int64_t>(store.audit_entries({events::kRules}).size());
}

}  // namespace

RulesApplyResult apply_rules_dir(Store& store, const RulesApplyRequest& req) {
  lifecycle::check_text("rules apply: the reason", req.reason, true, true);
  auto files = read_rules_dir(req.dir);
  try {
    validate_rules(files);
  } catch (const FileError& e) {
    rethrow_in(e, req.dir, files);
  }
  validate_templates(req.dir);

  const auto stored = store.rules();
  std::vector<std::string> missing;
  for (const auto& f : stored)
    if (!find_rules_file(files, f.name)) missing.push_back(f.name);
  if (!missing.empty())
    throw Error(ErrorKind::InvalidInput,
                req.dir + " lacks " + join(missing, ", ") +
                    ", which the register's rules hold: rules apply stores new versions of files and never removes "
                    "one; put " +
                    (missing.size() == 1 ? "it" : "them") + " back in the folder");

  RulesApplyResult result;
  NewRulesVersion v;
  bool matrix_changed = false;
  for (const auto& f : files) {
    const RulesFile* old = find_rules_file(stored, f.name);
    // Compared by content, not by the stored sha256 column (which sits beside it).
    if (old && old->content == f.content) {
      result.unchanged.push_back(f.name);
      continue;
    }
    if (f.name == "matrix.toml") matrix_changed = true;
    v.files.push_back(f);
  }
  v.expect_version = version_in_force(store);
  if (v.files.empty())
    throw Error(ErrorKind::InvalidInput, "rules apply: " + req.dir + " holds the rules in force (version " +
                                             std::to_string(v.expect_version) + "); nothing to apply");
  if (matrix_changed) {
    Matrix m = matrix_from(files);
    auto bad = inexpressible(store, m);
    if (!bad.empty()) {
      const size_t shown = std::min<size_t>(bad.size(), 20);
      std::vector<std::string> head(bad.begin(), bad.begin() + static_cast<std::ptrdiff_t>(shown));
      throw Error(ErrorKind::InvalidInput,
                  "the new matrix '" + m.name + "' cannot express " + std::to_string(bad.size()) +
                      (bad.size() == 1 ? " score" : " scores") + " of open risks: " + join(head, ", ") +
                      (bad.size() > shown ? " and " + std::to_string(bad.size() - shown) + " more" : "") +
                      " (likelihood is one of " + join(m.likelihood.codes(), "/") + " and impact one of " +
                      join(m.impact.codes(), "/") + "); re-score, re-target or close them first");
    }
  }
  v.by = req.by;
  v.at = req.at;
  v.reason = trim(req.reason);
  result.applied = store.apply_rules(v);
  return result;
}

std::vector<RulesVersion> rules_history(Store& store) {
  std::vector<RulesVersion> out;
  for (const auto& e : store.audit_entries({events::kCreate, events::kRules})) {
    auto r = events::rules_of(e);
    if (!r) continue;
    RulesVersion v{r->version, e.at, e.actor, r->reason, e.seq, {}};
    for (const auto& [name, sha] : r->sha256) v.files.emplace_back(name, sha);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<RulesFile> rules_in_force(Store& store, const std::optional<std::string>& as_of) {
  if (!as_of) return store.rules();
  auto rules = store.rules_as_of(*as_of);
  if (!rules.empty()) return rules;
  // Before the register existed: its first rules, the rows loaded when the first was.
  auto rows = store.rules_rows();
  if (rows.empty()) return rules;
  return store.rules_as_of(rows.front().loaded_at);
}

}  // namespace riskreg
