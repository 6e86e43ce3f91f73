#pragma once
/// Internal to the exporters (engine/io/export.cc): the HTML export, one self-contained page
/// (inline CSS and SVG, one small inline script, no external resource) with a header and the
/// manifest, the heat map with the appetite line (each cell naming its risks, targets and last
/// period's cells marked), the above-appetite risks, the feed graph (laid out by Graphviz), and
/// the register table with each risk's score history as a dated sparkline and a table. Closed
/// risks (`riskreg close`) are in the table only, marked closed: the heat map, the
/// above-appetite table and the feed graph show live risks.
///
/// The script only adds sorting and filtering to the register table: with scripts off the page
/// shows everything. A print style sheet lays the page out on A4 as a committee paper: the
/// manifest, heat map and above-appetite table on the first page, each later section on a new
/// page, no table row cut across pages.
///
/// Streamed like the other formats: each risk's table row goes to a side file as soon as its
/// history has been seen, and the page is assembled at the end, so memory does not grow
/// with the register. Only the feed graph is held, and it is bounded (kFeedGraphSeeds,
/// kFeedGraphNodes, kFeedGraphEdges).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "domain/matrix.h"
#include "io/export_walk.h"
#include "store/store.h"

namespace riskreg::exporting {

/// `&`, `<`, `>`, `"` and `'` as character references: safe in element text and in quoted
/// attribute values.
std::string html_escape(std::string_view s);

/// The feed graph draws at most this many above-appetite risks (the most severe first)...
inline constexpr size_t kFeedGraphSeeds = 24;
/// ...and the risks feeding or fed by them, up to this many risks in all...
inline constexpr size_t kFeedGraphNodes = 40;
/// ...and at most this many feed links between them (in (from, to) order).
inline constexpr size_t kFeedGraphEdges = 200;
/// A sparkline shows a risk's latest assessments, at most this many.
inline constexpr size_t kSparklinePoints = 60;
/// A heat map cell names at most this many risks in its tooltip ("and N more" after).
inline constexpr size_t kCellIds = 40;
/// The above-appetite table lists at most this many risks, the most severe first.
inline constexpr size_t kAboveTable = 60;
/// A controls list shows this many items; the rest fold under "N more".
inline constexpr size_t kControlsShown = 3;

class HtmlExport {
 public:
  /// `side` is a scratch file for the table rows; it is removed when the page is written
  /// (and by the destructor if it never is).
  /// `reference_time` (ISO 8601 UTC: the as-of time, else the export's) starts the current
  /// period (its calendar month): the heat map marks where each risk was before it.
  HtmlExport(const Matrix& m, std::filesystem::path side, const std::string& reference_time = "");
  ~HtmlExport();
  HtmlExport(const HtmlExport&) = delete;
  HtmlExport& operator=(const HtmlExport&) = delete;

  /// The walk's callbacks: a risk, then its history in assessment order.
  void risk(const RiskRow& r);
  void assessment(const AssessmentRow& a);
  /// After the walk: each exported feed link, in (from, to) order. Chooses the graph's risks.
  void feed(const Feed& f);

  /// Writes the whole page. `manifest` is the export's manifest; `as_of` the as-of time, if
  /// any; `exported_at` the export's time (shown for a current export).
  /// Reads the store again only for the graph's bounded set of risks and links.
  void write(std::ostream& out, Store& store, const std::optional<std::string>& as_of, const std::string& exported_at,
             const nlohmann::json& manifest);

 private:
  struct Node {
    std::string id, title, current;
    int band = -1;  ///< index into the matrix's bands; -1 if unscored or off the matrix
    bool above = false;
    int severity = -1;
    int64_t order = 0;  ///< walk position, to break ties deterministically
  };
  struct Edge {
    std::string from, to, basis;
  };
  /// Risks moving between two cells (to their target, or from last period's cell).
  struct Move {
    int64_t n = 0;
    std::vector<std::string> ids;  ///< at most kCellIds
  };
  /// A row of the above-appetite table, kept while it is among the kAboveTable most severe.
  struct AboveRow {
    int severity = -1;
    int64_t order = 0;
    std::string html;
  };

  void flush_row();
  void sparkline(std::ostream& o);
  void heat_map(std::ostream& o) const;
  void above_table(std::ostream& o) const;
  /// "Decisions above appetite": each above-appetite risk kept (the most severe) with its
  /// decision, and who recorded it, when and why (its last "response" change by `as_of`).
  void decisions_table(std::ostream& o, Store& store, const std::optional<std::string>& as_of) const;
  void history_table(std::ostream& o) const;
  std::string flag_html(const RiskRow& r) const;
  void feed_graph(std::ostream& o, Store& store, const std::optional<std::string>& as_of);
  int band_of(const std::string& score) const;
  int severity_of(const std::string& score) const;

  const Matrix& m_;
  std::filesystem::path side_path_;
  std::ofstream side_;
  bool written_ = false;

  /// Each cell's place in a total order of severity in which every cell above the appetite
  /// line comes after every cell at or below it (then by band, then by the two ranks), so
  /// the appetite line is one threshold on a sparkline's vertical axis.
  std::vector<int> severity_;
  int below_cells_ = 0;  ///< cells at or below the appetite line: the threshold's position

  std::optional<RiskRow> row_;         ///< the risk whose history is arriving
  std::deque<AssessmentRow> history_;  ///< its latest kSparklinePoints assessments
  int64_t history_total_ = 0;

  std::vector<int64_t> counts_;                ///< risks per cell (current score)
  std::vector<std::vector<std::string>> ids_;  ///< by cell: the first kCellIds risks in it
  std::vector<int64_t> targets_;               ///< by cell: risks whose target it is
  std::vector<std::vector<std::string>> target_ids_;
  std::map<std::pair<int, int>, Move> to_target_;      ///< (current cell, target cell), when they differ
  std::map<std::pair<int, int>, Move> from_previous_;  ///< (last period's cell, current cell), when they differ
  std::string period_start_;                           ///< the current period's first second; "" for none
  std::vector<AboveRow> above_rows_;
  struct DecisionRow {
    int severity = -1;
    int64_t order = 0;
    std::string id, score, decision, terms, until;
  };
  std::vector<DecisionRow> decision_rows_;
  int64_t tolerated_ = 0;  ///< above appetite and tolerated: marked '*' on the heat map
  int64_t risks_ = 0, above_ = 0, assessments_ = 0, unscored_ = 0;
  int64_t closed_ = 0;  ///< closed risks: in the table only
  /// The closed risks' ids, so that the feed graph draws none (held: a register closes few).
  std::unordered_set<std::string> closed_ids_;

  std::vector<Node> seeds_;              ///< the most severe above-appetite risks, at most kFeedGraphSeeds
  std::vector<std::string> neighbours_;  ///< risks linked to a seed, in feed order
  int64_t feeds_ = 0;
  bool nodes_full_ = false;  ///< a neighbour was left out for lack of room
};

}  // namespace riskreg::exporting
