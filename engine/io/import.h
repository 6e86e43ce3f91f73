#pragma once
/// `riskreg import FILE.csv`: a register as risk owners keep it in a spreadsheet, by
/// column name (docs/export-import.md). The whole file is read and validated before
/// anything is written; then one transaction inserts new risks and updates existing ones
/// by appending assessments and owner changes (the history is never rewritten).
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/progress.h"
#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg {

/// The columns an import file may have (any order, header names case-insensitive).
/// `id` is required; new risks also need `title` and `current`.
const std::vector<std::string>& import_columns();
/// Columns the export writes that are derived from the register (band, appetite, links):
/// accepted and ignored, so an export imports as it is.
const std::vector<std::string>& import_ignored_columns();

/// Reads and validates `text` (the bytes of `file`) against the register and matrix.
/// Throws FileError at `file:line:col` naming the column and value of the first problem.
/// `progress`, when given, hears each row checked.
ImportBatch plan_import(Store& store, const Matrix& m, std::string_view text, const std::string& file,
                        const std::string& by, Timestamp at, Progress* progress = nullptr);

/// Reads `path`, plans it and writes it (Store::import_risks); `checking` and `writing`,
/// when given, hear each row of the two passes.
ImportResult import_csv(Store& store, const Matrix& m, const std::string& path, const std::string& by, Timestamp at,
                        Progress* checking = nullptr, Progress* writing = nullptr);

}  // namespace riskreg
