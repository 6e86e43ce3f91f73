#include "rules/matrix_file.h"

#include <algorithm>
#include <set>

#include "core/text.h"

namespace riskreg {

namespace {

Scale load_scale(const TomlTable& t, const std::string& which, bool numeric) {
  t.only({"name", "levels"});
  Scale s;
  s.name = t.str_or("name", which);
  auto levels = t.tables("levels");
  if (levels.size() < 2) t.fail_here("the " + which + " scale needs at least two levels");
  // Files list levels most severe first, as matrices are drawn; rank 0 is the least severe.
  int rank = static_cast<int>(levels.size()) - 1;
  std::set<std::string> seen;
  for (const auto& lt : levels) {
    lt.only({"code", "label", "heading", "aliases", "value"});
    Level l;
    l.code = lt.str("code");
    if (l.code.empty()) lt.fail("code", "a level code cannot be empty");
    // Scores are read with their white space trimmed: a code that begins or ends with some
    // could be written but never read back (found by the fuzz_matrix target).
    if (trim(l.code) != l.code) lt.fail("code", "the level code '" + l.code + "' begins or ends with white space");
    l.label = lt.str_or("label", l.code);
    l.heading = lt.str_or("heading", l.code + " " + l.label);
    l.aliases = lt.strs("aliases");
    for (const auto& a : l.aliases)
      if (trim(a) != a) lt.fail("aliases", "the alias '" + a + "' begins or ends with white space");
    l.value = lt.opt_num("value");
    if (numeric && !l.value) lt.fail_here("score = \"product\" needs a numeric 'value' on every level");
    for (const auto& name : [&] {
           auto v = l.aliases;
           v.push_back(l.code);
           return v;
         }()) {
      if (!seen.insert(to_upper(name)).second)
        lt.fail("code", "the " + which + " code or alias '" + name + "' is used twice");
    }
    l.rank = rank--;
    s.levels.push_back(std::move(l));
  }
  std::reverse(s.levels.begin(), s.levels.end());
  return s;
}

/// A list of cells as written ("A1", "B3"); fails at the offending entry.
std::vector<Cell> cells_of(const Matrix& m, const TomlTable& t, std::string_view key) {
  std::vector<Cell> out;
  const toml::array* a = t.node(key) ? t.node(key)->as_array() : nullptr;
  if (!a)
    t.fail(key, "'" + std::string(key) + "' must be an array of cells such as \"" + m.all_scores().front() + "\"");
  for (const auto& e : *a) {
    auto s = e.value<std::string>();
    if (!s) t.file().fail(e.source(), "cells are written as strings such as \"" + m.all_scores().front() + "\"");
    auto c = m.parse(*s);
    if (!c)
      t.file().fail(e.source(), "'" + *s + "' is not a cell of this matrix" + did_you_mean_suffix(*s, m.all_scores()));
    out.push_back(*c);
  }
  return out;
}

}  // namespace

Matrix load_matrix(const TomlFile& file) {
  TomlTable root(file, file.root());
  root.only({"name", "notation", "score", "likelihood", "impact", "band", "appetite"});
  Matrix m;
  m.name = root.str_or("name", "matrix");
  m.notation = root.str_or("notation", "{likelihood}{impact}");
  if (m.notation.find("{likelihood}") == std::string::npos || m.notation.find("{impact}") == std::string::npos)
    root.fail("notation", "notation must contain both {likelihood} and {impact}");
  if (trim(m.notation) != m.notation)  // scores are read trimmed (as level codes above)
    root.fail("notation", "notation '" + m.notation + "' begins or ends with white space");
  if (auto score = root.opt_str("score")) {
    if (*score == "product")
      m.numeric = true;
    else if (*score != "none")
      root.fail("score", "unknown score '" + *score + "' (valid: product, none)");
  }
  auto lt = root.table("likelihood");
  auto it = root.table("impact");
  if (!lt) root.fail_here("missing [likelihood] scale");
  if (!it) root.fail_here("missing [impact] scale");
  m.likelihood = load_scale(*lt, "likelihood", m.numeric);
  m.impact = load_scale(*it, "impact", m.numeric);

  // A temporary finish so that cells can be parsed while reading bands and appetite.
  int n = m.likelihood.size() * m.impact.size();
  m.finish(std::vector<int>(n, 0), std::vector<bool>(n, false));
  {
    std::set<std::string> texts;
    for (int i = 0; i < n; ++i)
      if (!texts.insert(to_upper(m.format(m.cell_at(i)))).second)
        root.fail("notation", "two cells are written '" + m.format(m.cell_at(i)) +
                                  "': add a separator to the notation or change the codes");
  }

  // Bands: listed least severe first. A cell takes the last band that claims it, so a
  // file can give a default band (min_score = 0) and override it.
  auto band_tables = root.tables("band");
  if (band_tables.empty()) root.fail_here("at least one [[band]] is needed");
  std::vector<int> cell_band(n, -1);
  for (size_t b = 0; b < band_tables.size(); ++b) {
    const auto& bt = band_tables[b];
    bt.only({"name", "label", "colour", "cells", "min_score"});
    Band band;
    band.name = bt.str("name");
    band.label = bt.str_or("label", band.name);
    band.colour = bt.str_or("colour", "#999999");
    band.rank = static_cast<int>(b);
    if (bt.has("cells")) {
      for (Cell c : cells_of(m, bt, "cells")) cell_band[m.index(c)] = band.rank;
    } else if (auto min = bt.opt_num("min_score")) {
      if (!m.numeric) bt.fail("min_score", "min_score needs score = \"product\" and level values");
      for (int i = 0; i < n; ++i)
        if (*m.score(m.cell_at(i)) >= *min) cell_band[i] = band.rank;
    } else {
      bt.fail_here("a band needs 'cells' or 'min_score'");
    }
    m.bands.push_back(std::move(band));
  }
  for (int i = 0; i < n; ++i)
    if (cell_band[i] < 0) root.fail_here("cell " + m.format(m.cell_at(i)) + " is in no band");

  std::vector<bool> above(n, false);
  auto at = root.table("appetite");
  if (!at) root.fail_here("missing [appetite]: say which cells are above the appetite line");
  at->only({"above", "min_score", "min_band", "description"});
  m.appetite_description = at->str_or("description", "");
  int ways = at->has("above") + at->has("min_score") + at->has("min_band");
  if (ways != 1) at->fail_here("[appetite] needs exactly one of 'above', 'min_score' or 'min_band'");
  if (at->has("above")) {
    for (Cell c : cells_of(m, *at, "above")) above[m.index(c)] = true;
  } else if (auto min = at->opt_num("min_score")) {
    if (!m.numeric) at->fail("min_score", "min_score needs score = \"product\" and level values");
    for (int i = 0; i < n; ++i) above[i] = *m.score(m.cell_at(i)) >= *min;
  } else {
    std::string b = at->str("min_band");
    int rank = -1;
    std::vector<std::string> names;
    for (const auto& band : m.bands) {
      names.push_back(band.name);
      if (band.name == b) rank = band.rank;
    }
    if (rank < 0) at->fail("min_band", "unknown band '" + b + "'" + did_you_mean_suffix(b, names));
    for (int i = 0; i < n; ++i) above[i] = cell_band[i] >= rank;
  }
  m.finish(std::move(cell_band), std::move(above));
  return m;
}

Matrix load_matrix_file(const std::string& path) { return load_matrix(TomlFile::read(path)); }
Matrix load_matrix_text(const std::string& text, const std::string& name) {
  return load_matrix(TomlFile::parse(text, name));
}

}  // namespace riskreg
