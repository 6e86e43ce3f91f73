// riskreg-xlsx.so (io/xlsx_module.h): the XLSX export's workbook, through libxlsxwriter.
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "io/xlsx_module.h"

namespace fs = std::filesystem;

extern "C" const riskreg::XlsxModule* riskreg_xlsx_module();

namespace riskreg {

namespace {

uint32_t rgb(const std::string& hex) {
  if (hex.size() == 7 && hex[0] == '#' &&
      std::all_of(hex.begin() + 1, hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return static_cast<uint32_t>(std::stoul(hex.substr(1), nullptr, 16));
  return 0xFFFFFF;
}

/// Characters (not bytes) in the longest line of `s`: what a column must be wide enough for.
size_t longest_line(const std::string& s) {
  size_t best = 0, here = 0;
  for (unsigned char c : s) {
    if (c == '\n') {
      best = std::max(best, here);
      here = 0;
    } else if ((c & 0xC0) != 0x80) {
      ++here;
    }
  }
  return std::max(best, here);
}

/// `YYYY-MM-DDTHH:MM:SSZ` (or its date alone) as libxlsxwriter's date-time; false if it is not one.
bool parse_datetime(const std::string& s, lxw_datetime& dt) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  bool whole = s.size() == 20 &&
               std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) == 7 &&
               tail == 'Z';
  bool day = s.size() == 10 && std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &mo, &d) == 3;
  if (!whole && !day) return false;
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return false;
  dt = lxw_datetime{y, mo, d, h, mi, static_cast<double>(sec)};
  return true;
}

/// Widths in Excel's units (characters of the default font): at least the header's, at most this.
constexpr double kMaxColumnWidth = 60;

/// An XLSX workbook in libxlsxwriter's constant-memory mode: each sheet's rows go to a
/// temporary file as they are written, so memory does not grow with the register.
class Workbook final : public XlsxBook {
 public:
  explicit Workbook(const fs::path& p) : path_(p) {
    lxw_workbook_options o{};
    o.constant_memory = LXW_TRUE;
    o.use_zip64 = LXW_TRUE;
    wb_ = workbook_new_opt(p.c_str(), &o);
    if (!wb_) throw Error(ErrorKind::Internal, "cannot write " + p.string());
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
  }
  ~Workbook() override {
    if (wb_) workbook_close(wb_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  int sheet(const std::string& name, const std::vector<std::string>& header) override {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (!ws) throw Error(ErrorKind::Internal, "cannot add the sheet " + name + " to " + path_.string());
    for (size_t c = 0; c < header.size(); ++c)
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), header_);
    worksheet_freeze_panes(ws, 1, 0);
    sheets_.push_back(ws);
    std::vector<size_t> widths;
    for (const auto& h : header) widths.push_back(longest_line(h) + 3);  // room for the filter's button
    widths_.push_back(std::move(widths));
    return static_cast<int>(sheets_.size() - 1);
  }
  void row(int sheet, uint32_t r, const std::vector<XlsxCell>& cells) override {
    lxw_worksheet* ws = sheets_.at(static_cast<size_t>(sheet));
    auto& widths = widths_.at(static_cast<size_t>(sheet));
    if (widths.size() < cells.size()) widths.resize(cells.size(), 0);
    for (size_t c = 0; c < cells.size(); ++c) {
      const XlsxCell& cell = cells[c];
      if (cell.text.empty() && cell.fill.empty()) continue;
      const auto col = static_cast<lxw_col_t>(c);
      lxw_datetime dt{};
      const bool date = cell.date && parse_datetime(cell.text, dt);
      lxw_format* f = format_for(cell, date, cell.text.find('\n') != std::string::npos);
      if (date) {
        check(worksheet_write_datetime(ws, r, col, &dt, f));
        widths[c] = std::max<size_t>(widths[c], 20);
      } else {
        check(worksheet_write_string(ws, r, col, cell.text.c_str(), f));
        widths[c] = std::max(widths[c], longest_line(cell.text) + 1);
      }
    }
  }
  void filter(int sheet, uint32_t rows, size_t cols) override {
    worksheet_autofilter(sheets_.at(static_cast<size_t>(sheet)), 0, 0, rows, static_cast<lxw_col_t>(cols - 1));
  }
  void heat_map(const Matrix& m, const std::vector<int>& counts) override;
  void close() override {
    for (size_t s = 0; s < sheets_.size(); ++s)
      for (size_t c = 0; c < widths_[s].size(); ++c)
        worksheet_set_column(sheets_[s], static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                             std::min(kMaxColumnWidth, static_cast<double>(std::max<size_t>(widths_[s][c], 6))),
                             nullptr);
    lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    if (e != LXW_NO_ERROR) throw Error(ErrorKind::Internal, "cannot write " + path_.string() + ": " + lxw_strerror(e));
  }
  void check(lxw_error e) {
    // Text past Excel's limits (32,767 characters a cell) is cut by the caller; a cell still
    // too long is refused, never cut silently here.
    if (e != LXW_NO_ERROR)
      throw Error(ErrorKind::InvalidInput, "cannot export to XLSX: " + std::string(lxw_strerror(e)));
  }

