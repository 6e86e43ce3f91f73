#pragma once
/// Internal to the exporters (engine/io/export.cc): the HTML export, one self-contained page
/// (inline CSS and SVG, no script, no external resource) with a header and the manifest, the
/// heat map with the appetite line, the register table with each risk's score history as a
/// sparkline, and the feed graph.
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
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
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

class HtmlExport {
 public:
  /// `side` is a scratch file for the table rows; it is removed when the page is written
  /// (and by the destructor if it never is).
  HtmlExport(const Matrix& m, std::filesystem::path side);
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

  void flush_row();
  void sparkline(std::ostream& o);
  void heat_map(std::ostream& o) const;
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

  std::vector<int64_t> counts_;  ///< risks per cell (current score)
  int64_t risks_ = 0, above_ = 0, assessments_ = 0, unscored_ = 0;

  std::vector<Node> seeds_;              ///< the most severe above-appetite risks, at most kFeedGraphSeeds
  std::vector<std::string> neighbours_;  ///< risks linked to a seed, in feed order
  int64_t feeds_ = 0;
  bool nodes_full_ = false;  ///< a neighbour was left out for lack of room
};

}  // namespace riskreg::exporting
