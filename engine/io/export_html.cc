#include "io/export_html.h"
#include "io/html_mitigation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/text.h"
#include "graph/dot_layout.h"

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

/// A band in the legend: its name, as every row writes it, and its label when that says
/// something else ("very-high (Very high)").
std::string band_key(const Band& b) {
  return b.label.empty() || b.label == b.name ? b.name : b.name + " (" + b.label + ")";
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
tr.r-closed td{color:#777}
.status-closed{display:inline-block;background:#eef0f3;border:1px solid #c5c9d0;border-radius:4px;padding:0 4px;font-size:11px;font-weight:600;color:#444;text-transform:uppercase}
.legend{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin-top:8px;font-size:13px}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:middle;margin-right:4px;border:1px solid rgba(0,0,0,.2)}
.cols{display:flex;gap:24px;flex-wrap:wrap}
.cols>section{flex:1 1 560px}
a{color:#1f4fa8;text-decoration:none}
svg#feedgraph,svg#heatmap{max-width:100%;height:auto}
.flag.sev-critical{background:#fde0e3;border-color:#b00020;color:#8a0019}
.flag.sev-warning{background:#fff3cd;border-color:#e0c36a;color:#6b4e00}
.flag.sev-info{background:#eef0f3;border-color:#c5c9d0;color:#444;font-weight:400}
details summary{cursor:pointer;color:#1f4fa8;font-size:12px}
table.hist{font-size:12px;margin-top:4px}
table.hist th,table.hist td{padding:2px 6px}
table.hist td:first-child{white-space:nowrap}
table.hist th{position:static}
.tools{margin:0 0 10px;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.tools[hidden]{display:none}
.tools input,.tools select{font:inherit;padding:3px 6px}
th.sortable{cursor:pointer}
th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}
@page{size:A4;margin:12mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{background:#fff;font-size:9px}
header{background:none;color:#000;padding:0 0 4px}
header h1{font-size:16px}
header .asof{font-size:11px;margin-bottom:4px}
header table.manifest{font-size:8px}
header table.manifest td{border-bottom:1px solid #ccc;padding:1px 8px 1px 0}
header code,header .note{color:#000}
main{padding:0;max-width:none}
section{box-shadow:none;border-radius:0;padding:0;margin:0 0 6px}
h2{font-size:13px;margin:4px 0}
.summary,.tools{display:none}
.cols{display:block}
svg#heatmap{width:118mm;height:auto}
.legend{font-size:8px;margin-top:2px}
#feed-graph,#register{break-before:page}
svg#feedgraph{max-height:230mm}
tr,svg,.stat{break-inside:avoid}
thead{display:table-header-group}
th{position:static}
th,td{padding:2px 4px}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none;color:#000}
a{color:inherit}
}
)css";

/// Sorting and filtering for the register table, also from the page address's query (a link to
/// a view). Without it the page is complete: the controls stay hidden and the rows stay in id order.
const char* kScript = R"js(
(function(){
var t=document.getElementById('register-table');if(!t)return;
var tb=t.tBodies[0],ths=t.tHead.rows[0].cells,tools=document.getElementById('table-tools');
var q=document.getElementById('filter-text'),col=document.getElementById('filter-column'),cnt=document.getElementById('filter-count');
tools.hidden=false;
function cell(r,i){return r.cells[i]?r.cells[i].textContent:''}
function apply(){var v=q.value.toLowerCase(),c=+col.value,n=0;
for(var r of tb.rows){var on=(c<0?r.textContent:cell(r,c)).toLowerCase().indexOf(v)>=0;r.hidden=!on;if(on)n++}
cnt.textContent=n+' of '+tb.rows.length+' risks shown'}
q.addEventListener('input',apply);col.addEventListener('change',apply);
var coll=new Intl.Collator(undefined,{numeric:true,sensitivity:'base'}),dir={};
function key(r,i){var c=r.cells[i];if(!c)return '';var k=c.getAttribute('data-sort');return k!==null?k:c.textContent.trim()}
function num(x){return /^-?[0-9]+(\.[0-9]+)?$/.test(x)}
function sortBy(i){var d=dir[i]=dir[i]===1?-1:1;var rows=Array.prototype.slice.call(tb.rows);
rows.sort(function(a,b){var x=key(a,i),y=key(b,i);return d*(num(x)&&num(y)?x-y:coll.compare(x,y))});
rows.forEach(function(r){tb.appendChild(r)});
for(var j=0;j<ths.length;j++)ths[j].setAttribute('aria-sort',j===i?(d>0?'ascending':'descending'):'none')}
for(var i=0;i<ths.length;i++){(function(i){var h=ths[i];h.classList.add('sortable');h.tabIndex=0;h.title='Sort by this column';
h.addEventListener('click',function(){sortBy(i)});
h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sortBy(i)}})})(i)}
// A link can carry a view: ?sort=COLUMN[&desc=1]&q=TEXT[&col=COLUMN] (columns counted from 0).
var u=new URLSearchParams(location.search);
if(u.has('q'))q.value=u.get('q');if(u.has('col'))col.value=u.get('col');
if(u.has('sort')){var k=+u.get('sort');if(k>=0&&k<ths.length){if(u.get('desc')==='1')dir[k]=1;sortBy(k)}}
apply();
})();
)js";

}  // namespace

HtmlExport::HtmlExport(const Matrix& m, fs::path side, const std::string& reference_time)
    : m_(m), side_path_(std::move(side)) {
  if (reference_time.size() >= 7) period_start_ = reference_time.substr(0, 7) + "-01T00:00:00Z";
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
  ids_.resize(static_cast<size_t>(n));
  targets_.assign(static_cast<size_t>(n), 0);
  target_ids_.resize(static_cast<size_t>(n));
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
  // A closed risk (riskreg close) stays in the register table, marked closed, but is no live
  // risk: off the heat map, the above-appetite table and the feed graph.
  if (r.status == "closed") {
    ++closed_;
    closed_ids_.insert(r.id);
    return;
  }
  if (r.above_appetite) ++above_;
  // Cell indexes, -1 when unscored or off the matrix (ints: GCC 12 misreads optionals here).
  auto index_of = [&](const std::string& score) {
    if (score.empty()) return -1;
    auto c = m_.parse(score);
    return c ? m_.index(*c) : -1;
  };
  const int current = index_of(r.current), target = index_of(r.target);
  if (current >= 0) {
    const auto at = static_cast<size_t>(current);
    ++counts_[at];
    // A tolerated risk (riskreg respond) is marked: accepted above the line, not neglected.
    if (ids_[at].size() < kCellIds) ids_[at].push_back(r.response == "tolerate" ? r.id + "*" : r.id);
    if (r.response == "tolerate") ++tolerated_;
  } else {
    ++unscored_;
  }
  if (target >= 0) {
    const auto at = static_cast<size_t>(target);
    ++targets_[at];
    if (target_ids_[at].size() < kCellIds) target_ids_[at].push_back(r.id);
    if (current >= 0 && current != target) {
      Move& mv = to_target_[{current, target}];
      ++mv.n;
      if (mv.ids.size() < kCellIds) mv.ids.push_back(r.id);
    }
  }
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
  if (known(other) || closed_ids_.count(other)) return;  // a closed risk is not drawn
  if (seeds_.size() + neighbours_.size() < kFeedGraphNodes)
    neighbours_.push_back(other);
  else
    nodes_full_ = true;
}

void HtmlExport::sparkline(std::ostream& o) {
  // Points placed by date along a time axis, the first and last dates written under it.
  const double w = 168, plot_h = 38, h = 54, pad = 5;
  const int cells = m_.cell_count();
  auto y_of = [&](double pos) { return pad + (plot_h - 2 * pad) * (1.0 - (cells > 1 ? pos / (cells - 1) : 0.5)); };
  std::vector<const AssessmentRow*> on;
  for (const auto& a : history_)
    if (m_.cell(a.score)) on.push_back(&a);
  if (on.empty()) {
    o << "<span class=\"none\">no history</span>";
    return;
  }
  auto seconds = [](const std::string& at) -> double {
    auto t = parse_timestamp(at);
    return t ? static_cast<double>(t->time_since_epoch().count()) : 0.0;
  };
  const double t0 = seconds(on.front()->at), t1 = seconds(on.back()->at);
  auto x_of = [&](const AssessmentRow& a) {
    if (t1 <= t0) return on.size() == 1 ? w / 2 : pad;
    return pad + (w - 2 * pad) * (seconds(a.at) - t0) / (t1 - t0);
  };
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
  o << "<rect x=\"0\" y=\"0\" width=\"" << w << "\" height=\"" << plot_h << "\" fill=\"#fafafa\" stroke=\"#e3e5e8\"/>";
  if (below_cells_ > 0 && below_cells_ < cells) {
    double ty = y_of(below_cells_ - 0.5);
    o << "<rect x=\"0\" y=\"0\" width=\"" << w << "\" height=\"" << fmt(ty)
      << "\" fill=\"#b00020\" fill-opacity=\"0.07\"/>"
      << "<line class=\"appetite\" x1=\"0\" x2=\"" << w << "\" y1=\"" << fmt(ty) << "\" y2=\"" << fmt(ty)
      << "\" stroke=\"#b00020\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>";
  }
  // The time axis, with a tick at each point.
  o << "<g class=\"axis\"><line x1=\"" << pad << "\" x2=\"" << w - pad << "\" y1=\"" << plot_h + 1 << "\" y2=\""
    << plot_h + 1 << "\" stroke=\"#888\" stroke-width=\"1\"/>";
  for (const auto* a : on)
    o << "<line x1=\"" << fmt(x_of(*a)) << "\" x2=\"" << fmt(x_of(*a)) << "\" y1=\"" << plot_h + 1 << "\" y2=\""
      << plot_h + 4 << "\" stroke=\"#888\" stroke-width=\"1\"/>";
  const std::string first = on.front()->at.substr(0, 10), last = on.back()->at.substr(0, 10);
  if (first == last) {
    o << "<text class=\"date\" x=\"" << w / 2 << "\" y=\"" << h - 2 << "\" text-anchor=\"middle\" font-size=\"9\">"
      << html_escape(first) << "</text>";
  } else {
    o << "<text class=\"date\" x=\"" << pad << "\" y=\"" << h - 2 << "\" text-anchor=\"start\" font-size=\"9\">"
      << html_escape(first) << "</text><text class=\"date\" x=\"" << w - pad << "\" y=\"" << h - 2
      << "\" text-anchor=\"end\" font-size=\"9\">" << html_escape(last) << "</text>";
  }
  o << "</g>";
  std::string points;
  std::string dots;
  for (size_t i = 0; i < on.size(); ++i) {
    Cell c = *m_.cell(on[i]->score);
    double x = x_of(*on[i]);
    double y = y_of(severity_[static_cast<size_t>(m_.index(c))]);
    points += (i ? " " : "") + fmt(x) + "," + fmt(y);
    bool last_point = i + 1 == on.size();
    dots += "<circle cx=\"" + fmt(x) + "\" cy=\"" + fmt(y) + "\" r=\"" + (last_point ? "3.5" : "2") + "\" class=\"bf" +
            std::to_string(m_.band(c).rank) + "\" stroke=\"#333\" stroke-width=\"" + (last_point ? "1" : "0.5") +
            "\"/>";
  }
  if (on.size() > 1) o << "<polyline points=\"" << points << "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"/>";
  o << dots << "</svg>";
}

void HtmlExport::history_table(std::ostream& o) const {
  if (history_.empty()) return;
  o << "<details class=\"hist\"><summary>History (" << history_total_ << ")</summary><table class=\"hist\">"
    << "<thead><tr><th>Date</th><th>Who</th><th>Score</th><th>Reason</th></tr></thead><tbody>";
  // Newest first: what a reader asks for first.
  for (auto it = history_.rbegin(); it != history_.rend(); ++it)
    o << "<tr><td>" << html_escape(it->at.substr(0, 10)) << "</td><td>" << html_escape(it->by)
      << "</td><td class=\"score\">" << html_escape(score_text(m_, it->score)) << "</td><td>" << html_escape(it->reason)
      << "</td></tr>";
  o << "</tbody></table>";
  if (history_total_ > static_cast<int64_t>(history_.size()))
    o << "<p class=\"note\">The latest " << history_.size() << " of " << history_total_
      << "; the whole history is in the CSV and JSON exports.</p>";
  o << "</details>";
}

std::string HtmlExport::flag_html(const RiskRow& r) const {
  std::string out;
  for (size_t i = 0; i < r.flags.size(); ++i) {
    const auto sev = i < r.flag_severities.size() ? r.flag_severities[i] : rules::Severity::Warning;
    const char* name = rules::severity_name(sev);
    out += std::string("<span class=\"flag sev-") + name + "\" title=\"" + name + "\">" + html_escape(r.flags[i]) +
           "</span>";
  }
  return out;
}

void HtmlExport::flush_row() {
  if (!row_) return;
  const RiskRow& r = *row_;
  auto& o = side_;
  auto items = [&](std::ostream& to, const std::vector<std::string>& v, size_t from, size_t end) {
    to << "<ul>";
    for (size_t i = from; i < end; ++i) to << "<li>" << html_escape(v[i]) << "</li>";
    to << "</ul>";
  };
  // Past kControlsShown items, the rest fold under "N more" (open without a script; open in print).
  auto list = [&](const std::vector<std::string>& v) {
    if (v.empty()) {
      o << "<span class=\"none\">&#8212;</span>";
      return;
    }
    items(o, v, 0, std::min(v.size(), kControlsShown));
    if (v.size() > kControlsShown) {
      o << "<details class=\"more\"><summary>" << v.size() - kControlsShown << " more</summary>";
      items(o, v, kControlsShown, v.size());
      o << "</details>";
    }
  };
  auto score = [&](std::ostream& to, const std::string& s) {
    if (s.empty())
      to << "<span class=\"none\">&#8212;</span>";
    else
      to << html_escape(s);
  };
  const bool closed = r.status == "closed";
  // The last period's cell: the latest assessment before the period began, if it differs.
  if (!period_start_.empty() && !closed) {
    const AssessmentRow* before = nullptr;
    for (const auto& a : history_)
      if (a.at < period_start_) before = &a;
    int now_cell = -1, then_cell = -1;
    if (!r.current.empty())
      if (auto c = m_.parse(r.current)) now_cell = m_.index(*c);
    if (before)
      if (auto c = m_.cell(before->score)) then_cell = m_.index(*c);
    if (now_cell >= 0 && then_cell >= 0 && now_cell != then_cell) {
      Move& mv = from_previous_[{then_cell, now_cell}];
      ++mv.n;
      if (mv.ids.size() < kCellIds) mv.ids.push_back(r.id);
    }
  }
  const int sev = severity_of(r.current), target_sev = severity_of(r.target);
  const std::string id = html_escape(r.id);
  if (r.above_appetite && !closed) {
    std::ostringstream a;
    a << "<tr class=\"r-above\"><td class=\"score\"><a href=\"#" << id << "\">" << id << "</a></td><td>"
      << html_escape(r.title) << "</td><td>"
      << (r.owner.empty() ? "<span class=\"none\">none</span>" : html_escape(r.owner)) << "</td><td class=\"score\">";
    score(a, r.current);
    a << "</td><td class=\"score\">";
    score(a, r.target);
    a << "</td><td>" << flag_html(r) << "</td></tr>\n";
    DecisionRow d{sev, risks_, r.id, r.current, r.response, r.response_terms, r.response_until};
    if (decision_rows_.size() < kAboveTable) {
      decision_rows_.push_back(std::move(d));
    } else {
      auto w = std::min_element(decision_rows_.begin(), decision_rows_.end(), [](const auto& x, const auto& y) {
        return x.severity != y.severity ? x.severity < y.severity : x.order > y.order;
      });
      if (w->severity < d.severity || (w->severity == d.severity && w->order > d.order)) *w = std::move(d);
    }
    AboveRow row{sev, risks_, a.str()};
    auto weaker = [](const AboveRow& x, const AboveRow& y) {
      return x.severity != y.severity ? x.severity < y.severity : x.order > y.order;
    };
    if (above_rows_.size() < kAboveTable) {
      above_rows_.push_back(std::move(row));
    } else {
      auto w = std::min_element(above_rows_.begin(), above_rows_.end(), weaker);
      if (weaker(*w, row)) *w = std::move(row);
    }
  }
  o << "<tr id=\"" << id << "\""
    << (closed             ? " class=\"r-closed\""
        : r.above_appetite ? " class=\"r-above\""
                           : "")
    << "><td class=\"score\">" << id << "</td><td>" << html_escape(r.title)
    << (closed ? " <span class=\"status-closed\">closed</span>" : "") << "</td><td>";
  if (r.owner.empty())
    o << "<span class=\"none\">none</span>";
  else
    o << html_escape(r.owner);
  o << "</td><td class=\"score\" data-sort=\"" << sev << "\">";
  score(o, r.current);
  o << "</td><td class=\"score\" data-sort=\"" << target_sev << "\">";
  score(o, r.target);
  int b = band_of(r.current);
  o << "</td><td data-sort=\"" << b << "\">";
  if (b >= 0)
    o << "<span class=\"band b" << b << "\">" << html_escape(m_.bands[static_cast<size_t>(b)].name) << "</span>";
  else
    o << html_escape(r.band);
  o << "</td><td>"
    << (closed             ? "<span class=\"status-closed\">closed</span>"
        : r.above_appetite ? "<span class=\"above\">Above</span>"
                           : "no")
    << "</td><td>";
  o << flag_html(r);
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
  o << "</td><td data-sort=\"" << history_total_ << "\">";
  sparkline(o);
  history_table(o);
  o << "</td></tr>\n";
  row_.reset();
  history_.clear();
  history_total_ = 0;
  if (!o) throw Error(ErrorKind::Internal, "cannot write " + side_path_.string() + " (disk full?)");
}

void HtmlExport::above_table(std::ostream& o) const {
  if (above_ == 0) {
    o << "<p class=\"note\">No risk is above the appetite line.</p>\n";
    return;
  }
  std::vector<const AboveRow*> rows;
  for (const auto& r : above_rows_) rows.push_back(&r);
  std::sort(rows.begin(), rows.end(), [](const AboveRow* a, const AboveRow* b) {
    return a->severity != b->severity ? a->severity > b->severity : a->order < b->order;
  });
  o << "<table class=\"above-table\"><thead><tr><th>Id</th><th>Title</th><th>Owner</th><th>Current</th>"
    << "<th>Target</th><th>Flags</th></tr></thead><tbody>\n";
  for (const auto* r : rows) o << r->html;
  o << "</tbody></table>\n";
  if (above_ > static_cast<int64_t>(rows.size()))
    o << "<p class=\"note\">The " << rows.size() << " most severe of " << above_
      << " risks above appetite; every one is in the register table.</p>\n";
}

void HtmlExport::decisions_table(std::ostream& o, Store& store, const std::optional<std::string>& as_of) const {
  if (decision_rows_.empty()) return;
  std::vector<const DecisionRow*> rows;
  for (const auto& r : decision_rows_) rows.push_back(&r);
  std::sort(rows.begin(), rows.end(), [](const DecisionRow* a, const DecisionRow* b) {
    return a->severity != b->severity ? a->severity > b->severity : a->order < b->order;
  });
  o << "<h3 id=\"decisions\">Decisions above appetite</h3>\n<table class=\"decisions-table\"><thead><tr><th>Risk</th>"
    << "<th>Score</th><th>Decision</th><th>By</th><th>Since</th><th>Until</th><th>Reason</th></tr></thead><tbody>\n";
  for (const auto* r : rows) {
    const ChangeRow* last = nullptr;
    std::vector<ChangeRow> changes;
    if (!r->decision.empty()) {
      changes = store.changes(r->id);
      for (const auto& c : changes)
        if (c.field == "response" && (!as_of || c.at <= *as_of)) last = &c;
    }
    o << "<tr><td class=\"score\"><a href=\"#" << html_escape(r->id) << "\">" << html_escape(r->id)
      << "</a></td><td class=\"score\">" << html_escape(r->score) << "</td><td>"
      << (r->decision.empty()
              ? std::string("<span class=\"none\">none recorded</span>")
              : "<b>" + html_escape(r->decision) + "</b>" + (r->terms.empty() ? "" : " " + html_escape(r->terms)))
      << "</td><td>" << (last ? html_escape(last->by) : "") << "</td><td>"
      << (last ? html_escape(last->at.substr(0, 10)) : "") << "</td><td>" << html_escape(r->until) << "</td><td>"
      << (last ? html_escape(last->reason) : "") << "</td></tr>\n";
  }
  o << "</tbody></table>\n";
}

void HtmlExport::heat_map(std::ostream& o) const {
  const int L = m_.likelihood.size(), I = m_.impact.size();
  const double cw = 112, ch = 64, left = 190, top = 16;
  const double W = left + cw * I + 16, H = top + ch * L + 70;
  o << "<svg id=\"heatmap\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W << ' ' << H
    << "\" role=\"img\" font-family=\"system-ui,sans-serif\"><title>" << html_escape(m_.name) << "</title>"
    << "<defs><marker id=\"hm-arrow\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"6\" "
       "markerHeight=\"6\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#111\"/></marker></defs>";
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
      const auto& ids = ids_[static_cast<size_t>(m_.index(c))];
      std::string named = join(ids, ", ");
      if (n > static_cast<int64_t>(ids.size()))
        named += " and " + std::to_string(n - static_cast<int64_t>(ids.size())) + " more";
      o << "<g class=\"cell\"><title>"
        << html_escape(m_.format(c) + ": " + band.name + (m_.above_appetite(c) ? ", above appetite" : "") + ", " +
                       std::to_string(n) + (n == 1 ? " risk" : " risks") + (n > 0 ? ": " + named : ""))
        << "</title><rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << cw << "\" height=\"" << ch << "\" class=\"bf"
        << band.rank << "\" stroke=\"#fff\" stroke-width=\"2\"/>"
        << "<text x=\"" << x + 6 << "\" y=\"" << y + 16 << "\" font-size=\"12\" fill=\"" << ink_on(band.colour)
        << "\" opacity=\"0.85\">" << html_escape(m_.format(c)) << "</text>";
      // A few risks are named in the cell; a crowded cell gives the count, its ids in the tooltip.
      const std::string shown = join(ids, " ");
      if (n > 0 && n == static_cast<int64_t>(ids.size()) && n <= 3 && shown.size() <= 14)
        o << "<text class=\"ids\" x=\"" << x + cw / 2 << "\" y=\"" << y + ch / 2 + 8
          << "\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"700\" fill=\"" << ink_on(band.colour) << "\">"
          << html_escape(shown) << "</text>";
      else if (n > 0)
        o << "<text class=\"count\" x=\"" << x + cw / 2 << "\" y=\"" << y + ch / 2 + 10
          << "\" text-anchor=\"middle\" font-size=\"28\" font-weight=\"700\" fill=\"" << ink_on(band.colour) << "\">"
          << n << "</text>";
      if (int64_t t = targets_[static_cast<size_t>(m_.index(c))]; t > 0) {
        const auto& tids = target_ids_[static_cast<size_t>(m_.index(c))];
        std::string who = join(tids, ", ");
        if (t > static_cast<int64_t>(tids.size()))
          who += " and " + std::to_string(t - static_cast<int64_t>(tids.size())) + " more";
        o << "<circle class=\"target\" cx=\"" << x + cw - 13 << "\" cy=\"" << y + 13
          << "\" r=\"7\" fill=\"none\" stroke=\"" << ink_on(band.colour) << "\" stroke-width=\"2.5\"><title>"
          << html_escape(m_.format(c) + " is the target of " + who) << "</title></circle>";
      }
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
  // Where risks are heading (current -> target) and where they were last period (-> current).
  auto centre = [&](int idx) {
    Cell c = m_.cell_at(idx);
    return std::make_pair(cell_x(c.impact) + cw / 2, cell_y(c.likelihood) + ch / 2);
  };
  auto who = [](const Move& mv) {
    std::string s = join(mv.ids, ", ");
    if (mv.n > static_cast<int64_t>(mv.ids.size()))
      s += " and " + std::to_string(mv.n - static_cast<int64_t>(mv.ids.size())) + " more";
    return s;
  };
  auto segment = [&](int from, int to, double shift) {
    auto [x1, y1] = centre(from);
    auto [x2, y2] = centre(to);
    double dx = x2 - x1, dy = y2 - y1, len = std::hypot(dx, dy), ux = dx / len, uy = dy / len;
    // Shifted sideways so that an arrow and a trail between the same cells stay apart.
    double sx = -uy * shift, sy = ux * shift;
    return "x1=\"" + fmt(x1 + ux * 16 + sx) + "\" y1=\"" + fmt(y1 + uy * 16 + sy) + "\" x2=\"" +
           fmt(x2 - ux * 20 + sx) + "\" y2=\"" + fmt(y2 - uy * 20 + sy) + "\"";
  };
  for (const auto& [cells, mv] : from_previous_) {
    auto [px, py] = centre(cells.first);
    o << "<g class=\"from-previous\"><title>"
      << html_escape("Last period in " + m_.format(m_.cell_at(cells.first)) + ", now " +
                     m_.format(m_.cell_at(cells.second)) + ": " + who(mv))
      << "</title><line " << segment(cells.first, cells.second, -5)
      << " stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/><rect x=\"" << fmt(px - cw / 2 + 6)
      << "\" y=\"" << fmt(py + ch / 2 - 15) << "\" width=\"9\" height=\"9\" fill=\"#555\" stroke=\"#fff\"/></g>";
  }
  for (const auto& [cells, mv] : to_target_)
    o << "<g class=\"to-target\"><title>"
      << html_escape(who(mv) + ": now " + m_.format(m_.cell_at(cells.first)) + ", target " +
                     m_.format(m_.cell_at(cells.second)))
      << "</title><line " << segment(cells.first, cells.second, 5) << " stroke=\"#111\" stroke-width=\""
      << fmt(1.5 + std::min(2.5, std::log2(static_cast<double>(mv.n)))) << "\" marker-end=\"url(#hm-arrow)\"/></g>";
  o << "</svg>\n<div class=\"legend\">";
  for (auto it = m_.bands.rbegin(); it != m_.bands.rend(); ++it)
    o << "<span><span class=\"swatch bg" << it->rank << "\"></span>" << html_escape(band_key(*it)) << "</span>";
  o << "<span><svg width=\"34\" height=\"10\"><line x1=\"2\" y1=\"5\" x2=\"32\" y2=\"5\" stroke=\"#111\" "
       "stroke-width=\"5\"/></svg> appetite line: cells on its severe side are above appetite ("
    << html_escape(m_.appetite_description)
    << ")</span><span><svg width=\"18\" height=\"18\"><circle cx=\"9\" cy=\"9\" r=\"6\" fill=\"none\" "
       "stroke=\"#111\" stroke-width=\"2.5\"/></svg> a risk's target cell</span><span><svg width=\"40\" "
       "height=\"10\"><line x1=\"2\" y1=\"5\" x2=\"30\" y2=\"5\" stroke=\"#111\" stroke-width=\"2\" "
       "marker-end=\"url(#hm-arrow)\"/></svg> from the current score to the target</span><span><svg width=\"40\" "
       "height=\"10\"><rect x=\"1\" y=\"1\" width=\"8\" height=\"8\" fill=\"#555\"/><line x1=\"12\" y1=\"5\" "
       "x2=\"38\" y2=\"5\" stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/></svg> last period's "
       "cell (before "
    << html_escape(period_start_.substr(0, 10)) << "), to the current one</span></div>\n";
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

  // The graph as DOT, laid out and drawn by Graphviz (graph/dot_layout.h). Nodes are named n0,
  // n1, ... so that no risk id is ever read as DOT; ids and titles go in escaped strings.
  auto dq = [](const std::string& v) {
    std::string q = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') q += '\\';
      if (c == '\n' || c == '\r') {
        q += "\\n";
        continue;
      }
      q += c;
    }
    return q + "\"";
  };
  // Label, tooltip and href strings are also read for Graphviz's own escapes (\N, \G, ...): a
  // backslash in them is doubled first so that it stays a backslash.
  auto esc = [&](const std::string& v) {
    std::string d;
    for (char c : v) {
      if (c == '\\') d += '\\';
      d += c;
    }
    return dq(d);
  };
  auto plain_id = [](const std::string& id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
  };
  std::ostringstream dot;
  dot << "digraph feeds {\n  graph [id=\"fg\", rankdir=LR, bgcolor=\"transparent\", nodesep=0.3, ranksep=0.55, "
         "fontname=\"Helvetica\", margin=0.05];\n"
      << "  node [shape=circle, style=filled, fixedsize=true, width=0.66, fontname=\"Helvetica-Bold\", "
         "fontsize=12, color=\"#333333\", penwidth=1];\n"
      << "  edge [color=\"#1f2a44\", penwidth=2, arrowsize=0.8];\n";
  size_t longest = 0;
  for (const auto& nd : nodes) longest = std::max(longest, nd.id.size());
  if (longest > 4) dot << "  node [width=" << fmt(0.2 + 0.11 * static_cast<double>(longest)) << ", fontsize=10];\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& nd = nodes[i];
    const std::string fill = nd.band >= 0 ? css_colour(m_.bands[static_cast<size_t>(nd.band)].colour) : "#dddddd";
    dot << "  n" << i << " [label=" << esc(nd.id) << ", fillcolor=" << dq(fill) << ", fontcolor=" << dq(ink_on(fill))
        << ", class=" << dq(nd.above ? "node above" : "node")
        << ", tooltip=" << esc(nd.id + " " + nd.title + (nd.current.empty() ? "" : " (" + nd.current + ")"));
    if (plain_id(nd.id)) dot << ", href=" << dq("#" + nd.id) << ", id=" << dq("fg-" + nd.id);
    if (nd.above) dot << ", color=\"#b00020\", penwidth=3.5";
    dot << "];\n";
  }
  for (const auto& e : edges) {
    bool stated = e.basis == "stated";
    dot << "  n" << at[e.from] << " -> n" << at[e.to] << " [class=" << dq(stated ? "feed stated" : "feed inferred")
        << ", tooltip=" << esc(e.from + " feeds " + e.to + " (" + e.basis + ")");
    if (!stated) dot << ", style=dashed, color=\"#8a8f98\", penwidth=1.6";
    dot << "];\n";
  }
  dot << "}\n";
  std::string svg = dot_layout().svg(dot.str());
  // The document's prologue and comments go; the <svg> element is embedded as it is.
  auto start = svg.find("<svg");
  if (start == std::string::npos) throw Error(ErrorKind::Internal, "Graphviz gave no SVG for the feed graph");
  svg.erase(0, start);
  svg.replace(0, 4, "<svg id=\"feedgraph\" role=\"img\" aria-label=\"Feed graph\"");
  // Inline SVG in HTML needs no namespace declarations (and the page names no external address).
  for (const char* ns : {" xmlns=\"http://www.w3.org/2000/svg\"", " xmlns:xlink=\"http://www.w3.org/1999/xlink\""})
    if (auto at = svg.find(ns); at != std::string::npos && at < svg.find('>')) svg.erase(at, std::strlen(ns));
  for (auto c = svg.find("<!--"); c != std::string::npos; c = svg.find("<!--", c)) {
    auto e = svg.find("-->", c);
    if (e == std::string::npos) break;
    svg.erase(c, e + 3 - c);
  }
  o << svg;
  o << "\n<div class=\"legend\"><span><svg width=\"40\" height=\"10\"><line x1=\"2\" y1=\"5\" x2=\"38\" y2=\"5\" "
       "stroke=\"#1f2a44\" stroke-width=\"2\"/></svg> stated in the plan</span><span><svg width=\"40\" "
       "height=\"10\"><line "
       "x1=\"2\" y1=\"5\" x2=\"38\" y2=\"5\" stroke=\"#8a8f98\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\"/></svg> "
       "inferred</span><span><svg width=\"18\" height=\"18\"><circle cx=\"9\" cy=\"9\" r=\"7\" fill=\"#fff\" "
       "stroke=\"#b00020\" stroke-width=\"3\"/></svg> above appetite</span><span>arrow: from the risk that feeds to "
       "the "
       "risk it feeds; fill: band; laid out by Graphviz</span></div>\n";
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
      << feeds_ << "</b>feed links</div>";
  if (closed_ > 0) out << "<div class=\"stat\"><b>" << closed_ << "</b>closed</div>";
  out << "</div>\n";

  out << "<div class=\"cols\">\n<section id=\"heat-map\"><h2>Heat map</h2>\n";
  heat_map(out);
  if (unscored_ > 0)
    out << "<p class=\"note\">" << unscored_ << " risks have no score on this matrix and are not plotted.</p>\n";
  if (closed_ > 0)
    out << "<p class=\"note\" id=\"closed-note\">" << closed_
        << (closed_ == 1 ? " closed risk is" : " closed risks are")
        << " not plotted (riskreg close): the register table keeps " << (closed_ == 1 ? "it" : "them")
        << ", marked closed.</p>\n";
  if (tolerated_ > 0)
    out << "<p class=\"note\" id=\"tolerated-note\">* tolerated: accepted above the appetite line by a named "
           "approver until a date (riskreg respond); see Decisions above appetite.</p>\n";
  out << "</section>\n<section id=\"above-appetite\"><h2>Above appetite</h2>\n";
  above_table(out);
  decisions_table(out, store, as_of);
  out << "</section>\n</div>\n<section id=\"feed-graph\"><h2>Feed graph</h2>\n";
  feed_graph(out, store, as_of);
  out << "</section>\n";

  out << "<section id=\"register\"><h2>Register</h2>\n<p class=\"note\">Trend: each risk's assessments"
      << " (the latest " << kSparklinePoints
      << " at most), oldest on the left, higher is more severe; the dashed red line"
      << " is the appetite line, the shaded part above it; points are placed by date, the first and last"
      << " dates written under the axis. Each risk's history is listed under its trend.</p>\n"
      << "<div class=\"tools\" id=\"table-tools\" hidden><label>Filter <select id=\"filter-column\">"
      << "<option value=\"-1\">any column</option>";
  {
    const char* heads[] = {"Id",       "Title",    "Owner", "Current",  "Target",
                           "Band",     "Appetite", "Flags", "Controls", "Priorities and actions",
                           "Feeds to", "Trend"};
    for (int i = 0; i < 12; ++i) out << "<option value=\"" << i << "\">" << heads[i] << "</option>";
  }
  out << "</select></label> <input id=\"filter-text\" type=\"search\" placeholder=\"text to find\" "
         "aria-label=\"Text to find\"> <span id=\"filter-count\" class=\"note\"></span> <span class=\"note\">Click a "
         "heading to sort.</span></div>\n<table id=\"register-table\">\n<thead><tr>"
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

  out << "</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace riskreg::exporting
