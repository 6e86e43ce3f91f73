#include "cascade_report.h"

#include <sstream>

#include "core/text.h"
#include "render.h"

namespace riskreg::cli {

namespace {
std::string signed_bands(int n) {
  std::string s = (n > 0 ? "+" : "") + std::to_string(n) + " band";
  return std::abs(n) == 1 ? s : s + "s";
}
/// A number as a stream writes it (1, 0.5).
std::string number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
std::string list_or_none(const std::vector<std::string>& v) { return v.empty() ? "(none)" : join(v, ", "); }
}  // namespace

void print_cascade(std::ostream& out, const Matrix& m, const CascadeResult& c, const std::string& in, size_t width) {
  const size_t n = text_width(in);
  // Each line wrapped to the width; its continuation indented past the line's own lead.
  auto line = [&](const std::string& lead, const std::string& text, size_t indent) {
    out << in << lead << wrap(text, width, n + indent, n + text_width(lead), Spaces::Keep) << "\n";
  };
  line("",
       "cascade from " + c.risk + " (" + (c.from ? m.format(*c.from) : "unscored") + " -> " + m.format(c.to) + ", " +
           signed_bands(c.band_change) + "):",
       2);
  if (c.closed) {
    line("  ", "nothing propagates: " + c.risk + " is closed (riskreg reopen " + c.risk + " brings it back)", 4);
  } else if (!c.propagates) {
    line("  ",
         std::string("nothing propagates: ") +
             (c.band_change == 0 ? "the band did not change" : "only a worsening propagates (rules/cascade.toml)"),
         4);
  } else if (c.steps.empty()) {
    line("  ", "no risk it feeds would move", 4);
  }
  for (const auto& s : c.steps)
    line(
        "  ",
        s.risk + "  " + m.format(s.from) + " -> " + m.format(s.to) + "  " + m.band(s.from).name + " -> " +
            m.band(s.to).name + " (" + signed_bands(s.band_change) + ")  " +
            (s.now_above ? (s.was_above ? "already above appetite" : "CROSSES the appetite line") : "within appetite") +
            "  via " + join(s.path, " -> ") + " (" + s.basis + ", strength " + number(s.strength) + ")",
        6);
  if (!c.closed_not_moved.empty())
    line("  closed, not moved: ", join(c.closed_not_moved, ", ") + " (closed risks leave cascades)", 4);
  line("  crossing the appetite line: ", list_or_none(c.crossing), 4);
  const std::string scope = "  in scope: ", under(text_width(scope), ' ');
  line(scope + "priorities ", list_or_none(c.priorities), text_width(scope + "priorities "));
  line(under + "actions ", list_or_none(c.actions), text_width(under + "actions "));
  line(under + "officers ", list_or_none(c.officers), text_width(under + "officers "));
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
