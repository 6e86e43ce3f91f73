// riskreg matrix: the heat map, as the seed's "Plotting the Risks": likelihood rows (most
// severe on top), impact columns (least severe on the left), risk ids in their cells.
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/text.h"
#include "register/risk_view.h"
#include "render.h"

namespace riskreg::cli {

namespace {
struct MatrixOptions {
  bool json = false;
};
}  // namespace

void add_matrix(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<MatrixOptions>();
  auto* cmd = app.add_subcommand("matrix", "Show the risks on the likelihood x impact matrix");
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    std::vector<std::vector<std::string>> cells(m.cell_count());
    int above = 0, total = 0;
    ctx.store().for_each_risk([&](const RiskState& s) {
      auto v = view_of(s, m);
      if (!v.current) return;
      cells[m.index(*v.current)].push_back(s.id);
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
      ctx.out << j.dump(2) << "\n";
      return;
    }
    bool colour = ctx.colour();
    size_t label_w = 0, cell_w = 8;
    for (const auto& l : m.likelihood.levels) label_w = std::max(label_w, text_width(l.code + " " + l.label));
    for (const auto& i : m.impact.levels) cell_w = std::max(cell_w, text_width(i.heading));
    for (const auto& c : cells) cell_w = std::max(cell_w, text_width(join(c, ",")) + 2);
    auto pad = [](const std::string& s, size_t w) { return s + std::string(w - std::min(w, text_width(s)), ' '); };
    auto& out = ctx.out;
    out << m.name << "\n";
    out << pad(m.likelihood.name, label_w);
    for (int i = 0; i < m.impact.size(); ++i) out << " | " << pad(m.impact.levels[i].heading, cell_w);
    out << " |\n";
    std::string rule(label_w, '-');
    for (int i = 0; i < m.impact.size(); ++i) rule += "-+-" + std::string(cell_w, '-');
    rule += "-|";
    out << rule << "\n";
    for (int l = m.likelihood.size() - 1; l >= 0; --l) {
      out << pad(m.likelihood.levels[l].code + " " + m.likelihood.levels[l].label, label_w);
      for (int i = 0; i < m.impact.size(); ++i) {
        Cell c{l, i};
        // '*' marks a cell above the appetite line, with or without colour.
        std::string text = (m.above_appetite(c) ? "* " : "  ") + join(cells[m.index(c)], ",");
        out << " | ";
        if (colour) out << ansi_background(m.band(c).colour);
        out << pad(text, cell_w);
        if (colour) out << kAnsiReset;
      }
      out << " |\n";
    }
    out << rule << "\n";
    out << pad("", label_w) << "   " << m.impact.name << "\n";
    out << "* above the appetite line (" << m.appetite_description << ")\n";
    out << "Bands:";
    for (auto it = m.bands.rbegin(); it != m.bands.rend(); ++it) out << " " << it->name;
    out << "\n" << total << " risks scored, " << above << " above the appetite line\n";
  });
}

}  // namespace riskreg::cli
