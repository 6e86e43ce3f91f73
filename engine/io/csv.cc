#include "io/csv.h"

#include <cerrno>
#include <cstring>

#include <array>

#include "core/error.h"

namespace riskreg {

namespace {

/// The characters that make a field need quotes.
constexpr std::array<bool, 256> kQuoted = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {',', '"', '\r', '\n'}) t[c] = true;
  return t;
}();

bool needs_quotes(std::string_view v) {
  for (char c : v)
    if (kQuoted[static_cast<unsigned char>(c)]) return true;
  return false;
}

bool needs_neutralising(std::string_view v) {
  return !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
}

constexpr size_t kFlushAt = size_t{1} << 20;

}  // namespace

void append_csv_field(std::string& out, std::string_view v) {
  const bool neutralise = needs_neutralising(v);
  if (!needs_quotes(v)) {
    if (neutralise) out += '\'';
    out.append(v);
    return;
  }
  out += '"';
  if (neutralise) out += '\'';
  size_t start = 0;
  for (size_t q; (q = v.find('"', start)) != std::string_view::npos; start = q + 1) {
    out.append(v.substr(start, q + 1 - start));
    out += '"';
  }
  out.append(v.substr(start));
  out += '"';
}

std::string csv_field(std::string_view value) {
  std::string out;
  append_csv_field(out, value);
  return out;
}

void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    append_csv_field(line, fields[i]);
  }
  line += "\r\n";
  out << line;
}

CsvFile::CsvFile(std::filesystem::path path) : path_(std::move(path)), out_(path_, std::ios::binary) {
  if (!out_) throw Error(ErrorKind::Environment, "cannot write " + path_.string() + ": " + std::strerror(errno));
  buf_.reserve(kFlushAt + 4096);
}

CsvFile& CsvFile::field(std::string_view value) {
  if (!first_) buf_ += ',';
  first_ = false;
  append_csv_field(buf_, value);
  return *this;
}

CsvFile& CsvFile::lines(const std::vector<std::string>& items) {
  if (items.size() == 1) return field(items[0]);
  joined_.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) joined_ += '\n';
    joined_ += items[i];
  }
  return field(joined_);
}

void CsvFile::end_row() {
  buf_ += "\r\n";
  first_ = true;
  if (buf_.size() >= kFlushAt) flush();
}

void CsvFile::row(const std::vector<std::string>& fields) {
  for (const auto& f : fields) field(f);
  end_row();
}

void CsvFile::flush() {
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  buf_.clear();
  if (!out_) throw Error(ErrorKind::Environment, "cannot write " + path_.string() + ": " + std::strerror(errno));
}

void CsvFile::close() {
  flush();
  out_.close();
  if (!out_) throw Error(ErrorKind::Environment, "cannot write " + path_.string() + ": " + std::strerror(errno));
}

}  // namespace riskreg
