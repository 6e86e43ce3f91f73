#include "io/export.h"

#include <filesystem>
#include <fstream>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <xlsxwriter.h>

#include "core/error.h"
#include "core/text.h"
#include "io/csv.h"
#include "io/export_html.h"
#include "io/export_walk.h"
#include "register/risk_view.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace riskreg {

using exporting::band_text;
using exporting::lines;
using exporting::RiskRow;
using exporting::score_text;
using exporting::walk;

const std::vector<std::string>& export_risk_columns() {
  static const std::vector<std::string> c = {
      "id",           "title",    "owner",    "current",      "target",   "band",       "above_appetite",
      "controls",     "heading",  "vulnerability", "triggers", "consequences", "notes", "priorities",
      "actions",      "feeds_to", "flags"};
  return c;
}

namespace {

std::ofstream open_out(const fs::path& p) {
  std::ofstream f(p, std::ios::binary);
  if (!f) throw Error(ErrorKind::Internal, "cannot write " + p.string());
  return f;
}

void close_out(std::ofstream& f, const fs::path& p) {
  f.close();
  if (!f) throw Error(ErrorKind::Internal, "cannot write " + p.string() + " (disk full?)");
}

json manifest(Store& store, const Matrix& m, ExportFormat format, const ExportSummary& sum,
              const std::optional<std::string>& as_of) {
  json rules = json::array();
  for (const auto& f : store.rules()) rules.push_back({{"name", f.name}, {"sha256", f.sha256}});
  json j = {{"riskreg_version", RISKREG_VERSION},
            {"format", format == ExportFormat::Csv    ? "csv"
                       : format == ExportFormat::Json ? "json"
                       : format == ExportFormat::Xlsx ? "xlsx"
                                                      : "html"},
            {"register", store.info().name},
            {"matrix", m.name},
            {"rules", rules},
            {"as_of", as_of ? json(*as_of) : json(nullptr)},
            {"rows", {{"risks", sum.risks}, {"assessments", sum.assessments}, {"feeds", sum.feeds}}},
            {"audit_head", sum.audit_head}};
  // The chain as it stood then: the last entry made by the as-of time.
  if (as_of) j["audit_head_as_of"] = store.audit_head(as_of);
  return j;
}


/// An XLSX workbook in libxlsxwriter's constant-memory mode: each sheet's rows go to a
/// temporary file as they are written, so memory does not grow with the register.
class Workbook {
 public:
  explicit Workbook(const fs::path& p) : path_(p) {
    lxw_workbook_options o{};
    o.constant_memory = LXW_TRUE;
    o.use_zip64 = LXW_TRUE;
    wb_ = workbook_new_opt(p.c_str(), &o);
    if (!wb_) throw Error(ErrorKind::Internal, "cannot write " + p.string());
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    wrap_ = workbook_add_format(wb_);
    format_set_text_wrap(wrap_);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
  }
  ~Workbook() {
    if (wb_) workbook_close(wb_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  /// A sheet with a bold, frozen header row.
  lxw_worksheet* sheet(const char* name, const std::vector<std::string>& header) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name);
    for (size_t c = 0; c < header.size(); ++c)
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), header_);
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
  }
  /// One row of text; list cells hold one item per line.
  void row(lxw_worksheet* ws, lxw_row_t r, const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c)
      if (!cells[c].empty())
        check(worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), cells[c].c_str(),
                                     cells[c].find('\n') != std::string::npos ? wrap_ : nullptr));
  }
  void filter(lxw_worksheet* ws, lxw_row_t rows, size_t cols) {
    worksheet_autofilter(ws, 0, 0, rows, static_cast<lxw_col_t>(cols - 1));
  }
  lxw_workbook* get() { return wb_; }
  void close() {
    lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    if (e != LXW_NO_ERROR)
      throw Error(ErrorKind::Internal, "cannot write " + path_.string() + ": " + lxw_strerror(e));
  }
  void check(lxw_error e) {
    // Text past Excel's limits (32,767 characters a cell) is refused rather than cut.
    if (e != LXW_NO_ERROR) throw Error(ErrorKind::InvalidInput, "cannot export to XLSX: " + std::string(lxw_strerror(e)));
  }

 private:
  fs::path path_;
  lxw_workbook* wb_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* wrap_ = nullptr;
};

