#pragma once
/// Internal to the exporters (engine/io/export.cc): what goes in each sheet of the XLSX export.
/// The workbook itself is written by the riskreg-xlsx.so module (io/xlsx_module.h).
///
/// Sheets: Risks, Assessments and Feeds (the CSV export's columns, frozen headers, filters),
/// Heat map, Manifest (key, value rows), Owner history, Field history. Dates are Excel date-times, band cells
/// are filled with the band's colour, flags are coloured by their rule's severity, and each
/// column is as wide as its content (up to a bound).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.h"
#include "domain/matrix.h"
#include "io/export.h"
#include "store/store.h"

namespace riskreg::exporting {

/// Excel's limit on a cell's text, in UTF-16 code units (a character outside the BMP counts two).
inline constexpr size_t kXlsxCellMax = 32767;

/// Cuts `text` to fit an Excel cell if it does not, at a character boundary, and ends it with a
/// visible marker saying how long the whole text is and where to find it. Returns the text's
/// length in characters if it was cut, 0 otherwise.
size_t fit_xlsx_cell(std::string& text);

/// Writes the workbook at `path`, counting into `sum` and calling `tick` for every row.
/// `manifest` builds the export's manifest from the final counts; the workbook's Manifest sheet
/// adds `xlsx_truncated`: each cell that was cut (sheet, row, column, risk, characters).
void write_xlsx(Store& store, const Matrix& m, const std::string& path, const std::optional<std::string>& as_of,
                Timestamp now, ExportSummary& sum, const std::function<void()>& tick,
                const std::function<nlohmann::json(const ExportSummary&)>& manifest);

}  // namespace riskreg::exporting
