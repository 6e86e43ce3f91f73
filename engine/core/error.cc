#include "core/error.h"

namespace riskreg {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Internal: return 1;
    case ErrorKind::Usage: return 2;
    case ErrorKind::NotFound: return 3;
    case ErrorKind::InvalidInput: return 4;
    case ErrorKind::BadFile: return 5;
    case ErrorKind::NoDatabase: return 6;
    case ErrorKind::Schema: return 7;
    case ErrorKind::Conflict: return 8;
    case ErrorKind::Busy: return 9;
    case ErrorKind::Delivery: return 10;
    case ErrorKind::Tampered: return 11;
  }
  return 1;
}

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Internal: return "internal";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::NotFound: return "not-found";
    case ErrorKind::InvalidInput: return "invalid-input";
    case ErrorKind::BadFile: return "bad-file";
    case ErrorKind::NoDatabase: return "no-database";
    case ErrorKind::Schema: return "schema";
    case ErrorKind::Conflict: return "conflict";
    case ErrorKind::Busy: return "busy";
    case ErrorKind::Delivery: return "delivery";
    case ErrorKind::Tampered: return "tampered";
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
    detail_ = "  " + source_line + "\n  ";
    // The caret counts characters, not bytes, so it sits under multi-byte text correctly.
    int col = 1;
    for (size_t i = 0; i < source_line.size() && col < pos.column; ++i) {
      unsigned char c = static_cast<unsigned char>(source_line[i]);
      if ((c & 0xC0) == 0x80) continue;
      detail_ += source_line[i] == '\t' ? '\t' : ' ';
      ++col;
    }
    detail_ += "^";
  }
}

}  // namespace riskreg
