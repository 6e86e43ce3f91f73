#include "io/export_html.h"
#include "io/html_mitigation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/text.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace riskreg::exporting {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

/// A band colour as the rules file gives it, if it is a plain `#rgb`/`#rrggbb` colour;
/// anything else (which could break out of the style sheet) becomes grey.
std::string css_colour(const std::string& c) {
  bool ok = (c.size() == 4 || c.size() == 7) && c[0] == '#' &&
            std::all_of(c.begin() + 1, c.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); });
  return ok ? c : "#999999";
}

/// Black or white text, whichever reads better on `colour`.
const char* ink_on(const std::string& colour) {
  std::string c = css_colour(colour);
  if (c.size() == 4) c = {'#', c[1], c[1], c[2], c[2], c[3], c[3]};
  auto ch = [&](int i) { return std::stoi(c.substr(static_cast<size_t>(1 + 2 * i), 2), nullptr, 16); };
  double lum = 0.299 * ch(0) + 0.587 * ch(1) + 0.114 * ch(2);
  return lum > 150 ? "#111" : "#fff";
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

/// Natural order of risk ids: "R2" before "R10".
bool id_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      std::string_view na(a.data() + i, ie - i), nb(b.data() + j, je - j);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

const char* kStyle = R"css(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;margin:0;background:#f4f5f7}
main{max-width:1500px;margin:0 auto;padding:24px 32px}
header{background:#1f2a44;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:24px}
header .asof{font-size:15px;opacity:.9;margin-bottom:10px}
header table.manifest{width:auto;font-size:13px}
header table.manifest td{border-bottom:1px solid rgba(255,255,255,.15);padding:3px 12px 3px 0}
header code{color:#cfe3ff}
header .note{color:#cfd6e4}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:16px 20px;margin:0 0 24px}
h2{font-size:18px;margin:0 0 12px}
.summary{display:flex;gap:16px;flex-wrap:wrap;margin:0 0 16px}
.stat{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:10px 16px;min-width:120px}
.stat b{display:block;font-size:26px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #e3e5e8}
th{background:#eef0f3;position:sticky;top:0;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
table.manifest td:first-child{font-weight:600;white-space:nowrap;width:1%}
code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
ul{margin:0;padding-left:16px}
.band{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;white-space:nowrap}
.score{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}
.above{color:#b00020;font-weight:700}
.flag{display:inline-block;background:#fff3cd;border:1px solid #e0c36a;border-radius:4px;padding:0 4px;margin:0 2px 2px 0;font-size:11px;font-weight:600}
.none{color:#999}
.note{color:#555;font-size:13px}
tr.r-above td:first-child{border-left:4px solid #b00020}
.legend{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin-top:8px;font-size:13px}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:middle;margin-right:4px;border:1px solid rgba(0,0,0,.2)}
.cols{display:flex;gap:24px;flex-wrap:wrap}
.cols>section{flex:1 1 560px}
a{color:#1f4fa8;text-decoration:none}
svg#feedgraph,svg#heatmap{max-width:100%;height:auto}
)css";

}  // namespace

HtmlExport::HtmlExport(const Matrix& m, fs::path side) : m_(m), side_path_(std::move(side)) {
  side_.open(side_path_, std::ios::binary | std::ios::trunc);
  if (!side_) throw Error(ErrorKind::Internal, "cannot write " + side_path_.string());
  const int n = m_.cell_count();
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](int i) {
    Cell c = m_.cell_at(i);
    return std::make_tuple(m_.above_appetite(c), m_.band(c).rank, c.likelihood + c.impact, c.likelihood, c.impact);
  };
  std::sort(order.begin(), order.end(), [&](int a, int b) { return key(a) < key(b); });
  severity_.assign(static_cast<size_t>(n), 0);
  for (int pos = 0; pos < n; ++pos) severity_[static_cast<size_t>(order[static_cast<size_t>(pos)])] = pos;
  for (int i = 0; i < n; ++i) below_cells_ += m_.above_appetite(m_.cell_at(i)) ? 0 : 1;
  counts_.assign(static_cast<size_t>(n), 0);
}

HtmlExport::~HtmlExport() {
  if (!written_) {
    side_.close();
    std::error_code ec;
    fs::remove(side_path_, ec);
  }
}

int HtmlExport::band_of(const std::string& score) const {
  if (score.empty()) return -1;
  auto c = m_.parse(score);
  return c ? m_.band(*c).rank : -1;
}

int HtmlExport::severity_of(const std::string& score) const {
  if (score.empty()) return -1;
  auto c = m_.parse(score);
  return c ? severity_[static_cast<size_t>(m_.index(*c))] : -1;
}

void HtmlExport::risk(const RiskRow& r) {
  flush_row();
  row_ = r;
  ++risks_;
  if (r.above_appetite) ++above_;
  if (auto c = r.current.empty() ? std::nullopt : m_.parse(r.current))
    ++counts_[static_cast<size_t>(m_.index(*c))];
  else
    ++unscored_;
  if (r.above_appetite) {
    Node n{r.id, r.title, r.current, band_of(r.current), true, severity_of(r.current), risks_};
    auto weaker = [](const Node& a, const Node& b) {  // a is less worth drawing than b
      return a.severity != b.severity ? a.severity < b.severity : a.order > b.order;
    };
    if (seeds_.size() < kFeedGraphSeeds) {
      seeds_.push_back(std::move(n));
    } else {
      auto w = std::min_element(seeds_.begin(), seeds_.end(), weaker);
      if (weaker(*w, n)) *w = std::move(n);
    }
  }
}

void HtmlExport::assessment(const AssessmentRow& a) {
  ++assessments_;
  ++history_total_;
  history_.push_back(a);
  if (history_.size() > kSparklinePoints) history_.pop_front();
}

void HtmlExport::feed(const Feed& f) {
  ++feeds_;
  auto is_seed = [&](const std::string& id) {
    return std::any_of(seeds_.begin(), seeds_.end(), [&](const Node& n) { return n.id == id; });
  };
  auto known = [&](const std::string& id) {
    return is_seed(id) || std::find(neighbours_.begin(), neighbours_.end(), id) != neighbours_.end();
  };
  bool from = is_seed(f.from), to = is_seed(f.to);
  if (!from && !to) return;
  const std::string& other = from ? f.to : f.from;
  if (known(other)) return;
  if (seeds_.size() + neighbours_.size() < kFeedGraphNodes)
    neighbours_.push_back(other);
  else
    nodes_full_ = true;
}

void HtmlExport::sparkline(std::ostream& o) {
  const double w = 132, h = 40, pad = 4;
  const int cells = m_.cell_count();
  auto y_of = [&](double pos) { return pad + (h - 2 * pad) * (1.0 - (cells > 1 ? pos / (cells - 1) : 0.5)); };
  std::vector<const AssessmentRow*> on;
  for (const auto& a : history_)
    if (m_.cell(a.score)) on.push_back(&a);
  if (on.empty()) {
    o << "<span class=\"none\">no history</span>";
    return;
  }
  const double step = on.size() > 1 ? (w - 2 * pad) / static_cast<double>(on.size() - 1) : 0;
  std::string title =
      row_->id + ": " + std::to_string(history_total_) + (history_total_ == 1 ? " assessment" : " assessments");
  if (history_total_ > static_cast<int64_t>(history_.size()))
    title += " (the latest " + std::to_string(history_.size()) + " drawn)";
  size_t first_listed = on.size() > 6 ? on.size() - 6 : 0;
  for (size_t i = first_listed; i < on.size(); ++i)
    title += "\n" + on[i]->at.substr(0, 10) + " " + score_text(m_, on[i]->score) + " by " + on[i]->by +
             (on[i]->reason.empty() ? "" : ": " + on[i]->reason);
  o << "<svg class=\"spark\" width=\"" << w << "\" height=\"" << h << "\" viewBox=\"0 0 " << w << ' ' << h
    << "\" role=\"img\"><title>" << html_escape(title) << "</title>";
  o << "<rect x=\"0\" y=\"0\" width=\"" << w << "\" height=\"" << h << "\" fill=\"#fafafa\" stroke=\"#e3e5e8\"/>";
  if (below_cells_ > 0 && below_cells_ < cells) {
    double ty = y_of(below_cells_ - 0.5);
    o << "<rect x=\"0\" y=\"0\" width=\"" << w << "\" height=\"" << fmt(ty)
      << "\" fill=\"#b00020\" fill-opacity=\"0.07\"/>"
      << "<line class=\"appetite\" x1=\"0\" x2=\"" << w << "\" y1=\"" << fmt(ty) << "\" y2=\"" << fmt(ty)
      << "\" stroke=\"#b00020\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>";
  }
  std::string points;
  std::string dots;
  for (size_t i = 0; i < on.size(); ++i) {
    Cell c = *m_.cell(on[i]->score);
    double x = pad + step * static_cast<double>(i) + (on.size() == 1 ? (w - 2 * pad) / 2 : 0);
    double y = y_of(severity_[static_cast<size_t>(m_.index(c))]);
    points += (i ? " " : "") + fmt(x) + "," + fmt(y);
    bool last = i + 1 == on.size();
    dots += "<circle cx=\"" + fmt(x) + "\" cy=\"" + fmt(y) + "\" r=\"" + (last ? "3.5" : "2") + "\" class=\"bf" +
            std::to_string(m_.band(c).rank) + "\" stroke=\"#333\" stroke-width=\"" + (last ? "1" : "0.5") + "\"/>";
  }
  if (on.size() > 1) o << "<polyline points=\"" << points << "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"/>";
  o << dots << "</svg>";
}

void HtmlExport::flush_row() {
  if (!row_) return;
  const RiskRow& r = *row_;
  auto& o = side_;
  auto list = [&](const std::vector<std::string>& v) {
    if (v.empty()) {
      o << "<span class=\"none\">&#8212;</span>";
      return;
    }
    o << "<ul>";
    for (const auto& s : v) o << "<li>" << html_escape(s) << "</li>";
    o << "</ul>";
  };
  auto score = [&](const std::string& s) {
    if (s.empty())
      o << "<span class=\"none\">&#8212;</span>";
    else
      o << html_escape(s);
  };
  o << "<tr id=\"" << html_escape(r.id) << "\"" << (r.above_appetite ? " class=\"r-above\"" : "")
    << "><td class=\"score\">" << html_escape(r.id) << "</td><td>" << html_escape(r.title) << "</td><td>";
  if (r.owner.empty())
    o << "<span class=\"none\">none</span>";
  else
    o << html_escape(r.owner);
  o << "</td><td class=\"score\">";
  score(r.current);
  o << "</td><td class=\"score\">";
  score(r.target);
  o << "</td><td>";
  int b = band_of(r.current);
  if (b >= 0)
    o << "<span class=\"band b" << b << "\">" << html_escape(m_.bands[static_cast<size_t>(b)].label) << "</span>";
  else
    o << html_escape(r.band);
  o << "</td><td>" << (r.above_appetite ? "<span class=\"above\">Above</span>" : "no") << "</td><td>";
  for (const auto& f : r.flags) o << "<span class=\"flag\">" << html_escape(f) << "</span>";
  o << "</td><td>";
  list(r.controls);
  o << "</td><td>";
  if (r.priorities.empty() && r.actions.empty()) o << "<span class=\"none\">none</span>";
  auto inline_list = [&](const std::vector<std::string>& v) {
    for (size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << html_escape(v[i]);
  };
  if (!r.priorities.empty()) {
    o << "<div>";
    inline_list(r.priorities);
    o << "</div>";
  }
  if (!r.actions.empty()) {
    o << "<div class=\"note\">actions: ";
    inline_list(r.actions);
    o << "</div>";
  }
  o << "</td><td>";
  if (r.feeds_to.empty()) o << "<span class=\"none\">&#8212;</span>";
  for (size_t i = 0; i < r.feeds_to.size(); ++i)
    o << (i ? ", " : "") << "<a href=\"#" << html_escape(r.feeds_to[i]) << "\">" << html_escape(r.feeds_to[i])
      << "</a>";
  o << "</td><td>";
  sparkline(o);
  o << "</td></tr>\n";
  row_.reset();
  history_.clear();
  history_total_ = 0;
  if (!o) throw Error(ErrorKind::Internal, "cannot write " + side_path_.string() + " (disk full?)");
}

void HtmlExport::heat_map(std::ostream& o) const {
  const int L = m_.likelihood.size(), I = m_.impact.size();
  const double cw = 112, ch = 64, left = 190, top = 16;
  const double W = left + cw * I + 16, H = top + ch * L + 70;
  o << "<svg id=\"heatmap\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W << ' ' << H
    << "\" role=\"img\" font-family=\"system-ui,sans-serif\"><title>" << html_escape(m_.name) << "</title>";
  auto cell_x = [&](int ii) { return left + cw * ii; };
  auto cell_y = [&](int li) { return top + ch * (L - 1 - li); };  // the most likely at the top
  for (int li = L - 1; li >= 0; --li) {
    const auto& lv = m_.likelihood.levels[static_cast<size_t>(li)];
    o << "<text x=\"" << left - 10 << "\" y=\"" << fmt(cell_y(li) + ch / 2 + 5)
      << "\" text-anchor=\"end\" font-size=\"14\">" << html_escape(lv.heading) << "</text>";
    for (int ii = 0; ii < I; ++ii) {
      Cell c{li, ii};
      const Band& band = m_.band(c);
      int64_t n = counts_[static_cast<size_t>(m_.index(c))];
      double x = cell_x(ii), y = cell_y(li);
      o << "<g class=\"cell\"><title>"
        << html_escape(m_.format(c) + ": " + band.label + (m_.above_appetite(c) ? ", above appetite" : "") + ", " +
                       std::to_string(n) + (n == 1 ? " risk" : " risks"))
        << "</title><rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << cw << "\" height=\"" << ch << "\" class=\"bf"
        << band.rank << "\" stroke=\"#fff\" stroke-width=\"2\"/>"
        << "<text x=\"" << x + 6 << "\" y=\"" << y + 16 << "\" font-size=\"12\" fill=\"" << ink_on(band.colour)
        << "\" opacity=\"0.85\">" << html_escape(m_.format(c)) << "</text>";
      if (n > 0)
        o << "<text class=\"count\" x=\"" << x + cw / 2 << "\" y=\"" << y + ch / 2 + 10
          << "\" text-anchor=\"middle\" font-size=\"28\" font-weight=\"700\" fill=\"" << ink_on(band.colour) << "\">"
          << n << "</text>";
      o << "</g>";
    }
  }
  for (int ii = 0; ii < I; ++ii)
    o << "<text x=\"" << cell_x(ii) + cw / 2 << "\" y=\"" << top + ch * L + 20
      << "\" text-anchor=\"middle\" font-size=\"14\">" << html_escape(m_.impact.levels[static_cast<size_t>(ii)].heading)
      << "</text>";
  o << "<text x=\"" << left + cw * I / 2 << "\" y=\"" << top + ch * L + 48
    << "\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"700\">" << html_escape(m_.impact.name)
    << " &#8594;</text>";
  o << "<text x=\"16\" y=\"" << top + ch * L / 2 << "\" font-size=\"15\" font-weight=\"700\" transform=\"rotate(-90 16 "
    << top + ch * L / 2 << ")\" text-anchor=\"middle\">" << html_escape(m_.likelihood.name) << " &#8594;</text>";
  // The appetite line: every edge shared by a cell above it and a cell at or below it.
  std::string path;
  for (int li = 0; li < L; ++li)
    for (int ii = 0; ii < I; ++ii) {
      bool a = m_.above_appetite({li, ii});
      if (ii + 1 < I && a != m_.above_appetite({li, ii + 1})) {
        double x = cell_x(ii + 1);
        path += "M" + fmt(x) + " " + fmt(cell_y(li)) + "V" + fmt(cell_y(li) + ch);
      }
      if (li + 1 < L && a != m_.above_appetite({li + 1, ii})) {
        double y = cell_y(li);  // the top edge of (li, ii) is the bottom edge of the row above
        path += "M" + fmt(cell_x(ii)) + " " + fmt(y) + "H" + fmt(cell_x(ii) + cw);
      }
    }
  if (!path.empty())
    o << "<path d=\"" << path << "\" stroke=\"#fff\" stroke-width=\"9\" stroke-linecap=\"square\" fill=\"none\"/>"
      << "<path id=\"appetite-line\" d=\"" << path
      << "\" stroke=\"#111\" stroke-width=\"5\" stroke-linecap=\"square\" fill=\"none\"/>";
  o << "</svg>\n<div class=\"legend\">";
  for (auto it = m_.bands.rbegin(); it != m_.bands.rend(); ++it)
    o << "<span><span class=\"swatch bg" << it->rank << "\"></span>" << html_escape(it->label) << "</span>";
  o << "<span><svg width=\"34\" height=\"10\"><line x1=\"2\" y1=\"5\" x2=\"32\" y2=\"5\" stroke=\"#111\" "
       "stroke-width=\"5\"/></svg> appetite line: cells on its severe side are above appetite ("
    << html_escape(m_.appetite_description) << ")</span></div>\n";
}

void HtmlExport::feed_graph(std::ostream& o, Store& store, const std::optional<std::string>& as_of) {
  std::vector<Node> nodes = seeds_;
  // The neighbours' scores then: their latest assessment by the as-of time.
  for (const auto& id : neighbours_) {
    Node n;
    n.id = id;
    if (auto s = store.risk_state(id)) n.title = s->title;
    for (const auto& a : store.history(id))
      if (!as_of || a.at <= *as_of) n.current = score_text(m_, a.score);
    n.band = band_of(n.current);
    if (auto c = n.current.empty() ? std::nullopt : m_.parse(n.current)) n.above = m_.above_appetite(*c);
    nodes.push_back(std::move(n));
  }
  std::sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) { return id_less(a.id, b.id); });
  std::unordered_map<std::string, size_t> at;
  for (size_t i = 0; i < nodes.size(); ++i) at[nodes[i].id] = i;
  std::vector<Edge> edges;
  int64_t between = 0;
  if (!nodes.empty())
    store.for_each_feed([&](const Feed& f) {
      if (!at.count(f.from) || !at.count(f.to)) return;
      ++between;
      if (edges.size() < kFeedGraphEdges) edges.push_back({f.from, f.to, f.basis});
    });

  o << "<p class=\"note\" id=\"graph-note\">";
  if (nodes.empty()) {
    o << "No risk is above the appetite line, so there is no feed graph to draw.</p>\n";
    return;
  }
  o << "Risks above the appetite line (the " << kFeedGraphSeeds
    << " most severe at most) and the risks feeding or fed by "
    << "them, up to " << kFeedGraphNodes << " risks and " << kFeedGraphEdges << " links. Drawn: " << nodes.size()
    << (nodes.size() == 1 ? " risk" : " risks") << " and " << edges.size() << " of the register's " << feeds_
    << " feed links.";
  std::vector<std::string> left_out;
  const auto seeds = static_cast<int64_t>(seeds_.size());
  if (above_ > seeds) left_out.push_back(std::to_string(above_ - seeds) + " less severe above-appetite risks");
  if (nodes_full_) left_out.push_back("some risks linked to the drawn ones");
  if (between > static_cast<int64_t>(edges.size()))
    left_out.push_back(std::to_string(between - static_cast<int64_t>(edges.size())) + " links among the drawn risks");
  if (!left_out.empty())
    o << " <strong>Left out:</strong> " << html_escape(join(left_out, "; "))
      << " (every risk's links are in the table's Feeds to column).";
  o << "</p>\n";

  const double n = static_cast<double>(nodes.size());
  size_t longest = 0;
  for (const auto& nd : nodes) longest = std::max(longest, nd.id.size());
  const double font = longest > 3 ? 11 : 13, node_r = std::max(19.0, 0.34 * font * static_cast<double>(longest) + 6);
  const double R = std::max(110.0, n * node_r * 2.6 / (2 * std::acos(-1.0)) * 1.2), margin = node_r + 40;
  const double size = 2 * (R + margin), cx = size / 2, cy = size / 2;
  const double pi = std::acos(-1.0);
  std::vector<std::pair<double, double>> pos;
  for (size_t i = 0; i < nodes.size(); ++i) {
    double ang = -pi / 2 + 2 * pi * static_cast<double>(i) / n;  // the first at the top, clockwise
    pos.emplace_back(nodes.size() == 1 ? cx : cx + R * std::cos(ang), nodes.size() == 1 ? cy : cy + R * std::sin(ang));
  }
  o << "<svg id=\"feedgraph\" width=\"" << size << "\" height=\"" << size << "\" viewBox=\"0 0 " << size << ' ' << size
    << "\" role=\"img\" font-family=\"system-ui,sans-serif\"><title>Feed graph</title>"
    << "<defs><marker id=\"arrow-stated\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
       "markerHeight=\"7\" "
       "orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#1f2a44\"/></marker>"
    << "<marker id=\"arrow-inferred\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
       "orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#8a8f98\"/></marker></defs>";
  for (const auto& e : edges) {
    auto [x1, y1] = pos[at[e.from]];
    auto [x2, y2] = pos[at[e.to]];
    double dx = x2 - x1, dy = y2 - y1, len = std::hypot(dx, dy);
    if (len < 1) continue;
    double ux = dx / len, uy = dy / len;
    // Bent to its right, so that A -> B and B -> A stay apart.
    double mx = (x1 + x2) / 2 - uy * len * 0.12, my = (y1 + y2) / 2 + ux * len * 0.12;
    auto towards = [&](double fx, double fy, double tx, double ty, double d) {
      double l = std::hypot(tx - fx, ty - fy);
      return std::make_pair(fx + (tx - fx) * d / l, fy + (ty - fy) * d / l);
    };
    auto [sx, sy] = towards(x1, y1, mx, my, node_r + 1);
    auto [ex, ey] = towards(x2, y2, mx, my, node_r + 3);
    bool stated = e.basis == "stated";
    o << "<path class=\"feed " << (stated ? "stated" : "inferred") << "\" d=\"M" << fmt(sx) << ' ' << fmt(sy) << "Q"
      << fmt(mx) << ' ' << fmt(my) << ' ' << fmt(ex) << ' ' << fmt(ey) << "\" fill=\"none\" stroke=\""
      << (stated ? "#1f2a44\" stroke-width=\"2\"" : "#8a8f98\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\"")
      << " marker-end=\"url(#arrow-" << (stated ? "stated" : "inferred") << ")\"><title>"
      << html_escape(e.from + " feeds " + e.to + " (" + e.basis + ")") << "</title></path>";
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& nd = nodes[i];
    auto [x, y] = pos[i];
    o << "<g class=\"node\"><title>"
      << html_escape(nd.id + " " + nd.title + (nd.current.empty() ? "" : " (" + nd.current + ")"))
      << "</title><a href=\"#" << html_escape(nd.id) << "\"><circle cx=\"" << fmt(x) << "\" cy=\"" << fmt(y)
      << "\" r=\"" << node_r << "\" class=\"" << (nd.band >= 0 ? "bf" + std::to_string(nd.band) : std::string("bfx"))
      << "\" stroke=\"" << (nd.above ? "#b00020\" stroke-width=\"3.5\"" : "#333\" stroke-width=\"1\"") << "/><text x=\""
      << fmt(x) << "\" y=\"" << fmt(y + font / 3) << "\" text-anchor=\"middle\" font-size=\"" << font
      << "\" font-weight=\"700\" fill=\""
      << (nd.band >= 0 ? ink_on(m_.bands[static_cast<size_t>(nd.band)].colour) : "#111") << "\">" << html_escape(nd.id)
      << "</text></a></g>";
  }
  o << "</svg>\n<div class=\"legend\"><span><svg width=\"40\" height=\"10\"><line x1=\"2\" y1=\"5\" x2=\"38\" y2=\"5\" "
       "stroke=\"#1f2a44\" stroke-width=\"2\"/></svg> stated in the plan</span><span><svg width=\"40\" "
       "height=\"10\"><line "
       "x1=\"2\" y1=\"5\" x2=\"38\" y2=\"5\" stroke=\"#8a8f98\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\"/></svg> "
       "inferred</span><span><svg width=\"18\" height=\"18\"><circle cx=\"9\" cy=\"9\" r=\"7\" fill=\"#fff\" "
       "stroke=\"#b00020\" stroke-width=\"3\"/></svg> above appetite</span><span>arrow: from the risk that feeds to "
       "the "
       "risk it feeds; fill: band</span></div>\n";
}

void HtmlExport::write(std::ostream& out, Store& store, const std::optional<std::string>& as_of,
                       const std::string& exported_at, const json& manifest) {
  flush_row();
  side_.close();
  if (!side_) throw Error(ErrorKind::Internal, "cannot write " + side_path_.string() + " (disk full?)");

  auto str = [&](const char* k) {
    return manifest.contains(k) && manifest[k].is_string() ? manifest[k].get<std::string>() : std::string();
  };
  const std::string name = str("register");
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"riskreg " << html_escape(str("riskreg_version")) << "\">\n"
      << "<title>" << html_escape(name) << " &#8212; risk register</title>\n<style>" << kStyle;
  for (const auto& b : m_.bands)
    out << ".b" << b.rank << "{background:" << css_colour(b.colour) << ";color:" << ink_on(b.colour) << "}.bg" << b.rank
        << "{background:" << css_colour(b.colour) << "}.bf" << b.rank << "{fill:" << css_colour(b.colour) << "}";
  out << ".bfx{fill:#ddd}</style>\n</head>\n<body>\n<header>\n<h1>" << html_escape(name)
      << "</h1>\n<div class=\"asof\">";
  if (as_of)
    out << "As of <time>" << html_escape(*as_of) << "</time>, rebuilt from the history";
  else
    out << "Current register"
        << (exported_at.empty() ? "" : ", exported <time>" + html_escape(exported_at) + "</time>");
  out << "</div>\n";
  out << "<table class=\"manifest\" id=\"manifest\">\n";
  auto row = [&](const std::string& k, const std::string& v_html) {
    out << "<tr><td>" << html_escape(k) << "</td><td>" << v_html << "</td></tr>\n";
  };
  row("riskreg version", html_escape(str("riskreg_version")));
  row("register", html_escape(name));
  row("matrix", html_escape(str("matrix")));
  if (manifest.contains("rules")) {
    std::string rules = "<ul>";
    for (const auto& f : manifest["rules"])
      rules += "<li>" + html_escape(f.value("name", "")) + " <code>sha256:" + html_escape(f.value("sha256", "")) +
               "</code></li>";
    row("rules files", rules + "</ul>");
  }
  row("as of", as_of ? html_escape(*as_of) : std::string("current (not rebuilt from the history)"));
  if (manifest.contains("rows")) {
    const auto& r = manifest["rows"];
    row("rows", std::to_string(r.value("risks", 0)) + " risks, " + std::to_string(r.value("assessments", 0)) +
                    " assessments, " + std::to_string(r.value("feeds", 0)) + " feed links");
  }
  row("audit chain head", "<code>" + html_escape(str("audit_head")) + "</code>");
  if (manifest.contains("audit_head_as_of"))
    row("audit chain head as of then", "<code>" + html_escape(str("audit_head_as_of")) + "</code>");
  out << "</table>\n<p class=\"note\">The manifest: check the chain with <code>riskreg audit verify</code>; its head "
         "must match.</p>\n";
  out << "</header>\n<main>\n";

  out << "<div class=\"summary\"><div class=\"stat\"><b>" << risks_ << "</b>" << (risks_ == 1 ? "risk" : "risks")
      << "</div><div class=\"stat\"><b class=\"above\">" << above_ << "</b>above appetite</div><div class=\"stat\"><b>"
      << assessments_ << "</b>" << (assessments_ == 1 ? "assessment" : "assessments") << "</div><div class=\"stat\"><b>"
      << feeds_ << "</b>feed links</div></div>\n";

  out << "<div class=\"cols\">\n<section id=\"heat-map\"><h2>Heat map</h2>\n";
  heat_map(out);
  if (unscored_ > 0)
    out << "<p class=\"note\">" << unscored_ << " risks have no score on this matrix and are not plotted.</p>\n";
  out << "</section>\n<section id=\"feed-graph\"><h2>Feed graph</h2>\n";
  feed_graph(out, store, as_of);
  out << "</section>\n</div>\n";

  out << "<section id=\"register\"><h2>Register</h2>\n<p class=\"note\">Trend: each risk's assessments"
      << " (the latest " << kSparklinePoints
      << " at most), oldest on the left, higher is more severe; the dashed red line"
      << " is the appetite line, the shaded part above it. Hover for dates, scores and "
         "reasons.</p>\n<table>\n<thead><tr>"
      << "<th>Id</th><th>Title</th><th>Owner</th><th>Current</th><th>Target</th><th>Band</th><th>Appetite</th>"
      << "<th>Flags</th><th>Controls</th><th>Priorities and actions</th><th>Feeds "
         "to</th><th>Trend</th></tr></thead>\n<tbody>\n";
  {
    std::ifstream in(side_path_, std::ios::binary);
    if (!in) throw Error(ErrorKind::Internal, "cannot read " + side_path_.string());
    if (risks_ > 0) out << in.rdbuf();
  }
  std::error_code ec;
  fs::remove(side_path_, ec);
  written_ = true;
  out << "</tbody>\n</table>\n</section>\n";
  write_mitigation_section(out, store, m_, as_of);

  out << "</main>\n</body>\n</html>\n";
}

}  // namespace riskreg::exporting