 private:
  /// One format per combination of wrap, date, fill, ink and weight, made once (libxlsxwriter
  /// keeps every format it is given until the book closes).
  lxw_format* format_for(const XlsxCell& cell, bool date, bool wrap) {
    if (!date && !wrap && cell.fill.empty() && cell.ink.empty() && !cell.bold) return nullptr;
    std::string key =
        std::string(date ? "d" : "-") + (wrap ? "w" : "-") + (cell.bold ? "b" : "-") + cell.fill + "/" + cell.ink;
    auto it = formats_.find(key);
    if (it != formats_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    if (date) format_set_num_format(f, "yyyy-mm-dd hh:mm:ss");
    if (wrap) {
      format_set_text_wrap(f);
      format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    }
    if (!cell.fill.empty()) {
      format_set_bg_color(f, rgb(cell.fill));
      format_set_pattern(f, LXW_PATTERN_SOLID);
    }
    if (!cell.ink.empty()) format_set_font_color(f, rgb(cell.ink));
    if (cell.bold) format_set_bold(f);
    formats_.emplace(std::move(key), f);
    return f;
  }

  fs::path path_;
  lxw_workbook* wb_ = nullptr;
  std::vector<lxw_worksheet*> sheets_;
  std::vector<std::vector<size_t>> widths_;  ///< by sheet, by column: characters of the longest line
  std::map<std::string, lxw_format*> formats_;
  lxw_format* header_ = nullptr;
};

/// The matrix as a grid coloured by band, the most severe likelihood at the top, with the
/// number of risks in each cell; cells above the appetite line have a thick border.
void Workbook::heat_map(const Matrix& m, const std::vector<int>& counts) {
  lxw_worksheet* ws = workbook_add_worksheet(wb_, "Heat map");
  const int L = m.likelihood.size(), I = m.impact.size();
  lxw_format* bold = workbook_add_format(wb_);
  format_set_bold(bold);
  worksheet_write_string(ws, 0, 0, (m.name + ": likelihood down, impact across").c_str(), bold);
  std::vector<lxw_format*> cell_format(static_cast<size_t>(m.cell_count()));
  for (int i = 0; i < m.cell_count(); ++i) {
    Cell c = m.cell_at(i);
    lxw_format* f = workbook_add_format(wb_);
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
    worksheet_write_string(ws, r, static_cast<lxw_col_t>(ii + 1),
                           m.impact.levels[static_cast<size_t>(ii)].heading.c_str(), bold);
  r += 2;
  worksheet_write_string(ws, r++, 0, "Bands", bold);
  for (auto it = m.bands.rbegin(); it != m.bands.rend(); ++it, ++r) {
    lxw_format* f = workbook_add_format(wb_);
    format_set_bg_color(f, rgb(it->colour));
    worksheet_write_string(ws, r, 0, it->name.c_str(), f);
    worksheet_write_string(ws, r, 1, it->label.c_str(), nullptr);
  }
  worksheet_write_string(ws, ++r, 0, ("Appetite (thick border: above it): " + m.appetite_description).c_str(), nullptr);
  worksheet_set_column(ws, 0, 0, 22, nullptr);
  worksheet_set_column(ws, 1, static_cast<lxw_col_t>(I), 14, nullptr);
}

std::unique_ptr<XlsxBook> open_book(const std::string& path) { return std::make_unique<Workbook>(path); }

const XlsxModule kTable{open_book};

}  // namespace

}  // namespace riskreg

extern "C" const riskreg::XlsxModule* riskreg_xlsx_module() { return &riskreg::kTable; }
