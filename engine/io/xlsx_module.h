#pragma once
/// The XLSX export's workbook as a module (core/module.h): libxlsxwriter lives in
/// riskreg-xlsx.so, loaded only by `export --format xlsx`. io/export.cc decides what goes in
/// each sheet; the module writes it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "domain/matrix.h"

namespace riskreg {

/// One cell as the export wants it written.
struct XlsxCell {
  std::string text;   ///< list cells hold one item per line
  bool date = false;  ///< `text` is an ISO 8601 UTC time (`YYYY-MM-DDTHH:MM:SSZ`), stored as an Excel date-time
  std::string fill;   ///< "#rrggbb": the cell's background (a band's colour); "" for none
  std::string ink;    ///< "#rrggbb": the text's colour (a flag's severity); "" for the default
  bool bold = false;
  XlsxCell() = default;
  XlsxCell(std::string t) : text(std::move(t)) {}  // NOLINT: a plain text cell
  XlsxCell(const char* t) : text(t) {}             // NOLINT
};

/// A workbook being written in libxlsxwriter's constant-memory mode: each sheet's rows go to a
/// temporary file as they are written, so memory does not grow with the register. Rows of a
/// sheet must be written in order.
class XlsxBook {
 public:
  virtual ~XlsxBook() = default;
  /// A new sheet with a bold, frozen header row; its number for row() and filter().
  virtual int sheet(const std::string& name, const std::vector<std::string>& header) = 0;
  /// Row `r` (1 is the first under the header). Text past Excel's limit (32,767 characters a
  /// cell) is Error(InvalidInput): the caller cuts it first (io/xlsx_export.h, fit_xlsx_cell).
  /// Each column's width follows its longest line (up to a bound), set when the book closes.
  virtual void row(int sheet, uint32_t r, const std::vector<XlsxCell>& cells) = 0;
  /// An auto-filter over the header and `rows` rows of `cols` columns.
  virtual void filter(int sheet, uint32_t rows, size_t cols) = 0;
  /// A "Heat map" sheet: the matrix as a grid coloured by band, the most severe likelihood at
  /// the top, with `counts` (by cell index) of risks in each cell; cells above the appetite
  /// line have a thick border.
  virtual void heat_map(const Matrix& m, const std::vector<int>& counts) = 0;
  /// Writes the file (Error(Internal) if it cannot).
  virtual void close() = 0;
};

struct XlsxModule {
  std::unique_ptr<XlsxBook> (*open)(const std::string& path);
};

/// The module's table, loading riskreg-xlsx.so the first time (Error(Internal) if it cannot).
const XlsxModule& xlsx();

}  // namespace riskreg
