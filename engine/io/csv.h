#pragma once
/// RFC 4180 CSV writing, with spreadsheet formula-injection neutralised.
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
/// The same, from views, without copying a field (what a large export writes per row).
void write_csv_record(std::ostream& out, std::initializer_list<std::string_view> fields);

}  // namespace riskreg
