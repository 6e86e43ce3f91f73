#pragma once
/// What every command gets: the resolved options and the collaborators the engine needs
/// (store, matrix, clock, user). Opened lazily, so `--help` and `init` need no register.
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/matrix.h"
#include "render.h"
#include "store/store.h"

namespace riskreg::cli {

struct GlobalOptions {
  std::string db;  ///< --db (else RISKREG_DB, else the default path)
};

class Context {
 public:
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
  const Clock& clock() const { return *clock_; }
  /// The OS user, for "who" on writes.
  std::string os_user() const;
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
};

}  // namespace riskreg::cli
