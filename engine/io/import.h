#pragma once
/// `riskreg import FILE.csv`: a register as risk owners keep it in a spreadsheet, by
/// column name (docs/export-import.md). One transaction inserts new risks and updates existing
/// ones by appending assessments and owner changes (the history is never rewritten); rows are
/// written as they are checked, and the first bad one rolls the whole import back, so nothing
/// of a file with a problem reaches the register.
#include <functional>
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

/// An import's batch without its rows or the file's SHA-256: the file, who and when.
ImportBatch import_head(const std::string& file, const std::string& by, Timestamp at);

/// Checks `text` (the bytes of `batch.file`) row by row against the matrix and the register
/// (whose risks it reads through `lookup`, a chunk of ids at a time), counting `batch.rows`,
/// and yields the rows that change something a chunk at a time, in file order. Throws
/// FileError at `file:line:col` naming the column and value of the first problem, after
/// yielding every row before it. `progress`, when given, hears each row checked.
void check_import(const Matrix& m, std::string_view text, ImportBatch& batch, const RiskLookup& lookup,
                  const std::function<void(std::vector<ImportedRisk>&)>& yield, Progress* progress = nullptr);

/// Reads and validates `text` (the bytes of `file`) against the register and matrix.
/// Throws FileError at `file:line:col` naming the column and value of the first problem.
/// `progress`, when given, hears each row checked.
ImportBatch plan_import(Store& store, const Matrix& m, std::string_view text, const std::string& file,
                        const std::string& by, Timestamp at, Progress* progress = nullptr);

/// The bytes of an import file, mapped read-only rather than copied (a million-risk file
/// is hundreds of megabytes). Error(NotFound) naming it if it cannot be opened.
class ImportFile {
 public:
  explicit ImportFile(const std::string& path);
  ~ImportFile();
  ImportFile(const ImportFile&) = delete;
  ImportFile& operator=(const ImportFile&) = delete;
  std::string_view text() const { return {data_ ? data_ : "", size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

/// Reads `path` and writes it as it is checked (Store::import_checked: all or nothing, in one
/// transaction); `checking` and `writing`, when given, hear each row checked and written
/// (on two threads: give one of them to a terminal).
ImportResult import_csv(Store& store, const Matrix& m, const std::string& path, const std::string& by, Timestamp at,
                        Progress* checking = nullptr, Progress* writing = nullptr);

}  // namespace riskreg
