#include "domain/matrix.h"

#include "core/text.h"

namespace riskreg {

const Level* Scale::find(std::string_view code_or_alias) const {
  std::string up = to_upper(code_or_alias);
  for (const auto& l : levels) {
    if (to_upper(l.code) == up) return &l;
    for (const auto& a : l.aliases)
      if (to_upper(a) == up) return &l;
  }
  return nullptr;
}

std::vector<std::string> Scale::codes() const {
  std::vector<std::string> out;
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) out.push_back(it->code);
  return out;
}

namespace {
std::string render(const std::string& notation, const std::string& l, const std::string& i) {
  std::string out;
  for (size_t p = 0; p < notation.size();) {
    if (notation.compare(p, 12, "{likelihood}") == 0) {
      out += l;
      p += 12;
    } else if (notation.compare(p, 8, "{impact}") == 0) {
      out += i;
      p += 8;
    } else {
      out += notation[p++];
    }
  }
  return out;
}
}  // namespace

void Matrix::finish(std::vector<int> cell_band, std::vector<bool> cell_above) {
  cell_band_ = std::move(cell_band);
  cell_above_ = std::move(cell_above);
  by_text_.clear();
  for (const auto& l : likelihood.levels) {
    std::vector<std::string> ls{l.code};
    ls.insert(ls.end(), l.aliases.begin(), l.aliases.end());
    for (const auto& i : impact.levels) {
      std::vector<std::string> is{i.code};
      is.insert(is.end(), i.aliases.begin(), i.aliases.end());
      for (const auto& a : ls)
        for (const auto& b : is) by_text_.emplace(to_upper(render(notation, a, b)), Cell{l.rank, i.rank});
    }
  }
}

std::string Matrix::format(Cell c) const {
  return render(notation, likelihood.levels[c.likelihood].code, impact.levels[c.impact].code);
}

std::optional<Cell> Matrix::parse(std::string_view text) const {
  auto it = by_text_.find(to_upper(trim(text)));
  if (it == by_text_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Matrix::all_scores() const {
  std::vector<std::string> out;
  for (int l = likelihood.size() - 1; l >= 0; --l)
    for (int i = impact.size() - 1; i >= 0; --i) out.push_back(format({l, i}));
  return out;
}

std::optional<Cell> Matrix::cell(const ScoreCodes& s) const {
  for (const auto& l : likelihood.levels)
    if (l.code == s.likelihood)
      for (const auto& i : impact.levels)
        if (i.code == s.impact) return Cell{l.rank, i.rank};
  return std::nullopt;
}

std::optional<double> Matrix::score(Cell c) const {
  if (!numeric) return std::nullopt;
  return likelihood.levels[c.likelihood].value.value_or(0) * impact.levels[c.impact].value.value_or(0);
}

}  // namespace riskreg
