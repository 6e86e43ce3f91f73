#include "io/html_mitigation.h"

#include <cstdio>

#include "graph/rank_register.h"
#include "io/export_html.h"

namespace riskreg::exporting {

namespace {
std::string num(double v, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string what(const RiskNetwork& net, const Mitigation& m) {
  const auto& a = net.risks[m.from];
  if (m.kind == Mitigation::Kind::ZeroSpontaneous)
    return "<b>" + html_escape(a.id) + "</b> no longer occurs of itself (" + html_escape(a.title) + ")";
  return "cut the feed <b>" + html_escape(a.id) + "</b> &#8594; <b>" + html_escape(net.risks[m.to].id) + "</b>";
}
}  // namespace

void write_mitigation_section(std::ostream& out, Store& store, const Matrix& m,
                              const std::optional<std::string>& as_of) {
  out << "<section id=\"mitigation\"><h2>Where mitigation pays most</h2>\n";
  if (as_of) {
    out << "<p class=\"note\">Ranked on the current register only; not rebuilt as of a past time "
           "(<code>riskreg network --rank</code>).</p>\n</section>\n";
    return;
  }
  RegisterRanking r = rank_register(store, m, true);
  if (!r.unavailable.empty()) {
    out << "<p class=\"note\">No ranking: " << html_escape(r.unavailable) << ".</p>\n</section>\n";
    return;
  }
  const Ranking& k = r.ranking;
  out << "<p class=\"note\">The risk network model (Fang &amp; Marle 2012, rules/network.toml): the " << kMitigationRows
      << " single mitigations that most reduce the register's total expected impact, " << num(k.total, "%.4f")
      << " now (exact). <code>riskreg network --rank</code> ranks them all.</p>\n";
  if (!k.diverging.empty())
    out << "<p class=\"note\">" << k.diverging.size()
        << " risks sit downstream of a supercritical loop: their expected frequencies diverge, so they are left out "
           "and not ranked.</p>\n";
  out << "<table>\n<thead><tr><th>#</th><th>Mitigation</th><th>Reduction</th><th>Share of the "
         "total</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < k.rows.size() && i < kMitigationRows; ++i) {
    const auto& row = k.rows[i];
    out << "<tr><td>" << i + 1 << "</td><td>" << what(r.net, row.steps[0]) << "</td><td>" << num(row.reduction, "%.4f")
        << "</td><td>" << num(100 * row.share, "%.1f") << "%</td></tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

}  // namespace riskreg::exporting
