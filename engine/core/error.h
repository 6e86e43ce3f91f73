#pragma once
/// Typed errors. The engine throws these; `cli/main.cc` catches them once and maps
/// each kind to its documented exit code (README "Exit codes").
#include <stdexcept>
#include <string>

namespace riskreg {

/// What went wrong, independent of the message. Each kind has one exit code.
enum class ErrorKind {
  Internal,      ///< a bug or an unexpected library failure
  Usage,         ///< bad command-line arguments
  NotFound,      ///< an id that the register does not hold
  InvalidInput,  ///< a value the register cannot accept (bad score, empty reason)
  BadFile,       ///< a malformed data, rules or import file
  NoDatabase,    ///< no register at the path yet
  Schema,        ///< a database written by a newer riskreg, or not a register
  Conflict,      ///< a lost-update guard or an existing file refused the write
  Busy,          ///< the database stayed locked past the retry budget
  Delivery,      ///< some alert deliveries failed
  Tampered,      ///< the audit chain or the history it records does not verify
  Unanchored,    ///< the register no longer holds the history an anchor (a head kept elsewhere) names
  Environment,   ///< the machine refused: disk full, permission denied, database unreachable
};

/// The exit code of each kind; documented in README.md and tested.
int exit_code(ErrorKind kind);
/// A short lower-case name for messages and JSON ("not-found").
const char* kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

/// A position in a text file, 1-based, for `file:line:col:` messages.
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

/// A malformed file. what() is the whole one-line message `file:line:col: problem`;
/// detail() holds the offending line and a caret under the column, when known.
class FileError : public Error {
 public:
  FileError(const SourcePos& pos, const std::string& problem, const std::string& source_line = {});
  const SourcePos& pos() const { return pos_; }
  const std::string& problem() const { return problem_; }
  /// The offending line and a caret line ("" when the line is unknown).
  const std::string& detail() const { return detail_; }

 private:
  SourcePos pos_;
  std::string problem_;
  std::string detail_;
};

}  // namespace riskreg
