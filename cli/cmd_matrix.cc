// riskreg matrix: the heat map, as the seed's "Plotting the Risks": likelihood rows (most
// severe on top), impact columns (least severe on the left), risk ids in their cells.
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/text.h"
#include "domain/response.h"
#include "register/risk_view.h"
#include "render.h"

namespace riskreg::cli {

namespace {
struct MatrixOptions {
  bool counts = false;
  bool ids = false;
  bool json = false;
};

/// A cell's text: its risk ids, or how many there are when they do not fit (or --counts).
/// Sets `counted` when it shows a count.
std::string cell_text(bool above, const std::vector<std::string>& ids, size_t width, bool counts, bool& counted) {
  std::string mark = above ? "* " : "  ";
  if (ids.empty()) return mark;
  std::string all = mark + join(ids, ",");
  if (!counts && text_width(all) <= width) return all;
  counted = true;
  std::string n = std::to_string(ids.size());
  std::string words = mark + n + (ids.size() == 1 ? " risk" : " risks");
  return text_width(words) <= width ? words : mark + n;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t p; (p = s.find('\n', start)) != std::string::npos; start = p + 1)
    out.push_back(s.substr(start, p - start));
  out.push_back(s.substr(start));
  return out;
}
}  // namespace

void add_matrix(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<MatrixOptions>();
  auto* cmd = app.add_subcommand("matrix", "Show the risks on the likelihood x impact matrix");
  auto* counts = cmd->add_flag("--counts", opt->counts, "Show how many risks each cell holds, not their ids");
  cmd->add_flag("--ids", opt->ids, "Always list the ids, however wide the matrix gets")->excludes(counts);
  cmd->add_flag("--json", opt->json, "JSON output (always the ids)");
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    std::vector<std::vector<std::string>> cells(m.cell_count());
    int above = 0, total = 0;
    std::vector<std::string> tolerated;  // accepted above the line (riskreg respond): '~' after the id
    ctx.store().for_each_risk([&](const RiskState& s) {
      if (s.closed) return;  // closed: off the matrix (its history stays)
      auto v = view_of(s, m);
      if (!v.current) return;
      auto d = parse_response(s.response);
      bool accepted = d && d->decision == "tolerate";
      if (accepted) tolerated.push_back(s.id);
      cells[m.index(*v.current)].push_back(accepted && !opt->json ? s.id + "~" : s.id);
      ++total;
      above += v.above_appetite;
    });
    if (opt->json) {
      nlohmann::json j;
      j["matrix"] = m.name;
      for (int l = m.likelihood.size() - 1; l >= 0; --l)
        j["likelihood"].push_back({{"code", m.likelihood.levels[l].code}, {"label", m.likelihood.levels[l].label}});
      for (int i = 0; i < m.impact.size(); ++i)
        j["impact"].push_back({{"code", m.impact.levels[i].code}, {"label", m.impact.levels[i].label}});
      j["cells"] = nlohmann::json::array();
      for (int l = m.likelihood.size() - 1; l >= 0; --l)
        for (int i = 0; i < m.impact.size(); ++i) {
          Cell c{l, i};
          j["cells"].push_back({{"cell", m.format(c)},
                                {"likelihood", m.likelihood.levels[l].code},
                                {"impact", m.impact.levels[i].code},
                                {"band", m.band(c).name},
                                {"colour", m.band(c).colour},
                                {"above_appetite", m.above_appetite(c)},
                                {"risks", cells[m.index(c)]}});
        }
      j["risks"] = total;
      j["above_appetite"] = above;
      j["tolerated"] = tolerated;
      ctx.out << j.dump(2) << "\n";
      return;
    }
    // Fitted to the terminal (80 columns off a terminal): a row is the likelihood label, then
    // per impact level " " + cell + "|". Cells too narrow for their ids show counts instead.
    const ColourDepth depth = ctx.colour_depth();
    const int n = m.impact.size();
    size_t label_w = text_width(m.likelihood.name);
    for (const auto& l : m.likelihood.levels) label_w = std::max(label_w, text_width(l.code + " " + l.label));
    size_t natural = 8;
    for (const auto& i : m.impact.levels) natural = std::max(natural, text_width(i.heading));
    for (int c = 0; c < m.cell_count(); ++c)
      if (!cells[c].empty()) natural = std::max(natural, text_width(join(cells[c], ",")) + 2);
    size_t cell_w = natural;
    if (!opt->ids) {
      size_t room = ctx.width() > label_w + 2 ? (ctx.width() - label_w - 2) / n : 0;
      cell_w = std::max<size_t>(5, std::min(natural, room > 2 ? room - 2 : 0));
    }
    auto& out = ctx.out;
    out << wrap(m.name, ctx.width(), 2) << "\n";
    // Impact headings, over two or more lines when they do not fit on one.
    std::vector<std::vector<std::string>> heads;
    size_t head_lines = 1;
    for (const auto& i : m.impact.levels) {
      heads.push_back(lines_of(text_width(i.heading) <= cell_w ? i.heading : wrap(i.heading, cell_w)));
      head_lines = std::max(head_lines, heads.back().size());
    }
    for (size_t h = 0; h < head_lines; ++h) {
      out << pad(h == 0 ? m.likelihood.name : "", label_w) << " |";
      for (int i = 0; i < n; ++i)
        out << " " << pad(h < heads[i].size() ? clip(heads[i][h], cell_w) : "", cell_w) << "|";
      out << "\n";
    }
    std::string rule(label_w + 1, '-');
    for (int i = 0; i < n; ++i) rule += "+" + std::string(cell_w + 1, '-');
    rule += "|";
    out << rule << "\n";
    bool counted = false;
    for (int l = m.likelihood.size() - 1; l >= 0; --l) {
      out << pad(m.likelihood.levels[l].code + " " + m.likelihood.levels[l].label, label_w) << " |";
      for (int i = 0; i < n; ++i) {
        Cell c{l, i};
        const auto& ids = cells[m.index(c)];
        // '*' marks a cell above the appetite line, with or without colour.
        std::string text = cell_text(m.above_appetite(c), ids, cell_w, opt->counts, counted);
        out << paint(pad(" " + text, cell_w + 1), m.band(c).colour, depth, true) << "|";
      }
      out << "\n";
    }
    out << rule << "\n";
    out << pad("", label_w + 2) << m.impact.name << "\n";
    out << wrap("* above the appetite line (" + m.appetite_description + ")", ctx.width(), 2) << "\n";
    if (!tolerated.empty())
      out << wrap(
                 "~ after an id: tolerated, accepted above the line by a named approver until a date (riskreg "
                 "respond)",
                 ctx.width(), 2)
          << "\n";
    if (counted)
      out << wrap("Numbers are how many risks a cell holds (`riskreg matrix --ids` lists them).", ctx.width()) << "\n";
    out << band_legend(m, depth) << "\n";
    out << total << " risks scored, " << above << " above the appetite line\n";
  });
}

}  // namespace riskreg::cli