uint32_t rgb(const std::string& hex) {
  if (hex.size() == 7 && hex[0] == '#') return static_cast<uint32_t>(std::stoul(hex.substr(1), nullptr, 16));
  return 0xFFFFFF;
}

/// The matrix as a grid coloured by band, the most severe likelihood at the top, with the
/// number of risks in each cell; cells above the appetite line have a thick border.
void heat_map_sheet(Workbook& wb, const Matrix& m, const std::vector<int>& counts) {
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "Heat map");
  const int L = m.likelihood.size(), I = m.impact.size();
  lxw_format* bold = workbook_add_format(wb.get());
  format_set_bold(bold);
  worksheet_write_string(ws, 0, 0, (m.name + ": likelihood down, impact across").c_str(), bold);
  std::vector<lxw_format*> cell_format(static_cast<size_t>(m.cell_count()));
  for (int i = 0; i < m.cell_count(); ++i) {
    Cell c = m.cell_at(i);
    lxw_format* f = workbook_add_format(wb.get());
    format_set_bg_color(f, rgb(m.band(c).colour));
    format_set_align(f, LXW_ALIGN_CENTER);
    format_set_border(f, m.above_appetite(c) ? LXW_BORDER_THICK : LXW_BORDER_THIN);
    cell_format[static_cast<size_t>(i)] = f;
  }
  lxw_row_t r = 2;
  for (int li = L - 1; li >= 0; --li, ++r) {
    worksheet_write_string(ws, r, 0, m.likelihood.levels[static_cast<size_t>(li)].heading.c_str(), bold);
    for (int ii = 0; ii < I; ++ii) {
      Cell c{li, ii};
      int n = counts[static_cast<size_t>(m.index(c))];
      std::string text = m.format(c) + (n ? " (" + std::to_string(n) + ")" : "");
      worksheet_write_string(ws, r, static_cast<lxw_col_t>(ii + 1), text.c_str(),
                             cell_format[static_cast<size_t>(m.index(c))]);
    }
  }
  for (int ii = 0; ii < I; ++ii)
    worksheet_write_string(ws, r, static_cast<lxw_col_t>(ii + 1), m.impact.levels[static_cast<size_t>(ii)].heading.c_str(),
                           bold);
  r += 2;
  worksheet_write_string(ws, r++, 0, "Bands", bold);
  for (auto it = m.bands.rbegin(); it != m.bands.rend(); ++it, ++r) {
    lxw_format* f = workbook_add_format(wb.get());
    format_set_bg_color(f, rgb(it->colour));
    worksheet_write_string(ws, r, 0, it->name.c_str(), f);
    worksheet_write_string(ws, r, 1, it->label.c_str(), nullptr);
  }
  worksheet_write_string(ws, ++r, 0, ("Appetite (thick border: above it): " + m.appetite_description).c_str(), nullptr);
  worksheet_set_column(ws, 0, 0, 22, nullptr);
  worksheet_set_column(ws, 1, static_cast<lxw_col_t>(I), 14, nullptr);
}

}  // namespace

