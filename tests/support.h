#pragma once
// Test support: temporary directories, running the built riskreg as a real process, golden
// files (tests/golden/), shell commands, headless Chromium and its PNG screenshots. Set
// RISKREG_UPDATE_GOLDEN=1 to rewrite golden files.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace riskreg::test {

/// A fresh directory, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs the built riskreg with `args` and extra environment (RISKREG_NOW fixed by default,
/// NO_COLOR set, HOME pointed at a scratch dir unless given). stdin is /dev/null.
RunResult run_riskreg(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
std::string source_path(const std::string& rel);  ///< a path in the source tree

/// Compares `actual` with tests/golden/<name>; a mismatch fails with both texts.
void check_golden(const std::string& name, const std::string& actual);

/// The text without ANSI colour sequences.
std::string plain(const std::string& s);
/// The widest line, in characters (UTF-8 code points), colours not counted.
size_t widest(const std::string& s);

/// How many times a test that starts riskreg processes by the hundred repeats its step: `n`,
/// divided by RISKREG_TEST_REPEAT_DIVISOR when set (scripts/sanitize.sh sets 4: under the
/// sanitizers every process starts several times slower), and never less than 1. The normal
/// suite runs the full counts the issues ask for.
int repeats(int n);

/// The environment every riskreg a test starts runs in: a fixed RISKREG_NOW, NO_COLOR, PATH,
/// USER=tester, a HOME that does not exist, and the sanitizer settings (ASAN_OPTIONS,
/// UBSAN_OPTIONS, LSAN_OPTIONS) passed through, so that under scripts/sanitize.sh every child
/// reports where that script looks.
std::map<std::string, std::string> riskreg_env();

/// A fresh Darlington register in `dir` (riskreg init), returning its path.
std::string init_darlington(const TempDir& dir);

/// Darlington created in `dir`, R5 re-scored to B2 on 2026-12-01 by alice ("Savings target
/// raised") and to A1 on 2026-12-05 by bob ("Budget cut"); returns the register's path.
std::string darlington_with_history(const TempDir& dir);

/// Runs `sql` on the SQLite register at `db` over a raw connection, as a tamperer would: the
/// append-only triggers of assessments and owner_changes dropped, no foreign keys.
void tamper_sql(const std::string& db, const std::string& sql);

/// A shell command's exit code (-1 if it did not exit) and its stdout.
struct Shell {
  int exit_code = -1;
  std::string out;
};

/// Runs a shell command (paths in it come from TempDir: no quoting needed), its stdout.
Shell shell(const std::string& cmd);

/// Headless Chromium (Debian's `chromium`, scripts/setup.sh installs it) on the file `html`
/// with the switches `what` (--dump-dom, --screenshot=..., --print-to-pdf=...), bounded by a
/// timeout, its profile in `dir`. Its absence or failure fails the test.
Shell chromium(const TempDir& dir, const std::string& html, const std::string& what);

struct Image {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;  ///< 3 bytes a pixel
};

/// Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium and pdftoppm write).
Image decode_png(const std::string& png);

/// The band colours of the matrix the register was created with (rules/matrix.toml).
std::vector<uint32_t> band_colours();

}  // namespace riskreg::test
