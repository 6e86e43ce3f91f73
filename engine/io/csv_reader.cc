#include "io/csv_reader.h"

#include "core/error.h"
#include "core/text.h"

namespace riskreg {

namespace {

/// The length of the UTF-8 sequence starting at `s[i]`, or 0 if it is not valid there.
size_t utf8_length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(i);
  if (c < 0x80) return c == 0 ? 0 : 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

/// The characters of UTF-8 text `s` (the bytes that do not continue a sequence).
int chars(std::string_view s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

CsvReader::CsvReader(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = line_start_ = 3;
  int line = 1;
  size_t start = 0;
  for (size_t i = pos_; i < text_.size();) {
    size_t n = utf8_length(text_, i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text_[i]));
      throw FileError({file_, line, 1 + chars(text_.substr(start, i - start))},
                      text_[i] == 0 ? std::string("a NUL byte; the file is not text")
                                    : "byte " + std::string(hex) + " is not UTF-8; save the file as UTF-8 CSV");
    }
    if (text_[i] == '\n') ++line, start = i + 1;
    i += n;
  }
}

std::string CsvReader::line_text(int n) const {
  std::string l = line_of(text_, n);
  if (!l.empty() && l.back() == '\r') l.pop_back();
  return l;
}

bool CsvReader::next(CsvRecord& r) {
  // Blank lines (CRLF or LF) carry no record.
  while (pos_ < text_.size() &&
         (text_[pos_] == '\n' || (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n'))) {
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
    line_start_ = pos_;
  }
  if (pos_ >= text_.size()) return false;
  r.line = line_;
  r.lines.clear();
  r.columns.clear();
  size_t n = 0;  // fields read; r.fields keeps its strings' buffers from record to record
  auto at_eol = [&](size_t i) {
    return i >= text_.size() || text_[i] == '\n' || (text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n');
  };
  // Columns count characters from the line's start; each field's is counted on from the last.
  size_t counted = line_start_;
  int col = 1;
  auto column = [&](size_t offset) {
    if (counted < line_start_ || counted > offset) counted = line_start_, col = 1;
    col += chars(text_.substr(counted, offset - counted));
    counted = offset;
    return col;
  };
  for (;;) {
    r.lines.push_back(line_);
    r.columns.push_back(column(pos_));
    std::string& field = n < r.fields.size() ? r.fields[n] : r.fields.emplace_back();
    ++n;
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const int open_line = line_;
      const int open_col = r.columns.back();
      ++pos_;
      for (;;) {
        // Up to the next quote or line break, in one piece.
        size_t run = pos_;
        while (run < text_.size() && text_[run] != '"' && text_[run] != '\n') ++run;
        field.append(text_.substr(pos_, run - pos_));
        pos_ = run;
        if (pos_ >= text_.size())
          throw FileError({file_, open_line, open_col}, "the quoted field opened here is never closed",
                          line_text(open_line));
        char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        ++line_, line_start_ = pos_ + 1;  // a line break inside the field
        field += c;
        ++pos_;
      }
      if (!at_eol(pos_) && text_[pos_] != ',')
        throw FileError({file_, line_, column(pos_)},
                        "expected ',' or the end of the line after the closing quote; a quote inside a field is "
                        "written \"\"",
                        line_text(line_));
    } else {
      size_t end = pos_;
      while (end < text_.size() && text_[end] != ',' && !at_eol(end)) {
        if (text_[end] == '"')
          throw FileError({file_, line_, column(end)},
                          "a quote inside an unquoted field; quote the whole field and write the quote as \"\"",
                          line_text(line_));
        ++end;
      }
      field.assign(text_.substr(pos_, end - pos_));
      pos_ = end;
    }
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // End of the record.
    r.fields.resize(n);
    if (pos_ < text_.size()) pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
    line_start_ = pos_;
    return true;
  }
}

std::string_view csv_unneutralise(std::string_view field) {
  if (field.size() >= 2 && field[0] == '\'') {
    char c = field[1];
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') field.remove_prefix(1);
  }
  return field;
}

}  // namespace riskreg
