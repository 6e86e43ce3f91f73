#pragma once
/// What every command gets: the resolved options and the collaborators the engine needs
/// (store, matrix, clock, user). Opened lazily, so `--help` and `init` need no register.
#include <iosfwd>
#include <memory>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>

#include "core/clock.h"
#include "domain/matrix.h"
#include "render.h"
#include "store/store.h"

namespace riskreg::cli {

struct GlobalOptions {
  std::string db;  ///< --db (else RISKREG_DB, else the default path)
};

/// A stream buffer that writes what it is given to `sink` with control characters escaped
/// (`\x1b`, `\r`, `\u009b`): text stored in a register (a name, a reason) cannot move the
/// cursor, clear the screen or set a terminal's title. Line breaks and tabs pass, and so do
/// the colour sequences riskreg writes itself (`ESC [ digits ; ... m`, `ESC [ K`); a carriage
/// return passes only when `allow_cr` (the progress line on a terminal's stderr).
class ControlEscapingBuf : public std::streambuf {
 public:
  ControlEscapingBuf(std::streambuf* sink, bool allow_cr) : sink_(sink), allow_cr_(allow_cr) {}
  ~ControlEscapingBuf() override;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void put(unsigned char c);
  void flush_pending();
  std::streambuf* sink_;
  bool allow_cr_;
  std::string pending_;  ///< an escape sequence or a UTF-8 lead byte C2 not yet judged
};

class Context {
  // Declared first: `out` and `err` may refer to these, so they are built before them.
  std::unique_ptr<ControlEscapingBuf> out_buf_, err_buf_;
  std::unique_ptr<std::ostream> out_filtered_, err_filtered_;
  bool out_terminal_ = false;

 public:
  /// `out` is filtered (ControlEscapingBuf) when it is std::cout on a terminal; `err` always.
  /// A `--csv` list piped to a file keeps its bytes.
  Context(std::ostream& out, std::ostream& err);

  GlobalOptions options;
  std::ostream& out;
  std::ostream& err;

  /// --db, else RISKREG_DB, else $XDG_DATA_HOME/riskreg/register.db
  /// (~/.local/share/riskreg/register.db). A path or `sqlite:PATH` is an SQLite file; a
  /// `postgresql://` or `postgres://` connection string is a PostgreSQL database.
  std::string db_path() const;
  /// The register (store/open.h chooses SQLite or PostgreSQL); Error(NoDatabase) if there is none.
  Store& store();
  /// The register's matrix (from the rules stored in it).
  const Matrix& matrix();
  /// Parses every rules file stored in the register (register/rules_bundle.h validate_rules),
  /// once. Every write command calls it before its transaction, so a broken rules file is
  /// refused (exit 5) with the register left as it was.
  void check_rules();
  const Clock& clock() const { return *clock_; }
  /// The OS user, for "who" on writes.
  std::string os_user() const;
  /// Who a write is by: `--as NAME` when given (refused, exit 4, when blank, not UTF-8 or
  /// holding a control character), else the OS user.
  std::string actor(const std::optional<std::string>& as) const;
  /// Colour only on a terminal and when NO_COLOR is unset.
  bool colour() const;
  /// How many colours the output shows (render.h: none off a terminal, for NO_COLOR or TERM=dumb).
  ColourDepth colour_depth() const;
  /// Columns to fit the output to: the terminal's width, 80 when not a terminal.
  size_t width() const;
  /// Where `init` finds data and rules by default (the source tree this riskreg was built from).
  std::string default_data_dir() const;
  std::string default_rules_dir() const;

 private:
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<Store> store_;
  std::optional<Matrix> matrix_;
  bool rules_checked_ = false;
};

}  // namespace riskreg::cli
