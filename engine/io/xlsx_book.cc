// riskreg-xlsx.so (io/xlsx_module.h): the XLSX export's workbook, through libxlsxwriter.
#include <xlsxwriter.h>

#include <filesystem>

#include "core/error.h"
#include "io/xlsx_module.h"

namespace fs = std::filesystem;

extern "C" const riskreg::XlsxModule* riskreg_xlsx_module();

namespace riskreg {

namespace {

uint32_t rgb(const std::string& hex) {
  if (hex.size() == 7 && hex[0] == '#') return static_cast<uint32_t>(std::stoul(hex.substr(1), nullptr, 16));
  return 0xFFFFFF;
}

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
    wrap_ = workbook_add_format(wb_);
    format_set_text_wrap(wrap_);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
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
    return static_cast<int>(sheets_.size() - 1);
  }
  void row(int sheet, uint32_t r, const std::vector<std::string>& cells) override {
    lxw_worksheet* ws = sheets_.at(static_cast<size_t>(sheet));
    for (size_t c = 0; c < cells.size(); ++c)
      if (!cells[c].empty())
        check(worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), cells[c].c_str(),
                                     cells[c].find('\n') != std::string::npos ? wrap_ : nullptr));
  }
  void filter(int sheet, uint32_t rows, size_t cols) override {
    worksheet_autofilter(sheets_.at(static_cast<size_t>(sheet)), 0, 0, rows, static_cast<lxw_col_t>(cols - 1));
  }
  void heat_map(const Matrix& m, const std::vector<int>& counts) override;
  void close() override {
    lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    if (e != LXW_NO_ERROR) throw Error(ErrorKind::Internal, "cannot write " + path_.string() + ": " + lxw_strerror(e));
  }
  void check(lxw_error e) {
    // Text past Excel's limits (32,767 characters a cell) is refused rather than cut.
    if (e != LXW_NO_ERROR)
      throw Error(ErrorKind::InvalidInput, "cannot export to XLSX: " + std::string(lxw_strerror(e)));
  }

 private:
  fs::path path_;
  lxw_workbook* wb_ = nullptr;
  std::vector<lxw_worksheet*> sheets_;
  lxw_format* header_ = nullptr;
  lxw_format* wrap_ = nullptr;
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
