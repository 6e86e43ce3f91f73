#pragma once
/// The scoring matrix: two ordered scales, how a cell is written, a band per cell and the
/// appetite line. Everything here comes from a rules file (rules/matrix.toml); nothing
/// about a particular matrix is known to C++.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace riskreg {

/// One level of a scale. `rank` is its severity position: 0 is the least severe.
struct Level {
  std::string code;                  ///< written in scores ("C", "3")
  std::string label;                 ///< "Significant", "Marginal"
  std::string heading;               ///< shown on the matrix axis ("III Marginal")
  std::vector<std::string> aliases;  ///< also accepted when parsing ("III")
  std::optional<double> value;       ///< numeric value, if the matrix scores numerically
  int rank = 0;
};

/// An ordered scale (likelihood or impact).
struct Scale {
  std::string name;
  std::vector<Level> levels;  ///< index == rank: least severe first

  const Level* find(std::string_view code_or_alias) const;
  std::vector<std::string> codes() const;  ///< most severe first, as people list them
  int size() const { return static_cast<int>(levels.size()); }
};

/// A cell of the matrix, by the severity ranks of its two levels.
struct Cell {
  int likelihood = 0;
  int impact = 0;
  bool operator==(const Cell&) const = default;
};

/// A score as stored: the two level codes, so labels can change without rewriting history.
struct ScoreCodes {
  std::string likelihood;
  std::string impact;
  bool operator==(const ScoreCodes&) const = default;
};

struct Band {
  std::string name;    ///< "red"
  std::string label;   ///< "Very high"
  std::string colour;  ///< "#d7191c"
  int rank = 0;        ///< 0 is the least severe band
};

class Matrix {
 public:
  std::string name;
  std::string notation;  ///< "{likelihood}{impact}"
  Scale likelihood;
  Scale impact;
  std::vector<Band> bands;  ///< index == rank, least severe first
  bool numeric = false;     ///< score = likelihood value × impact value
  std::string appetite_description;

  /// Called by the loader once the scales, bands and appetite are in place.
  void finish(std::vector<int> cell_band, std::vector<bool> cell_above);

  std::string format(Cell c) const;
  /// Parses a score as written ("C3", "c3", "C-III" if aliases allow). nullopt if no such cell.
  std::optional<Cell> parse(std::string_view text) const;
  /// Every score this matrix accepts, most severe first ("A1", "A2", …) — for error messages.
  std::vector<std::string> all_scores() const;

  const Band& band(Cell c) const { return bands[cell_band_[index(c)]]; }
  bool above_appetite(Cell c) const { return cell_above_[index(c)]; }
  std::optional<double> score(Cell c) const;
  ScoreCodes codes(Cell c) const { return {likelihood.levels[c.likelihood].code, impact.levels[c.impact].code}; }
  /// The cell of stored codes; nullopt if this matrix has no such levels.
  std::optional<Cell> cell(const ScoreCodes& s) const;
  const Level& likelihood_level(Cell c) const { return likelihood.levels[c.likelihood]; }
  const Level& impact_level(Cell c) const { return impact.levels[c.impact]; }
  int cell_count() const { return likelihood.size() * impact.size(); }
  int index(Cell c) const { return c.likelihood * impact.size() + c.impact; }
  Cell cell_at(int index) const { return {index / impact.size(), index % impact.size()}; }

 private:
  std::vector<int> cell_band_;
  std::vector<bool> cell_above_;
  std::unordered_map<std::string, Cell> by_text_;  ///< upper-cased spellings
};

}  // namespace riskreg