ExportSummary export_register(Store& store, const Matrix& m, ExportFormat format, const std::string& out_path,
                              bool force, const std::optional<std::string>& as_of, std::optional<Timestamp> now_opt,
                              Progress* progress) {
  const Timestamp now = now_opt ? *now_opt : SystemClock().now();
  int64_t rows_done = 0;
  auto tick = [&] {
    if (progress) progress->rows(++rows_done);
  };
  struct Finish {
    Progress* p;
    ~Finish() {
      if (p) p->finish();
    }
  } finish{progress};
  fs::path out(out_path);
  if (fs::exists(fs::symlink_status(out)) && !force)
    throw Error(ErrorKind::Conflict, out_path + " already exists; use --force to overwrite it");
  fs::path tmp = out;
  tmp += ".riskreg-export-tmp";
  fs::path side = tmp;
  side += ".assessments";
  fs::remove_all(tmp);

  ExportSummary sum;
  sum.audit_head = store.audit_head();
  // Feeds between risks that both exist at the as-of time; the ids are known after the walk.
  auto feeds_of = [&](const auto& keep, const auto& emit) {
    store.for_each_feed([&](const Feed& f) {
      if (keep(f.from) && keep(f.to)) {
        emit(f);
        ++sum.feeds;
      }
    });
  };
  try {
    std::unordered_set<std::string> ids;  // risks exported as of a time (for the feeds filter)
    auto keep = [&](const std::string& id) { return !as_of || ids.count(id) > 0; };
    if (format == ExportFormat::Csv) {
      fs::create_directories(tmp);
      auto risks = open_out(tmp / "risks.csv");
      auto hist = open_out(tmp / "assessments.csv");
      write_csv_row(risks, export_risk_columns());
      write_csv_row(hist, {"id", "risk", "score", "likelihood", "impact", "band", "by", "at", "reason"});
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            write_csv_record(risks, {r.id, r.title, r.owner, r.current, r.target, r.band,
                                  r.above_appetite ? "yes" : "no", lines(r.controls), r.heading, r.vulnerability,
                                  lines(r.triggers), lines(r.consequences), lines(r.notes), lines(r.priorities),
                                  lines(r.actions), lines(r.feeds_to), lines(r.flags)});
            if (as_of) ids.insert(r.id);
            ++sum.risks;
            tick();
          },
          [&](const AssessmentRow& a) {
            write_csv_record(hist, {std::to_string(a.id), a.risk_id, score_text(m, a.score), a.score.likelihood,
                                 a.score.impact, band_text(m, a.score), a.by, a.at, a.reason});
            ++sum.assessments;
            tick();
          });
      close_out(risks, tmp / "risks.csv");
      close_out(hist, tmp / "assessments.csv");
      auto feeds = open_out(tmp / "feeds.csv");
      write_csv_row(feeds, {"from", "to", "basis", "transition_probability"});
      feeds_of(keep, [&](const Feed& f) {
        write_csv_row(feeds, {f.from, f.to, f.basis, f.transition_probability ? json(*f.transition_probability).dump() : ""});
      });
      close_out(feeds, tmp / "feeds.csv");
      auto man = open_out(tmp / "manifest.json");
      man << manifest(store, m, format, sum, as_of).dump(2) << "\n";
      close_out(man, tmp / "manifest.json");
    } else if (format == ExportFormat::Xlsx) {
      Workbook wb(tmp);
      const std::vector<std::string> hist_cols = {"id", "risk", "score", "likelihood", "impact",
                                                  "band", "by", "at", "reason"};
      const std::vector<std::string> feed_cols = {"from", "to", "basis", "transition_probability"};
      auto* risks = wb.sheet("Risks", export_risk_columns());
      auto* hist = wb.sheet("Assessments", hist_cols);
      std::vector<int> counts(static_cast<size_t>(m.cell_count()), 0);
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            wb.row(risks, static_cast<lxw_row_t>(++sum.risks),
                   {r.id, r.title, r.owner, r.current, r.target, r.band, r.above_appetite ? "yes" : "no",
                    lines(r.controls), r.heading, r.vulnerability, lines(r.triggers), lines(r.consequences),
                    lines(r.notes), lines(r.priorities), lines(r.actions), lines(r.feeds_to), lines(r.flags)});
            if (auto c = r.current.empty() ? std::nullopt : m.parse(r.current)) ++counts[static_cast<size_t>(m.index(*c))];
            if (as_of) ids.insert(r.id);
            tick();
          },
          [&](const AssessmentRow& a) {
            wb.row(hist, static_cast<lxw_row_t>(++sum.assessments),
                   {std::to_string(a.id), a.risk_id, score_text(m, a.score), a.score.likelihood, a.score.impact,
                    band_text(m, a.score), a.by, a.at, a.reason});
            tick();
          });
      wb.filter(risks, static_cast<lxw_row_t>(sum.risks), export_risk_columns().size());
      wb.filter(hist, static_cast<lxw_row_t>(sum.assessments), hist_cols.size());
      auto* feeds = wb.sheet("Feeds", feed_cols);
      feeds_of(keep, [&](const Feed& f) {
        wb.row(feeds, static_cast<lxw_row_t>(sum.feeds + 1),
               {f.from, f.to, f.basis, f.transition_probability ? json(*f.transition_probability).dump() : ""});
      });
      wb.filter(feeds, static_cast<lxw_row_t>(sum.feeds), feed_cols.size());
      heat_map_sheet(wb, m, counts);
      auto* man = wb.sheet("Manifest", {"key", "value"});
      auto mj = manifest(store, m, format, sum, as_of);
      lxw_row_t r = 0;
      for (auto& [k, v] : mj.items()) wb.row(man, ++r, {k, v.is_string() ? v.get<std::string>() : v.dump()});
      wb.close();
    } else if (format == ExportFormat::Html) {
      // The table rows go to the side file as the walk passes; the page is put together after.
      exporting::HtmlExport html(m, side);
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            html.risk(r);
            if (as_of) ids.insert(r.id);
            ++sum.risks;
            tick();
          },
          [&](const AssessmentRow& a) {
            html.assessment(a);
            ++sum.assessments;
            tick();
          });
      feeds_of(keep, [&](const Feed& f) { html.feed(f); });
      auto f = open_out(tmp);
      html.write(f, store, as_of, format_timestamp(now), manifest(store, m, format, sum, as_of));
      close_out(f, tmp);
    } else {
      // Risks first, their histories in a side file, then joined: both stay streamed.
      auto f = open_out(tmp);
      auto hist = open_out(side);
      f << "{\n\"risks\": [";
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            json e = {{"id", r.id},
                      {"title", r.title},
                      {"owner", r.owner},
                      {"current", r.current},
                      {"target", r.target},
                      {"band", r.band},
                      {"above_appetite", r.above_appetite},
                      {"controls", r.controls},
                      {"heading", r.heading},
                      {"vulnerability", r.vulnerability},
                      {"triggers", r.triggers},
                      {"consequences", r.consequences},
                      {"notes", r.notes},
                      {"priorities", r.priorities},
                      {"actions", r.actions},
                      {"feeds_to", r.feeds_to},
                      {"flags", r.flags}};
            f << (sum.risks++ ? ",\n  " : "\n  ") << e.dump();
            if (as_of) ids.insert(r.id);
            tick();
          },
          [&](const AssessmentRow& a) {
            json e = {{"id", a.id},
                      {"risk", a.risk_id},
                      {"score", score_text(m, a.score)},
                      {"likelihood", a.score.likelihood},
                      {"impact", a.score.impact},
                      {"band", band_text(m, a.score)},
                      {"by", a.by},
                      {"at", a.at},
                      {"reason", a.reason}};
            hist << (sum.assessments++ ? ",\n  " : "\n  ") << e.dump();
            tick();
          });
      close_out(hist, side);
      f << "\n],\n\"assessments\": [";
      {
        std::ifstream in(side, std::ios::binary);
        if (sum.assessments) f << in.rdbuf();
      }
      fs::remove(side);
      f << "\n],\n\"feeds\": [";
      bool first = true;
      feeds_of(keep, [&](const Feed& fd) {
        f << (first ? "\n  " : ",\n  ")
          << json{{"from", fd.from},
                  {"to", fd.to},
                  {"basis", fd.basis},
                  {"transition_probability",
                   fd.transition_probability ? json(*fd.transition_probability) : json(nullptr)}}
                 .dump();
        first = false;
      });
      f << "\n],\n\"manifest\": " << manifest(store, m, format, sum, as_of).dump() << "\n}\n";
      close_out(f, tmp);
    }
    if (fs::exists(fs::symlink_status(out))) fs::remove_all(out);
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::remove(side, ec);
    throw;
  }
  return sum;
}

}  // namespace riskreg
