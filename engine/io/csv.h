#pragma once
/// RFC 4180 CSV writing, with spreadsheet formula-injection neutralised.
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

/// One field, quoted when needed. A field starting with = + - @ tab or CR gets a leading
/// apostrophe so a spreadsheet shows it as text instead of running it.
std::string csv_field(std::string_view value);
/// Writes one record terminated by CRLF.
void write_csv_row(std::ostream& out, const std::vector<std::string>& fields);
/// Appends csv_field(value) to `out`, without a copy of the value.
void append_csv_field(std::string& out, std::string_view value);

/// A CSV file written through one buffer of about a megabyte: what an export writes a
/// million rows to. Fields are added one by one; `end_row` ends the record with CRLF.
class CsvFile {
 public:
  /// Creates (or truncates) `path`; Error(Internal) naming it if it cannot.
  explicit CsvFile(std::filesystem::path path);
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  CsvFile& field(std::string_view value);
  /// A list in one field: one item per line (riskreg's list cells).
  CsvFile& lines(const std::vector<std::string>& items);
  void end_row();
  /// A whole record (a header).
  void row(const std::vector<std::string>& fields);
  /// Writes what is buffered and closes; Error(Internal) naming the file on a failed write.
  void close();

 private:
  void flush();

  std::filesystem::path path_;
  std::ofstream out_;
  std::string buf_;
  std::string joined_;  ///< lines()'s scratch
  bool first_ = true;   ///< no field yet in this record
};

}  // namespace riskreg
