#pragma once
/// RFC 4180 CSV reading for `riskreg import`: quoted fields with "" escapes, CRLF or LF
/// line ends, line breaks inside quoted fields, UTF-8 checked up front. Every error is a
/// FileError at `file:line:col` (col counts characters, 1-based).
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

/// One record, with where each field starts (for messages about a value).
struct CsvRecord {
  int line = 0;  ///< the line the record starts on
  std::vector<std::string> fields;
  std::vector<int> lines;    ///< the line each field starts on
  std::vector<int> columns;  ///< the column each field starts at
};

class CsvReader {
 public:
  /// `text` must outlive the reader. Throws FileError if it is not UTF-8 (naming the first
  /// bad byte) or holds a NUL. A leading UTF-8 byte-order mark is skipped.
  CsvReader(std::string_view text, std::string file);

  /// Reads the next record into `r`; false at the end. Blank lines are skipped.
  /// Throws FileError for an unterminated quote or text after a closing quote.
  bool next(CsvRecord& r);

  /// The text of line `n` (1-based), for the caret under an error.
  std::string line_text(int n) const;
  const std::string& file() const { return file_; }

 private:
  std::string_view text_;
  std::string file_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

/// Undoes the export's formula neutralising: a field that starts with an apostrophe
/// followed by = + - @ tab or CR loses the apostrophe (csv.h `csv_field` adds it). A view
/// into `field`.
std::string_view csv_unneutralise(std::string_view field);

}  // namespace riskreg
