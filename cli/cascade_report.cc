#include "cascade_report.h"

#include <sstream>

#include "core/text.h"

namespace riskreg::cli {

namespace {
std::string signed_bands(int n) {
  std::string s = (n > 0 ? "+" : "") + std::to_string(n) + " band";
  return std::abs(n) == 1 ? s : s + "s";
}
std::string list_or_none(const std::vector<std::string>& v) { return v.empty() ? "(none)" : join(v, ", "); }
}  // namespace

void print_cascade(std::ostream& out, const Matrix& m, const CascadeResult& c, const std::string& in) {
  out << in << "cascade from " << c.risk << " (" << (c.from ? m.format(*c.from) : "unscored") << " -> "
      << m.format(c.to) << ", " << signed_bands(c.band_change) << "):\n";
  if (c.closed) {
    out << in << "  nothing propagates: " << c.risk << " is closed (riskreg reopen " << c.risk << " brings it back)\n";
  } else if (!c.propagates) {
    out << in << "  nothing propagates: "
        << (c.band_change == 0 ? "the band did not change" : "only a worsening propagates (rules/cascade.toml)")
        << "\n";
  } else if (c.steps.empty()) {
    out << in << "  no risk it feeds would move\n";
  }
  for (const auto& s : c.steps) {
    out << in << "  " << s.risk << "  " << m.format(s.from) << " -> " << m.format(s.to) << "  " << m.band(s.from).label
        << " -> " << m.band(s.to).label << " (" << signed_bands(s.band_change) << ")  "
        << (s.now_above ? (s.was_above ? "already above appetite" : "CROSSES the appetite line") : "within appetite")
        << "  via " << join(s.path, " -> ") << " (" << s.basis << ", strength " << s.strength << ")\n";
  }
  if (!c.closed_not_moved.empty())
    out << in << "  closed, not moved: " << join(c.closed_not_moved, ", ") << " (closed risks leave cascades)\n";
  out << in << "  crossing the appetite line: " << list_or_none(c.crossing) << "\n";
  out << in << "  in scope: priorities " << list_or_none(c.priorities) << "\n";
  out << in << "            actions " << list_or_none(c.actions) << "\n";
  out << in << "            officers " << list_or_none(c.officers) << "\n";
}

nlohmann::json cascade_json(const Matrix& m, const CascadeResult& c) {
  auto steps = nlohmann::json::array();
  for (const auto& s : c.steps)
    steps.push_back({{"risk", s.risk},
                     {"title", s.title},
                     {"from", m.format(s.from)},
                     {"to", m.format(s.to)},
                     {"band_from", m.band(s.from).name},
                     {"band_to", m.band(s.to).name},
                     {"band_change", s.band_change},
                     {"was_above", s.was_above},
                     {"now_above", s.now_above},
                     {"path", s.path},
                     {"basis", s.basis},
                     {"strength", s.strength},
                     {"depth", s.depth},
                     {"priorities", s.priorities},
                     {"actions", s.actions},
                     {"officers", s.officers}});
  return {{"risk", c.risk},
          {"from", c.from ? nlohmann::json(m.format(*c.from)) : nlohmann::json()},
          {"to", m.format(c.to)},
          {"band_change", c.band_change},
          {"propagates", c.propagates},
          {"steps", steps},
          {"crossing", c.crossing},
          {"closed", c.closed},
          {"closed_not_moved", c.closed_not_moved},
          {"priorities", c.priorities},
          {"actions", c.actions},
          {"officers", c.officers}};
}

}  // namespace riskreg::cli
