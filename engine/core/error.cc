#include "core/error.h"

#include <algorithm>

namespace riskreg {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Internal:
      return 1;
    case ErrorKind::Usage:
      return 2;
    case ErrorKind::NotFound:
      return 3;
    case ErrorKind::InvalidInput:
      return 4;
    case ErrorKind::BadFile:
      return 5;
    case ErrorKind::NoDatabase:
      return 6;
    case ErrorKind::Schema:
      return 7;
    case ErrorKind::Conflict:
      return 8;
    case ErrorKind::Busy:
      return 9;
    case ErrorKind::Delivery:
      return 10;
    case ErrorKind::Tampered:
      return 11;
    case ErrorKind::Environment:
      return 12;
    case ErrorKind::Unanchored:
      return 13;
  }
  return 1;
}

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Internal:
      return "internal";
    case ErrorKind::Usage:
      return "usage";
    case ErrorKind::NotFound:
      return "not-found";
    case ErrorKind::InvalidInput:
      return "invalid-input";
    case ErrorKind::BadFile:
      return "bad-file";
    case ErrorKind::NoDatabase:
      return "no-database";
    case ErrorKind::Schema:
      return "schema";
    case ErrorKind::Conflict:
      return "conflict";
    case ErrorKind::Busy:
      return "busy";
    case ErrorKind::Delivery:
      return "delivery";
    case ErrorKind::Tampered:
      return "tampered";
    case ErrorKind::Unanchored:
      return "unanchored";
    case ErrorKind::Environment:
      return "environment";
  }
  return "internal";
}

namespace {
std::string position(const SourcePos& pos) {
  std::string s = pos.file;
  if (pos.line > 0) {
    s += ":" + std::to_string(pos.line);
    if (pos.column > 0) s += ":" + std::to_string(pos.column);
  }
  return s;
}
}  // namespace

FileError::FileError(const SourcePos& pos, const std::string& problem, const std::string& source_line)
    : Error(ErrorKind::BadFile, position(pos) + ": " + problem), pos_(pos), problem_(problem) {
  if (!source_line.empty()) {
    // A very long line (a 4 MiB value, brackets nested 100,000 deep) shows as a window of
    // about kShown bytes around the column, so the message stays short.
    constexpr size_t kShown = 160;
    std::string line = source_line;
    int column = pos.column;
    if (line.size() > kShown) {
      auto continuation = [&](size_t i) {
        return i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80;
      };
      size_t at = 0;  // the byte where the column's character starts
      for (int c = 1; at < line.size() && c < column; ++c)
        for (++at; continuation(at);) ++at;
      size_t from = at > kShown / 2 ? at - kShown / 2 : 0, to = std::min(line.size(), from + kShown);
      while (continuation(from)) --from;
      while (continuation(to)) ++to;
      column = 1;
      for (size_t i = from; i < at; ++i) column += continuation(i) ? 0 : 1;
      std::string head = from > 0 ? "…" : "";
      if (from > 0) ++column;
      line = head + line.substr(from, to - from) + (to < line.size() ? "…" : "");
    }
    detail_ = "  " + line + "\n  ";
    // The caret counts characters, not bytes, so it sits under multi-byte text correctly.
    int col = 1;
    for (size_t i = 0; i < line.size() && col < column; ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      if ((c & 0xC0) == 0x80) continue;
      detail_ += line[i] == '\t' ? '\t' : ' ';
      ++col;
    }
    detail_ += "^";
  }
}

}  // namespace riskreg
