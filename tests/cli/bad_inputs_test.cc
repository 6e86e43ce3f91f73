// The bad-inputs catalogue. The table below is the source of truth for docs/bad-inputs.md:
// each row is one bad input (a file, an argument, the environment, or the state of the
// database), the exact message, the exit code, and how the test proves the register was left
// unchanged. Each row runs as its own test case; a last test checks that the document lists
// every row, so the two cannot drift apart.
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <optional>

#include "cli/child_process.h"
#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;

namespace {

/// How a row proves the register was left alone.
enum class Proof {
  Unchanged,   ///< the register's bytes (file and WAL) are identical before and after
  NotCreated,  ///< no file appears at the database path
  SameRows,    ///< the same assessments and audit entries (a failed write may leave WAL bytes)
};

struct Row {
  std::string id;    ///< the row's name in docs/bad-inputs.md
  std::string what;  ///< the bad input, in words
  /// Prepares the input in `dir` after a fresh register was made at `db`.
  std::function<void(const TempDir& dir, const std::string& db)> prepare;
  std::vector<std::string> args;  ///< {db} and {dir} are replaced
  std::map<std::string, std::string> env;
  int code;
  std::string err;  ///< the whole stderr; a trailing "…" compares the start only
  Proof proof = Proof::Unchanged;
  std::string target = "{db}";  ///< the database the proof looks at
  long max_file_bytes = -1;     ///< RLIMIT_FSIZE for the run (a full disk)
  long tmpfs_bytes = 0;         ///< mount a tmpfs of this size at {dir}/small before `prepare`
  bool verifies = true;         ///< `audit verify` passes on the register afterwards (not when prepare damaged it)
};

std::string subst(std::string s, const TempDir& dir, const std::string& db) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{db}", db}, {"{dir}", dir.path()}})
    for (size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), value);
  return s;
}

std::string snapshot(const std::string& db) {
  std::string wal = fs::exists(db + "-wal") ? read_file(db + "-wal") : "";
  return read_file(db) + "|wal|" + wal;
}

std::string rows_of(const std::string& db) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return std::to_string(d.execAndGet("SELECT count(*) FROM assessments").getInt64()) + "/" +
         d.execAndGet("SELECT group_concat(hash) FROM audit").getString();
}

/// A data folder: the Darlington one with `file` replaced by `text`.
std::string data_with(const TempDir& dir, const std::string& file, const std::string& text) {
  std::string d = dir.file("data");
  fs::remove_all(d);
  fs::copy(source_path("data/darlington-2009"), d, fs::copy_options::recursive);
  write_file(d + "/" + file, text);
  return d;
}

void set_user_version(const std::string& db, int v) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  d.exec("PRAGMA user_version = " + std::to_string(v));
}

/// Makes `db` unwritable. chmod 0400 does not stop root, so as root the file is made
/// immutable (chattr +i), which does; the flag is cleared by ReadOnlyGuard.
bool make_read_only(const std::string& db) {
  if (::geteuid() != 0) return ::chmod(db.c_str(), 0400) == 0;
  return std::system(("chattr +i '" + db + "'").c_str()) == 0;
}
void undo_read_only(const std::string& db) {
  if (::geteuid() == 0) (void)std::system(("chattr -i '" + db + "' 2>/dev/null").c_str());
  ::chmod(db.c_str(), 0600);
}

/// A tmpfs of `bytes` mounted at `dir` for the scope (a real file system that really fills
/// up). Mounting needs root, as the tests run in CI; anywhere else the row fails, loudly.
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, long bytes) : dir_(dir) {
    fs::create_directories(dir_);
    std::string cmd = "mount -t tmpfs -o size=" + std::to_string(bytes) + " riskreg-test '" + dir_ + "' 2>&1";
    INFO("mounting a tmpfs needs root (CI runs the tests as root): " << cmd);
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  ~Tmpfs() { (void)std::system(("umount '" + dir_ + "' 2>/dev/null").c_str()); }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

 private:
  std::string dir_;
};

/// Fills the file system holding `dir` until a write fails with ENOSPC, then frees `leave`
/// bytes again: room for SQLite's shared-memory file and a small write, not a large one.
void fill_disk(const std::string& dir, size_t leave) {
  write_file(dir + "/spare", std::string(leave, 's'));
  FILE* f = std::fopen((dir + "/filler").c_str(), "wb");
  REQUIRE(f);
  std::string block(4096, 'f');
  while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
  }
  std::fclose(f);
  fs::remove(dir + "/spare");
}

std::string rules_file(const TempDir& dir, const std::string& condition) {
  std::string f = dir.file("flags.toml");
  write_file(f, "[[rule]]\nname = \"DEEP\"\nseverity = \"info\"\ndescription = \"d\"\nwhen = '" + condition +
                    "'\nmessage = \"{id}\"\n");
  return f;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

/// Replaces the content of a rules file stored in the register (a hand edit of the database).
void break_stored_rules(const std::string& db, const std::string& name, const std::string& content) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  SQLite::Statement st(d, "UPDATE rules_files SET content = ? WHERE name = ?");
  st.bind(1, content);
  st.bind(2, name);
  REQUIRE(st.exec() >= 1);
}

/// A copy of the source rules folder at DIR/rules with `file` replaced by `text`.
void rules_with(const TempDir& dir, const std::string& file, const std::string& text) {
  std::string d = dir.file("rules");
  fs::remove_all(d);
  fs::copy(source_path("rules"), d, fs::copy_options::recursive);
  write_file(d + "/" + file, text);
}

const std::string kMatrix = "Zurich 6x4 (Darlington Children's Services Departmental Plan 2009-2013)";

/// Closes R3 (for the rows about closed risks).
void close_r3(const TempDir&, const std::string& db) {
  if (run_riskreg({"--db", db, "close", "R3", "--reason", "merged", "--as", "manager"}).exit_code != 0)
    throw std::runtime_error("could not close R3");
}

const std::vector<Row>& rows() {
  static const std::
      vector<Row>
          r =
              {
                  {"db-missing",
                   "a database path where nothing exists (read)",
                   nullptr,
                   {"--db", "{dir}/missing.db", "list"},
                   {},
                   6,
                   "riskreg: no register at {dir}/missing.db; create one with 'riskreg init'\n",
                   Proof::NotCreated,
                   "{dir}/missing.db"},
                  {"db-missing-write",
                   "a database path where nothing exists (write)",
                   nullptr,
                   {"--db", "{dir}/missing.db", "score", "R5", "B2", "--reason", "x"},
                   {},
                   6,
                   "riskreg: no register at {dir}/missing.db; create one with 'riskreg init'\n",
                   Proof::NotCreated,
                   "{dir}/missing.db"},
                  {"db-not-sqlite",
                   "a text file given as the database",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("text.db"), repeat("not a database\n", 400));
                   },
                   {"--db", "{dir}/text.db", "list"},
                   {},
                   7,
                   "riskreg: {dir}/text.db: not a riskreg register, or damaged (file is not a database)\n",
                   Proof::Unchanged,
                   "{dir}/text.db"},
                  {"db-empty-file",
                   "an empty file given as the database",
                   [](const TempDir& d, const std::string&) { write_file(d.file("empty.db"), ""); },
                   {"--db", "{dir}/empty.db", "score", "R5", "B2", "--reason", "x"},
                   {},
                   7,
                   "riskreg: {dir}/empty.db: not a riskreg register (no schema version); was it created by 'riskreg "
                   "init'?\n",
                   Proof::Unchanged,
                   "{dir}/empty.db"},
                  {"db-other-sqlite",
                   "another program's SQLite database",
                   [](const TempDir& d, const std::string&) {
                     SQLite::Database o(d.file("other.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
                     o.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
                   },
                   {"--db", "{dir}/other.db", "list"},
                   {},
                   7,
                   "riskreg: {dir}/other.db: not a riskreg register (no schema version); was it created by 'riskreg "
                   "init'?\n",
                   Proof::Unchanged,
                   "{dir}/other.db"},
                  {"db-newer-schema",
                   "a register written by a newer riskreg (schema version 42)",
                   [](const TempDir&, const std::string& db) { set_user_version(db, 42); },
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x"},
                   {},
                   7,
                   "riskreg: {db}: the register has schema version 42, newer than this riskreg understands (…"},
                  {"db-corrupted",
                   "a register whose middle pages were overwritten with 0xA5 bytes",
                   [](const TempDir&, const std::string& db) {
                     std::string bytes = read_file(db);
                     for (size_t i = bytes.size() / 4; i < bytes.size() * 3 / 4; ++i) bytes[i] = '\xA5';
                     write_file(db, bytes);
                   },
                   {"--db", "{db}", "list"},
                   {},
                   7,
                   "riskreg: {db}: not a riskreg register, or damaged (…"},
                  {"db-read-only",
                   "a register file that cannot be written (chmod 0400; chattr +i when run as root)",
                   [](const TempDir&, const std::string& db) { REQUIRE(make_read_only(db)); },
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x"},
                   {},
                   12,
                   "riskreg: {db}: cannot write the register (…"},
                  {"disk-full",
                   "the disk fills during a re-score (RLIMIT_FSIZE of 40 kB, a 100 kB reason)",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", std::string(100 * 1000, 'r')},
                   {},
                   12,
                   "riskreg: {db}: …",
                   Proof::SameRows,
                   "{db}",
                   40 * 1024},
                  {"env-bad-now",
                   "RISKREG_NOW that is not a time",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x"},
                   {{"RISKREG_NOW", "yesterday"}},
                   2,
                   "riskreg: RISKREG_NOW='yesterday' is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n"},
                  {"env-impossible-date",
                   "RISKREG_NOW on a day that does not exist (30 February)",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x"},
                   {{"RISKREG_NOW", "2026-02-30"}},
                   2,
                   "riskreg: RISKREG_NOW='2026-02-30' is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n"},
                  {"data-invalid-utf8",
                   "a data file with a byte that is not UTF-8",
                   [](const TempDir& d, const std::string&) {
                     data_with(d, "risks.toml",
                               read_file(source_path("data/darlington-2009/risks.toml")) + "# caf\xE9\n");
                   },
                   {"--db", "{dir}/new.db", "init", "--data", "{dir}/data"},
                   {},
                   5,
                   "riskreg: {dir}/data/risks.toml: not valid UTF-8 text (or contains a NUL byte)\n",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"data-nul-byte",
                   "a data file with a NUL byte",
                   [](const TempDir& d, const std::string&) {
                     data_with(d, "register.toml",
                               read_file(source_path("data/darlington-2009/register.toml")) + std::string("# \0\n", 4));
                   },
                   {"--db", "{dir}/new.db", "init", "--data", "{dir}/data"},
                   {},
                   5,
                   "riskreg: {dir}/data/register.toml: not valid UTF-8 text (or contains a NUL byte)\n",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"data-deep-nesting",
                   "a data file with arrays nested 100,000 deep",
                   [](const TempDir& d, const std::string&) {
                     data_with(d, "register.toml",
                               "name = \"x\"\nnotes = " + repeat("[", 100000) + repeat("]", 100000) + "\n");
                   },
                   {"--db", "{dir}/new.db", "init", "--data", "{dir}/data"},
                   {},
                   5,
                   "riskreg: {dir}/data/register.toml:2:…",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"data-huge-field",
                   "a data file whose score is a 4 MiB string",
                   [](const TempDir& d, const std::string&) {
                     std::string risks = read_file(source_path("data/darlington-2009/risks.toml"));
                     auto p = risks.find("current = \"");
                     REQUIRE(p != std::string::npos);
                     risks.insert(p + 11, std::string(4 << 20, 'C'));
                     data_with(d, "risks.toml", risks);
                   },
                   {"--db", "{dir}/new.db", "init", "--data", "{dir}/data"},
                   {},
                   5,
                   "riskreg: {dir}/data/risks.toml:…",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"rules-deep-parentheses",
                   "a rule condition with 200 nested parentheses",
                   [](const TempDir& d, const std::string&) {
                     rules_file(d, repeat("(", 200) + "true" + repeat(")", 200));
                   },
                   {"--db", "{db}", "rules", "check", "{dir}/flags.toml", "--matrix", source_path("rules/matrix.toml")},
                   {},
                   5,
                   "riskreg: {dir}/flags.toml:…parentheses nested more than 64 deep…"},
                  {"rules-deep-not",
                   "a rule condition of 500 'not's",
                   [](const TempDir& d, const std::string&) { rules_file(d, repeat("not ", 500) + "true"); },
                   {"--db", "{db}", "rules", "check", "{dir}/flags.toml", "--matrix", source_path("rules/matrix.toml")},
                   {},
                   5,
                   "riskreg: {dir}/flags.toml:…'not' nested more than 64 deep…"},
                  {"rules-deep-minus",
                   "a rule condition of 500 unary minuses",
                   [](const TempDir& d, const std::string&) { rules_file(d, repeat("-", 500) + "1 > 0"); },
                   {"--db", "{db}", "rules", "check", "{dir}/flags.toml", "--matrix", source_path("rules/matrix.toml")},
                   {},
                   5,
                   "riskreg: {dir}/flags.toml:…unary '-' nested more than 64 deep…"},
                  {"rules-long-chain",
                   "a rule condition of 50,000 additions (a syntax tree 50,000 deep)",
                   [](const TempDir& d, const std::string&) { rules_file(d, repeat("1 + ", 50000) + "1 > 0"); },
                   {"--db", "{db}", "rules", "check", "{dir}/flags.toml", "--matrix", source_path("rules/matrix.toml")},
                   {},
                   5,
                   "riskreg: {dir}/flags.toml:…the condition is too long (more than 1000 tokens)…"},
                  {"arg-reason-invalid-utf8",
                   "a re-score reason that is not UTF-8",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "caf\xE9"},
                   {},
                   4,
                   "riskreg: R5: the reason is not valid UTF-8 text\n"},
                  {"arg-score-invalid-utf8",
                   "a score that is not UTF-8",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "\xC3", "--reason", "x"},
                   {},
                   4,
                   "riskreg: '\xC3' is not a score on the matrix '" + kMatrix + "'…"},
                  {"export-exists",
                   "an export over an existing file, without --force",
                   [](const TempDir& d, const std::string&) { write_file(d.file("out.json"), "keep me"); },
                   {"--db", "{db}", "export", "--format", "json", "--out", "{dir}/out.json"},
                   {},
                   8,
                   "riskreg: {dir}/out.json already exists; use --force to overwrite it\n"},
                  {"disk-full-tmpfs",
                   "the disk really fills (ENOSPC) during a re-score: a register on a full 1 MiB tmpfs",
                   [](const TempDir& d, const std::string& db) {
                     fs::copy_file(db, d.file("small/register.db"));
                     fill_disk(d.file("small"), 48 * 1024);
                   },
                   {"--db", "{dir}/small/register.db", "score", "R5", "B2", "--reason", std::string(100 * 1000, 'r')},
                   {},
                   12,
                   "riskreg: {dir}/small/register.db: the disk is full; nothing was written\n",
                   Proof::SameRows,
                   "{dir}/small/register.db",
                   -1,
                   1 << 20},
                  {"arg-reason-overlong-utf8",
                   "a re-score reason with an overlong UTF-8 form ('/' as C0 AF)",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason",
                    "a\xC0\xAF"
                    "b"},
                   {},
                   4,
                   "riskreg: R5: the reason is not valid UTF-8 text\n"},
                  {"arg-owner-surrogate",
                   "an owner name holding a UTF-16 surrogate (ED A0 80)",
                   nullptr,
                   {"--db", "{db}", "owner", "R5", "Ann \xED\xA0\x80"},
                   {},
                   4,
                   "riskreg: R5: the owner's name is not valid UTF-8 text\n"},
                  {"data-overlong-utf8",
                   "a data file with an overlong UTF-8 form (E0 80 AF)",
                   [](const TempDir& d, const std::string&) {
                     data_with(d, "risks.toml",
                               read_file(source_path("data/darlington-2009/risks.toml")) + "# \xE0\x80\xAF\n");
                   },
                   {"--db", "{dir}/new.db", "init", "--data", "{dir}/data"},
                   {},
                   5,
                   "riskreg: {dir}/data/risks.toml: not valid UTF-8 text (or contains a NUL byte)\n",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"data-surrogate-utf8",
                   "a data file with a UTF-16 surrogate (ED B0 80)",
                   [](const TempDir& d, const std::string&) {
                     data_with(d, "feeds.toml",
                               read_file(source_path("data/darlington-2009/feeds.toml")) + "# \xED\xB0\x80\n");
                   },
                   {"--db", "{dir}/new.db", "init", "--data", "{dir}/data"},
                   {},
                   5,
                   "riskreg: {dir}/data/feeds.toml: not valid UTF-8 text (or contains a NUL byte)\n",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"data-past-unicode",
                   "a data file with a code point past U+10FFFF (F4 90 80 80)",
                   [](const TempDir& d, const std::string&) {
                     data_with(d, "register.toml",
                               read_file(source_path("data/darlington-2009/register.toml")) + "# \xF4\x90\x80\x80\n");
                   },
                   {"--db", "{dir}/new.db", "init", "--data", "{dir}/data"},
                   {},
                   5,
                   "riskreg: {dir}/data/register.toml: not valid UTF-8 text (or contains a NUL byte)\n",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"arg-unknown-risk",
                   "a risk id the register does not hold",
                   nullptr,
                   {"--db", "{db}", "score", "R99", "B2", "--reason", "x"},
                   {},
                   3,
                   "riskreg: unknown risk 'R99'…"},
                  {"arg-score-off-matrix",
                   "a score the matrix does not have (G5)",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "G5", "--reason", "x"},
                   {},
                   4,
                   "riskreg: 'G5' is not a score on the matrix '" + kMatrix +
                       "': likelihood is one of A/B/C/D/E/F and impact "
                       "one of 1/2/3/4 (e.g. D1)\n"},
                  {"arg-missing-reason",
                   "a re-score without --reason",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2"},
                   {},
                   2,
                   "riskreg: --reason is required\nUsage: riskreg score [OPTIONS] id score  (riskreg help score)\n"},
                  {"arg-blank-reason",
                   "a re-score whose reason is blank",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "   "},
                   {},
                   4,
                   "riskreg: R5: a re-score needs a reason (--reason TEXT), and it cannot be blank\n"},
                  {"arg-unknown-command",
                   "a misspelt command",
                   nullptr,
                   {"--db", "{db}", "scor", "R5", "B2"},
                   {},
                   2,
                   "riskreg: unknown command 'scor'; did you mean 'score'? (commands: …"},
                  {"file-import-missing",
                   "import of a file that does not exist",
                   nullptr,
                   {"--db", "{db}", "import", "{dir}/nope.csv"},
                   {},
                   3,
                   "riskreg: cannot read {dir}/nope.csv\n"},
                  {"file-import-overlong-utf8",
                   "import of a CSV file with an overlong UTF-8 form (C1 BF)",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("bad.csv"), "id,title,current\nR10,a\xC1\xBF,C3\n");
                   },
                   {"--db", "{db}", "import", "{dir}/bad.csv"},
                   {},
                   5,
                   "riskreg: {dir}/bad.csv:2:6: byte 0xC1 is not UTF-8; save the file as UTF-8 CSV\n"},
                  {"file-rules-missing",
                   "rules check on a rules file that does not exist",
                   nullptr,
                   {"--db", "{db}", "rules", "check", "{dir}/nope.toml", "--matrix", source_path("rules/matrix.toml")},
                   {},
                   5,
                   "riskreg: {dir}/nope.toml: cannot read the file\nriskreg: rules check: 1 of 1 file has errors\n"},
                  {"env-bad-log",
                   "RISKREG_LOG that is not a log level",
                   nullptr,
                   {"--db", "{db}", "list"},
                   {{"RISKREG_LOG", "verbose"}},
                   2,
                   "riskreg: RISKREG_LOG='verbose' is not a log level: use trace, debug, info, warn, error, critical "
                   "or off\n"},
                  {"env-db-directory",
                   "RISKREG_DB naming a directory",
                   nullptr,
                   {"list"},
                   {{"RISKREG_DB", "{dir}"}},
                   7,
                   "riskreg: {dir}: a directory, not a riskreg register\n"},
                  {"arg-rank-target-unknown",
                   "network --rank --target naming no risk",
                   nullptr,
                   {"--db", "{db}", "network", "--rank", "--target", "R99"},
                   {},
                   3,
                   "riskreg: --target: unknown risk 'R99'; did you mean 'R9'?\n"},
                  {"arg-rank-top-zero",
                   "network --rank --top 0",
                   nullptr,
                   {"--db", "{db}", "network", "--rank", "--top", "0"},
                   {},
                   2,
                   "riskreg: --top must be at least 1 (got 0)\n"},
                  {"file-network-no-links",
                   "network --rank on a network file with no links",
                   nullptr,
                   {"--db", "{db}", "network", "--rank", "--file",
                    source_path("tests/fixtures/networks/no-links.toml")},
                   {},
                   4,
                   "riskreg: " + source_path("tests/fixtures/networks/no-links.toml") +
                       " has no links: nothing propagates, so there is nothing to rank (add [[link]] entries)\n"},
                  {"audit-head-not-hash",
                   "audit verify --head with a value that is not a chain hash",
                   nullptr,
                   {"--db", "{db}", "audit", "verify", "--head", "3f2a9c"},
                   {},
                   2,
                   "riskreg: --head '3f2a9c' is not an audit chain hash: 64 hexadecimal digits, as 'audit verify', "
                   "'audit "
                   "anchor' and an export's manifest show it\n"},
                  {"audit-manifest-not-manifest",
                   "audit verify --manifest on a JSON file that is not an export's manifest",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("notes.json"), "{\"name\": \"minutes\"}\n");
                   },
                   {"--db", "{db}", "audit", "verify", "--manifest", "{dir}/notes.json"},
                   {},
                   5,
                   "riskreg: {dir}/notes.json: not a riskreg export manifest (a CSV export's manifest.json or folder, "
                   "or a "
                   "JSON "
                   "export; for an XLSX or HTML export, give the audit head it shows with --head)\n"},
                  {"audit-manifest-missing",
                   "audit verify --manifest on a file that does not exist",
                   nullptr,
                   {"--db", "{db}", "audit", "verify", "--manifest", "{dir}/nope.json"},
                   {},
                   3,
                   "riskreg: cannot read {dir}/nope.json\n"},
                  {"audit-anchor-not-anchor",
                   "audit verify --anchor on an export's manifest",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("manifest.json"), "{\"riskreg_version\": \"0.1.0\", \"audit_head\": \"\"}\n");
                   },
                   {"--db", "{db}", "audit", "verify", "--anchor", "{dir}/manifest.json"},
                   {},
                   5,
                   "riskreg: {dir}/manifest.json: an export's manifest, not an anchor; use --manifest "
                   "{dir}/manifest.json\n"},
                  {"audit-anchor-exists",
                   "audit anchor --out FILE where FILE exists, without --force",
                   // out.json: check_row also proves the file it names was left as it was.
                   [](const TempDir& d, const std::string&) { write_file(d.file("out.json"), "an earlier anchor\n"); },
                   {"--db", "{db}", "audit", "anchor", "--out", "{dir}/out.json"},
                   {},
                   8,
                   "riskreg: {dir}/out.json already exists; use --force to overwrite it\n"},
                  {"db-schema-negative",
                   "a register whose schema version was set to -1 (PRAGMA user_version = -1)",
                   [](const TempDir&, const std::string& db) { set_user_version(db, -1); },
                   {"--db", "{db}", "list"},
                   {},
                   7,
                   "riskreg: {db}: the register's schema version -1 is out of range (0 to 6); the file is damaged or "
                   "was "
                   "edited "
                   "by hand\n",
                   Proof::Unchanged,
                   "{db}",
                   -1,
                   0,
                   false},
                  {"db-schema-behind-tables",
                   "a register whose schema version was set back to 1 while its tables are at 3",
                   [](const TempDir&, const std::string& db) { set_user_version(db, 1); },
                   {"--db", "{db}", "list"},
                   {},
                   7,
                   "riskreg: {db}: the register's tables do not match its schema version 1 (table alert_deliveries "
                   "already "
                   "exists"
                   "); the file is damaged or was edited by hand\n",
                   Proof::Unchanged,
                   "{db}",
                   -1,
                   0,
                   false},
                  {"db-list-column-damaged",
                   "a risk whose stored list column is not a JSON list (a hand edit)",
                   [](const TempDir&, const std::string& db) {
                     SQLite::Database d(db, SQLite::OPEN_READWRITE);
                     d.exec("UPDATE risks SET triggers = '{\"x\": 1}' WHERE id = 'R5'");
                   },
                   {"--db", "{db}", "show", "R5"},
                   {},
                   7,
                   "riskreg: {db}: not a riskreg register, or damaged (a stored list is not a JSON list of text: …",
                   Proof::Unchanged,
                   "{db}",
                   -1,
                   0,
                   false},
                  {"arg-owner-escape",
                   "an owner name holding a terminal escape (ESC ] 0 ; … BEL sets a terminal's title)",
                   nullptr,
                   {"--db", "{db}", "owner", "R5", "Ann\x1b]0;pwned\x07"},
                   {},
                   4,
                   "riskreg: R5: the owner's name holds a control character (\\x1b) at character 4; it is one line of "
                   "text: no "
                   "tabs, line breaks or other controls\n"},
                  {"arg-owner-line-break",
                   "an owner name holding CR LF and an SMTP command",
                   nullptr,
                   {"--db", "{db}", "owner", "R5", "Ann\r\nRCPT TO:<x@example.org>"},
                   {},
                   4,
                   "riskreg: R5: the owner's name holds a control character (\\r) at character 4; it is one line of "
                   "text: no "
                   "tabs, line breaks or other controls\n"},
                  {"arg-reason-escape",
                   "a reason holding a terminal escape (ESC [ 2 J clears the screen)",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "ok\x1b[2J"},
                   {},
                   4,
                   "riskreg: R5: the reason holds a control character (\\x1b) at character 3; only tabs and line "
                   "breaks are "
                   "allowed\n"},
                  {"arg-as-blank",
                   "a blank --as",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x", "--as", "  "},
                   {},
                   4,
                   "riskreg: --as: the name cannot be blank\n"},
                  {"arg-as-control",
                   "an --as name holding a carriage return",
                   nullptr,
                   {"--db", "{db}", "owner", "R5", "Ann", "--as", "bob\rmallory"},
                   {},
                   4,
                   "riskreg: --as: the name holds a control character (\\r) at character 4; it is one line of text: no "
                   "tabs, "
                   "line breaks or other controls\n"},
                  {"file-import-title-control",
                   "an import whose title holds a BEL character",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("bell.csv"), "id,title,current\nR5,Ring\x07 the bell,C3\n");
                   },
                   {"--db", "{db}", "import", "{dir}/bell.csv"},
                   {},
                   5,
                   "riskreg: {dir}/bell.csv:2:4: column 'title': risk 'R5': a control character (\\x07) in the title; "
                   "it is "
                   "one "
                   "line of text: no tabs, line breaks or other controls\n…"},
                  {"file-import-id-spellings",
                   "an import naming one risk twice, as R5 and r5",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("twice.csv"), "id,title,current\nR5,One,C3\nr5,Two,C3\n");
                   },
                   {"--db", "{db}", "import", "{dir}/twice.csv"},
                   {},
                   5,
                   "riskreg: {dir}/twice.csv:3:1: column 'id': risk 'R5' appears twice (first on line 2) ('r5' is "
                   "R5)\n…"},
                  {"file-import-bad-status",
                   "an import whose status column holds something other than open or closed",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("status.csv"), "id,status\nR5,shut\n");
                   },
                   {"--db", "{db}", "import", "{dir}/status.csv"},
                   {},
                   5,
                   "riskreg: {dir}/status.csv:2:4: column 'status': risk 'R5': 'shut' is not a status (valid: open, "
                   "closed)\n…"},
                  {"export-force-foreign-folder",
                   "export --force pointed at a folder of documents riskreg did not write",
                   [](const TempDir& d, const std::string&) {
                     fs::create_directories(d.file("documents"));
                     write_file(d.file("documents/minutes.txt"), "keep me\n");
                   },
                   {"--db", "{db}", "export", "--format", "csv", "--out", "{dir}/documents", "--force"},
                   {},
                   8,
                   "riskreg: {dir}/documents is not a riskreg export: --force replaces only a file or a folder an "
                   "earlier "
                   "'riskreg export --format csv' wrote (it holds 'minutes.txt', which an export does not)\n"},
                  {"export-bad-mode",
                   "export --mode that would make the export executable",
                   nullptr,
                   {"--db", "{db}", "export", "--format", "json", "--out", "{dir}/x.json", "--mode", "0755"},
                   {},
                   2,
                   "riskreg: --mode '0755' is not a file mode for an export: use octal digits that keep the owner's "
                   "read and "
                   "write and give no execute or special bits (0600, 0640, 0644)\n"},
                  {"env-now-leap-second",
                   "RISKREG_NOW at second 60",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x"},
                   {{"RISKREG_NOW", "2026-06-30T23:59:60Z"}},
                   2,
                   "riskreg: RISKREG_NOW='2026-06-30T23:59:60Z' is not a time: use YYYY-MM-DD or "
                   "YYYY-MM-DDTHH:MM:SSZ\n"},
                  {"env-now-year-zero",
                   "RISKREG_NOW in year 0",
                   nullptr,
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x"},
                   {{"RISKREG_NOW", "0000-01-01"}},
                   2,
                   "riskreg: RISKREG_NOW='0000-01-01' is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n"},
                  {"rules-stored-cascade-broken",
                   "score on a register whose stored cascade.toml is broken",
                   [](const TempDir&, const std::string& db) { break_stored_rules(db, "cascade.toml", "[cascade\n"); },
                   {"--db", "{db}", "score", "R5", "B2", "--reason", "x"},
                   {},
                   5,
                   "riskreg: rules/cascade.toml:…",
                   Proof::Unchanged,
                   "{db}",
                   -1,
                   0,
                   false},
                  {"init-rules-flags-broken",
                   "init with a rules folder whose flags.toml does not parse",
                   [](const TempDir& d, const std::string&) {
                     rules_with(d, "flags.toml", "[[rule]]\nname = \"X\"\nwhen = '1 +'\n");
                   },
                   {"--db", "{dir}/new.db", "init", "--rules", "{dir}/rules"},
                   {},
                   5,
                   "riskreg: …flags.toml…",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"init-template-broken",
                   "init with an alert template whose section is never closed",
                   [](const TempDir& d, const std::string&) {
                     rules_with(d, "templates/alert-owner.txt.mustache", "Dear {{owner}},\n{{#risks}}\n- {{id}}\n");
                   },
                   {"--db", "{dir}/new.db", "init", "--rules", "{dir}/rules"},
                   {},
                   5,
                   "riskreg: {dir}/rules/templates/alert-owner.txt.mustache:2:1: section 'risks' is never closed "
                   "('{{/risks}}')\n…",
                   Proof::NotCreated,
                   "{dir}/new.db"},
                  {"env-postgres-unreachable",
                   "a PostgreSQL register that cannot be reached, its password in the URL and in a query parameter",
                   nullptr,
                   {"--db", "postgresql://ann:s3cret@127.0.0.1:1/reg?password=hunter2&connect_timeout=2", "list"},
                   {},
                   12,
                   "riskreg: cannot connect to the PostgreSQL server at "
                   "postgresql://ann:***@127.0.0.1:1/reg?password=***&"
                   "connect_timeout=2: …"},
                  {"arg-graph-depth-without-id",
                   "graph --dot --depth N with no risk to count from",
                   nullptr,
                   {"--db", "{db}", "graph", "--dot", "--depth", "2"},
                   {},
                   2,
                   "riskreg: graph --dot --depth N: say which risk to count from (graph --dot ID --depth N)\n"},
                  {"arg-unknown-band",
                   "a --band filter naming no band of the matrix",
                   nullptr,
                   {"--db", "{db}", "list", "--band", "bogus"},
                   {},
                   4,
                   "riskreg: --band 'bogus' is not a band of this matrix (valid: very-high, high, medium, low)\n"},
                  {"arg-unknown-rule",
                   "a --rule filter naming no rule",
                   nullptr,
                   {"--db", "{db}", "flags", "--rule", "no_ownr"},
                   {},
                   4,
                   "riskreg: --rule 'no_ownr' is not a rule of this register (rules: ABOVE_APPETITE, NO_TARGET, "
                   "NO_RESPONSE, ACCEPTANCE_EXPIRED, ACCEPTANCE_EXPIRING, TREATMENT_WITHOUT_PLAN, TREATMENT_OVERDUE, "
                   "UNMITIGATED, STALE_REVIEW, REVIEW_OVERDUE, WORSENED, NO_OWNER); did you mean 'NO_OWNER'?\n"},
                  {"arg-unknown-owner",
                   "a --owner filter naming nobody who owns a risk",
                   [](const TempDir&, const std::string& db) {
                     for (auto [id, name] :
                          {std::pair<const char*, const char*>{"R5", "Jan Lefevre"}, {"R2", "Ann Nobody"}})
                       if (run_riskreg({"--db", db, "owner", id, name, "--as", "manager"}).exit_code != 0)
                         throw std::runtime_error("could not assign an owner");
                   },
                   {"--db", "{db}", "list", "--owner", "jan lefevr"},
                   {},
                   4,
                   "riskreg: --owner 'jan lefevr' owns no risk of this register (owners: Ann Nobody, Jan Lefevre); did "
                   "you "
                   "mean 'Jan Lefevre'?\n"},
                  {"arg-owner-no-owners",
                   "a --owner filter on a register where no risk has an owner",
                   nullptr,
                   {"--db", "{db}", "list", "--owner", "Jan Lefevre"},
                   {},
                   4,
                   "riskreg: --owner 'Jan Lefevre' owns no risk of this register (no risk has an owner yet)\n"},
                  {"arg-same-owner",
                   "re-assigning a risk to the owner it already has",
                   [](const TempDir&, const std::string& db) {
                     if (run_riskreg({"--db", db, "owner", "R5", "Jan Lefevre", "--as", "manager"}).exit_code != 0)
                       throw std::runtime_error("could not assign the first owner");
                   },
                   {"--db", "{db}", "owner", "R5", "Jan Lefevre"},
                   {},
                   4,
                   "riskreg: R5: Jan Lefevre is already the owner (since 2026-11-23T09:00:00Z, set by manager); "
                   "nothing was "
                   "written\n"},
                  {"arg-unknown-option",
                   "a misspelt option",
                   nullptr,
                   {"--db", "{db}", "list", "--bnad", "high"},
                   {},
                   2,
                   "riskreg: unknown option '--bnad' for 'list'; did you mean '--band'?\nUsage: riskreg list [OPTIONS] "
                   " "
                   "(riskreg "
                   "help list)\n"},
                  {"alert-config-address-crlf",
                   "an alert configuration address with CR LF and a second RCPT TO",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("alert.toml"),
                                "[recipients]\n\"Jan\" = \"jan@example.org\\r\\nRCPT TO:<evil@example.org>\"\n");
                   },
                   {"--db", "{db}", "alert", "--config", "{dir}/alert.toml"},
                   {},
                   5,
                   "riskreg: {dir}/alert.toml:2:…'jan@example.org\\r\\nRCPT TO:<evil@example.org>' is not an e-mail "
                   "address "
                   "riskreg "
                   "accepts…"},
                  {"alert-config-timezone",
                   "an alert configuration naming an unknown time zone",
                   [](const TempDir& d, const std::string&) {
                     write_file(d.file("alert.toml"), "timezone = \"Europe/Londn\"\n");
                   },
                   {"--db", "{db}", "alert", "--config", "{dir}/alert.toml"},
                   {},
                   5,
                   "riskreg: {dir}/alert.toml:1:…unknown time zone 'Europe/Londn'…"},
                  {"alert-template-broken",
                   "an alert template with a section closed by the wrong name",
                   [](const TempDir& d, const std::string&) {
                     fs::copy(source_path("rules/templates"), d.file("templates"));
                     write_file(d.file("templates/alert-summary.html.mustache"), "<p>\n{{#sections}}\n{{/risks}}\n");
                   },
                   {"--db", "{db}", "alert", "--templates", "{dir}/templates"},
                   {{"HOME", "{dir}"}},
                   5,
                   "riskreg: {dir}/templates/alert-summary.html.mustache:3:1: '{{/risks}}' closes 'sections', opened "
                   "at line "
                   "2; "
                   "expected '{{/sections}}'…"},
                  // The lifecycle (issue 19).
                  {"life-add-bad-score",
                   "add with a score not on the matrix",
                   nullptr,
                   {"--db", "{db}", "add", "--title", "Loss of key staff", "--current", "G9"},
                   {},
                   4,
                   "riskreg: 'G9' is not a score on the matrix…"},
                  {"life-add-blank-title",
                   "add with a blank title",
                   nullptr,
                   {"--db", "{db}", "add", "--title", "  ", "--current", "C3"},
                   {},
                   4,
                   "riskreg: R10: --title cannot be blank\n"},
                  {"life-add-taken-id",
                   "add with an id another risk has (written differently)",
                   nullptr,
                   {"--db", "{db}", "add", "--id", "r05", "--title", "Loss of key staff", "--current", "C3"},
                   {},
                   8,
                   "riskreg: R5 is already a risk of the register; choose another id, or leave --id out for the next "
                   "free "
                   "one\n"},
                  {"life-add-bad-review",
                   "add with a review date that is not a date",
                   nullptr,
                   {"--db", "{db}", "add", "--title", "Loss of key staff", "--current", "C3", "--review", "2027-02-30"},
                   {},
                   4,
                   "riskreg: R10: --review '2027-02-30' is not a date (YYYY-MM-DD)\n"},
                  {"life-edit-nothing",
                   "edit with nothing to change",
                   nullptr,
                   {"--db", "{db}", "edit", "R5", "--reason", "tidy"},
                   {},
                   2,
                   "riskreg: edit R5: nothing to change; give --title, --heading, --vulnerability, --add-trigger, "
                   "--remove-trigger, --add-consequence, --remove-consequence, --add-control or --remove-control\n"},
                  {"life-edit-blank-reason",
                   "edit with a blank reason",
                   nullptr,
                   {"--db", "{db}", "edit", "R5", "--title", "Capacity", "--reason", " "},
                   {},
                   4,
                   "riskreg: R5: the reason cannot be blank\n"},
                  {"life-edit-same-title",
                   "edit setting the title it already has",
                   nullptr,
                   {"--db", "{db}", "edit", "R5", "--title", "Capacity to deliver MTFP", "--reason", "same"},
                   {},
                   4,
                   "riskreg: R5: the title is already 'Capacity to deliver MTFP'; nothing was written\n"},
                  {"life-edit-no-such-control",
                   "edit removing a control number the risk does not have",
                   nullptr,
                   {"--db", "{db}", "edit", "R5", "--remove-control", "40", "--reason", "tidy"},
                   {},
                   4,
                   "riskreg: R5: there is no controls item 40…"},
                  {"life-edit-stale-version",
                   "edit with --expect-version older than the risk's",
                   nullptr,
                   {"--db", "{db}", "edit", "R5", "--title", "Capacity", "--reason", "tidy", "--expect-version", "0"},
                   {},
                   8,
                   "riskreg: R5: its version is 1, not the expected 0 (someone changed it); check it with 'riskreg "
                   "show R5 "
                   "--history' and try again\n"},
                  {"life-target-bad",
                   "target with a score not on the matrix",
                   nullptr,
                   {"--db", "{db}", "target", "R5", "Z9", "--reason", "plan"},
                   {},
                   4,
                   "riskreg: 'Z9' is not a score on the matrix…"},
                  {"life-close-closed",
                   "closing a risk that is already closed",
                   [](const TempDir&, const std::string& db) {
                     if (run_riskreg({"--db", db, "close", "R5", "--reason", "merged", "--as", "manager"}).exit_code !=
                         0)
                       throw std::runtime_error("could not close R5");
                   },
                   {"--db", "{db}", "close", "R5", "--reason", "again"},
                   {},
                   4,
                   "riskreg: R5 is already closed; nothing was written\n"},
                  {"life-close-unknown",
                   "closing a risk the register does not hold",
                   nullptr,
                   {"--db", "{db}", "close", "R99", "--reason", "gone"},
                   {},
                   3,
                   "riskreg: unknown risk 'R99'…"},
                  {"life-review-past",
                   "review with a next date that is not after today",
                   nullptr,
                   {"--db", "{db}", "review", "R5", "--next", "2026-01-01"},
                   {},
                   4,
                   "riskreg: R5: --next 2026-01-01 is not after today (2026-11-23); nothing was written\n"},
                  {"life-note-blank",
                   "a blank note",
                   nullptr,
                   {"--db", "{db}", "note", "R5", ""},
                   {},
                   4,
                   "riskreg: R5: the note cannot be blank\n"},
                  {"life-action-unknown",
                   "action naming no action of the register",
                   nullptr,
                   {"--db", "{db}", "action", "P3.1-A9", "--status", "done", "--reason", "x"},
                   {},
                   3,
                   "riskreg: unknown action 'P3.1-A9'; did you mean 'P3.1-A1'? (actions: P1-A1, P1-A2, P2-A1, "
                   "P3.1-A1, P3.1-A2, P3.1-A3, ... 88 in all; `riskreg trace RISK` lists a risk's)\n"},
                  {"life-action-bad-status",
                   "action --status naming no status",
                   nullptr,
                   {"--db", "{db}", "action", "P3.1-A2", "--status", "finished", "--reason", "x"},
                   {},
                   4,
                   "riskreg: P3.1-A2: --status 'finished' is not a status (valid: not-started, in-progress, done, "
                   "dropped)\n"},
                  {"life-action-bad-due",
                   "action --due that is not a date",
                   nullptr,
                   {"--db", "{db}", "action", "P3.1-A2", "--due", "March 2027", "--reason", "x"},
                   {},
                   4,
                   "riskreg: P3.1-A2: --due 'March 2027' is not a date (YYYY-MM-DD)\n"},
                  {"life-action-blank-reason",
                   "action --status without a reason",
                   nullptr,
                   {"--db", "{db}", "action", "P3.1-A2", "--status", "done"},
                   {},
                   4,
                   "riskreg: P3.1-A2: the reason cannot be blank\n"},
                  {"resp-unknown",
                   "respond with a decision that is not one",
                   nullptr,
                   {"--db", "{db}", "respond", "R5", "accept", "--reason", "x"},
                   {},
                   4,
                   "riskreg: R5: 'accept' is not a response (valid: treat, tolerate, transfer, terminate, none)\n"},
                  {"resp-tolerate-no-approver",
                   "respond tolerate without --approver",
                   nullptr,
                   {"--db", "{db}", "respond", "R5", "tolerate", "--until", "2027-03-31", "--reason", "x"},
                   {},
                   4,
                   "riskreg: R5: tolerate needs --approver WHO (who accepts the risk) and --until YYYY-MM-DD\n"},
                  {"resp-until-past",
                   "respond tolerate with an expiry that is not after today",
                   nullptr,
                   {"--db", "{db}", "respond", "R5", "tolerate", "--approver", "Director", "--until", "2026-01-31",
                    "--reason", "x"},
                   {},
                   4,
                   "riskreg: R5: --until 2026-01-31 is not after today (2026-11-23); an acceptance must expire "
                   "later\n"},
                  {"resp-until-too-far",
                   "respond tolerate with an expiry past the rules' maximum",
                   nullptr,
                   {"--db", "{db}", "respond", "R5", "tolerate", "--approver", "Director", "--until", "2028-01-31",
                    "--reason", "x"},
                   {},
                   4,
                   "riskreg: R5: --until 2028-01-31 is more than 12 months ahead (latest 2027-11-23; the rules' "
                   "acceptance_max_months)\n"},
                  {"resp-to-on-treat",
                   "respond treat with --to",
                   nullptr,
                   {"--db", "{db}", "respond", "R5", "treat", "--to", "Insurer", "--reason", "x"},
                   {},
                   4,
                   "riskreg: R5: --to goes with transfer only, not treat\n"},
                  {"resp-unknown-risk",
                   "respond on a risk the register does not have",
                   nullptr,
                   {"--db", "{db}", "respond", "R99", "treat", "--reason", "x"},
                   {},
                   3,
                   "riskreg: unknown risk 'R99'…"},
                  {"list-bad-response",
                   "list --response naming no decision",
                   nullptr,
                   {"--db", "{db}", "list", "--response", "tolerated"},
                   {},
                   4,
                   "riskreg: --response 'tolerated' is not a decision; did you mean 'tolerate'? (valid: treat, "
                   "tolerate, transfer, terminate, none)\n"},
                  {"life-log-bad-kind",
                   "log --kind naming no kind of event",
                   nullptr,
                   {"--db", "{db}", "log", "--kind", "scroe"},
                   {},
                   4,
                   "riskreg: --kind 'scroe' is not a kind of event; did you mean 'score'? (valid: create, score, "
                   "owner, "
                   "import, alert, rules, add, edit, target, close, reopen, review, note, link, unlink, feed, "
                   "unfeed, respond, lapse, action)\n"},
                  {"rules-apply-unchanged",
                   "rules apply with a folder holding the rules in force",
                   [](const TempDir& d, const std::string&) {
                     rules_with(d, "flags.toml", read_file(source_path("rules/flags.toml")));
                   },
                   {"--db", "{db}", "rules", "apply", "{dir}/rules", "--reason", "x"},
                   {},
                   4,
                   "riskreg: rules apply: {dir}/rules holds the rules in force (version 1); nothing to apply\n"},
                  {"rules-apply-flags-broken",
                   "rules apply with a folder whose flags.toml does not parse",
                   [](const TempDir& d, const std::string&) {
                     rules_with(d, "flags.toml",
                                "[[rule]]\nname = \"X\"\nseverity = \"info\"\ndescription = \"d\"\nwhen = '1 +'\n"
                                "message = \"{id}\"\n");
                   },
                   {"--db", "{db}", "rules", "apply", "{dir}/rules", "--reason", "x"},
                   {},
                   5,
                   "riskreg: {dir}/rules/flags.toml:5:12: expected a value, a field name or '(', found the end of the "
                   "condition\n  when = '1 +'\n             ^\n"},
                  {"rules-apply-matrix-drops-score",
                   "rules apply with a matrix whose likelihood C is renamed G",
                   [](const TempDir& d, const std::string&) {
                     std::string m = read_file(source_path("rules/matrix.toml"));
                     for (size_t p; (p = m.find("\"C")) != std::string::npos;) m.replace(p, 2, "\"G");
                     rules_with(d, "matrix.toml", m);
                   },
                   {"--db", "{db}", "rules", "apply", "{dir}/rules", "--reason", "x"},
                   {},
                   4,
                   "riskreg: the new matrix '" + kMatrix +
                       "' cannot express …R5 current C2…(likelihood is one of "
                       "A/B/G/D/E/F and impact one of 1/2/3/4); re-score, re-target or close them first\n"},
                  {"rules-apply-blank-reason",
                   "rules apply with a blank reason",
                   nullptr,
                   {"--db", "{db}", "rules", "apply", "--reason", "  "},
                   {},
                   4,
                   "riskreg: rules apply: the reason cannot be blank\n"},
                  {"closed-cascade",
                   "a what-if cascade from a closed risk",
                   close_r3,
                   {"--db", "{db}", "cascade", "R3", "B1"},
                   {},
                   4,
                   "riskreg: R3 is closed: closed risks take no part in cascades (riskreg reopen R3 brings it back)\n"},
                  {"closed-trace",
                   "trace from a closed risk",
                   close_r3,
                   {"--db", "{db}", "trace", "3"},
                   {},
                   4,
                   "riskreg: R3 is closed: closed risks take no part in traces (riskreg reopen R3 brings it back)\n"},
                  {"closed-network-zero",
                   "network --zero naming a closed risk",
                   close_r3,
                   {"--db", "{db}", "network", "--zero", "R3", "--runs", "100"},
                   {},
                   4,
                   "riskreg: R3 is closed: closed risks take no part in the network model (riskreg reopen R3 brings "
                   "it back)\n"},
              };
  return r;
}

/// Runs one row: a fresh register, the row's preparation, the run, then the checks.
void check_row(const std::string& id) {
  const Row* row = nullptr;
  for (const auto& r : rows())
    if (r.id == id) row = &r;
  REQUIRE(row);
  TempDir dir;
  std::string db = init_darlington(dir);
  std::optional<Tmpfs> small;
  if (row->tmpfs_bytes) small.emplace(dir.file("small"), row->tmpfs_bytes);
  if (row->prepare) row->prepare(dir, db);
  std::string target = subst(row->target, dir, db);
  std::string before = row->proof == Proof::Unchanged ? snapshot(target) : "";
  if (row->proof == Proof::SameRows) before = rows_of(target);
  std::string export_before = fs::exists(dir.file("out.json")) ? read_file(dir.file("out.json")) : "";
  std::vector<std::string> args;
  for (const auto& a : row->args) args.push_back(subst(a, dir, db));
  int code;
  {
    std::map<std::string, std::string> env;
    for (const auto& [k, v] : row->env) env[k] = subst(v, dir, db);
    Child c(args, dir.file("run.out"), dir.file("run.err"), env, row->max_file_bytes);
    code = c.wait();
  }
  undo_read_only(db);
  std::string err = read_file(dir.file("run.err")), out = read_file(dir.file("run.out"));
  std::string want = subst(row->err, dir, db);
  INFO(row->id << ": " << row->what << "\nstderr: " << err.substr(0, 2000));
  CHECK(code == row->code);
  CHECK(out.empty());
  // "…" in the expected text matches anything (in the middle, or the rest).
  std::vector<std::string> parts;
  for (size_t from = 0;;) {
    size_t p = want.find("…", from);
    parts.push_back(want.substr(from, p == std::string::npos ? std::string::npos : p - from));
    if (p == std::string::npos) break;
    from = p + std::string("…").size();
  }
  size_t at = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    size_t p = i == 0 ? (err.rfind(parts[0], 0) == 0 ? 0 : std::string::npos) : err.find(parts[i], at);
    INFO("expected: " << want.substr(0, 500));
    REQUIRE(p != std::string::npos);
    at = p + parts[i].size();
  }
  if (parts.size() == 1) CHECK(err == want);
  // One short message: never the 4 MiB field or the whole nested line.
  CHECK(err.size() < 4096);
  if (row->proof == Proof::NotCreated) {
    CHECK_FALSE(fs::exists(target));
  } else if (row->proof == Proof::SameRows) {
    CHECK(rows_of(target) == before);
  } else {
    CHECK(snapshot(target) == before);
  }
  if (!export_before.empty()) CHECK(read_file(dir.file("out.json")) == export_before);
  // A register left in place still verifies.
  if (fs::exists(db) && row->verifies && row->id != "db-corrupted" && row->id != "db-newer-schema") {
    auto v = run_riskreg({"--db", db, "audit", "verify"});
    CHECK(v.exit_code == 0);
  }
  // So does a copy the run failed to write (once the full disk has room again).
  if (row->proof == Proof::SameRows && target != db) {
    fs::remove(dir.file("small/filler"));
    auto v = run_riskreg({"--db", target, "audit", "verify"});
    INFO(v.err);
    CHECK(v.exit_code == 0);
    CHECK(rows_of(target) == before);
  }
}

}  // namespace

TEST_CASE("bad input db-missing", "[bad-inputs]") { check_row("db-missing"); }
TEST_CASE("bad input db-missing-write", "[bad-inputs]") { check_row("db-missing-write"); }
TEST_CASE("bad input db-not-sqlite", "[bad-inputs]") { check_row("db-not-sqlite"); }
TEST_CASE("bad input db-empty-file", "[bad-inputs]") { check_row("db-empty-file"); }
TEST_CASE("bad input db-other-sqlite", "[bad-inputs]") { check_row("db-other-sqlite"); }
TEST_CASE("bad input db-newer-schema", "[bad-inputs]") { check_row("db-newer-schema"); }
TEST_CASE("bad input db-corrupted", "[bad-inputs]") { check_row("db-corrupted"); }
TEST_CASE("bad input db-read-only", "[bad-inputs]") { check_row("db-read-only"); }
TEST_CASE("bad input disk-full", "[bad-inputs]") { check_row("disk-full"); }
TEST_CASE("bad input env-bad-now", "[bad-inputs]") { check_row("env-bad-now"); }
TEST_CASE("bad input env-impossible-date", "[bad-inputs]") { check_row("env-impossible-date"); }
TEST_CASE("bad input data-invalid-utf8", "[bad-inputs]") { check_row("data-invalid-utf8"); }
TEST_CASE("bad input data-nul-byte", "[bad-inputs]") { check_row("data-nul-byte"); }
TEST_CASE("bad input data-deep-nesting", "[bad-inputs]") { check_row("data-deep-nesting"); }
TEST_CASE("bad input data-huge-field", "[bad-inputs]") { check_row("data-huge-field"); }
TEST_CASE("bad input rules-deep-parentheses", "[bad-inputs]") { check_row("rules-deep-parentheses"); }
TEST_CASE("bad input rules-deep-not", "[bad-inputs]") { check_row("rules-deep-not"); }
TEST_CASE("bad input rules-deep-minus", "[bad-inputs]") { check_row("rules-deep-minus"); }
TEST_CASE("bad input rules-long-chain", "[bad-inputs]") { check_row("rules-long-chain"); }
TEST_CASE("bad input arg-reason-invalid-utf8", "[bad-inputs]") { check_row("arg-reason-invalid-utf8"); }
TEST_CASE("bad input arg-score-invalid-utf8", "[bad-inputs]") { check_row("arg-score-invalid-utf8"); }
TEST_CASE("bad input export-exists", "[bad-inputs]") { check_row("export-exists"); }
TEST_CASE("bad input disk-full-tmpfs", "[bad-inputs]") { check_row("disk-full-tmpfs"); }
TEST_CASE("bad input arg-reason-overlong-utf8", "[bad-inputs]") { check_row("arg-reason-overlong-utf8"); }
TEST_CASE("bad input arg-owner-surrogate", "[bad-inputs]") { check_row("arg-owner-surrogate"); }
TEST_CASE("bad input data-overlong-utf8", "[bad-inputs]") { check_row("data-overlong-utf8"); }
TEST_CASE("bad input data-surrogate-utf8", "[bad-inputs]") { check_row("data-surrogate-utf8"); }
TEST_CASE("bad input data-past-unicode", "[bad-inputs]") { check_row("data-past-unicode"); }
TEST_CASE("bad input arg-unknown-risk", "[bad-inputs]") { check_row("arg-unknown-risk"); }
TEST_CASE("bad input arg-score-off-matrix", "[bad-inputs]") { check_row("arg-score-off-matrix"); }
TEST_CASE("bad input arg-missing-reason", "[bad-inputs]") { check_row("arg-missing-reason"); }
TEST_CASE("bad input arg-blank-reason", "[bad-inputs]") { check_row("arg-blank-reason"); }
TEST_CASE("bad input arg-unknown-command", "[bad-inputs]") { check_row("arg-unknown-command"); }
TEST_CASE("bad input file-import-missing", "[bad-inputs]") { check_row("file-import-missing"); }
TEST_CASE("bad input file-import-overlong-utf8", "[bad-inputs]") { check_row("file-import-overlong-utf8"); }
TEST_CASE("bad input file-rules-missing", "[bad-inputs]") { check_row("file-rules-missing"); }
TEST_CASE("bad input env-bad-log", "[bad-inputs]") { check_row("env-bad-log"); }
TEST_CASE("bad input env-db-directory", "[bad-inputs]") { check_row("env-db-directory"); }
TEST_CASE("bad input arg-rank-target-unknown", "[bad-inputs]") { check_row("arg-rank-target-unknown"); }
TEST_CASE("bad input arg-rank-top-zero", "[bad-inputs]") { check_row("arg-rank-top-zero"); }
TEST_CASE("bad input file-network-no-links", "[bad-inputs]") { check_row("file-network-no-links"); }
TEST_CASE("bad input audit-head-not-hash", "[bad-inputs]") { check_row("audit-head-not-hash"); }
TEST_CASE("bad input audit-manifest-not-manifest", "[bad-inputs]") { check_row("audit-manifest-not-manifest"); }
TEST_CASE("bad input audit-manifest-missing", "[bad-inputs]") { check_row("audit-manifest-missing"); }
TEST_CASE("bad input audit-anchor-not-anchor", "[bad-inputs]") { check_row("audit-anchor-not-anchor"); }
TEST_CASE("bad input audit-anchor-exists", "[bad-inputs]") { check_row("audit-anchor-exists"); }
TEST_CASE("bad input db-schema-negative", "[bad-inputs]") { check_row("db-schema-negative"); }
TEST_CASE("bad input db-schema-behind-tables", "[bad-inputs]") { check_row("db-schema-behind-tables"); }
TEST_CASE("bad input db-list-column-damaged", "[bad-inputs]") { check_row("db-list-column-damaged"); }
TEST_CASE("bad input arg-owner-escape", "[bad-inputs]") { check_row("arg-owner-escape"); }
TEST_CASE("bad input arg-owner-line-break", "[bad-inputs]") { check_row("arg-owner-line-break"); }
TEST_CASE("bad input arg-reason-escape", "[bad-inputs]") { check_row("arg-reason-escape"); }
TEST_CASE("bad input arg-as-blank", "[bad-inputs]") { check_row("arg-as-blank"); }
TEST_CASE("bad input arg-as-control", "[bad-inputs]") { check_row("arg-as-control"); }
TEST_CASE("bad input file-import-title-control", "[bad-inputs]") { check_row("file-import-title-control"); }
TEST_CASE("bad input file-import-id-spellings", "[bad-inputs]") { check_row("file-import-id-spellings"); }
TEST_CASE("bad input file-import-bad-status", "[bad-inputs]") { check_row("file-import-bad-status"); }
TEST_CASE("bad input export-force-foreign-folder", "[bad-inputs]") { check_row("export-force-foreign-folder"); }
TEST_CASE("bad input export-bad-mode", "[bad-inputs]") { check_row("export-bad-mode"); }
TEST_CASE("bad input env-now-leap-second", "[bad-inputs]") { check_row("env-now-leap-second"); }
TEST_CASE("bad input env-now-year-zero", "[bad-inputs]") { check_row("env-now-year-zero"); }
TEST_CASE("bad input rules-stored-cascade-broken", "[bad-inputs]") { check_row("rules-stored-cascade-broken"); }
TEST_CASE("bad input init-rules-flags-broken", "[bad-inputs]") { check_row("init-rules-flags-broken"); }
TEST_CASE("bad input init-template-broken", "[bad-inputs]") { check_row("init-template-broken"); }
TEST_CASE("bad input env-postgres-unreachable", "[bad-inputs]") { check_row("env-postgres-unreachable"); }
TEST_CASE("bad input arg-unknown-band", "[bad-inputs]") { check_row("arg-unknown-band"); }
TEST_CASE("bad input arg-unknown-rule", "[bad-inputs]") { check_row("arg-unknown-rule"); }
TEST_CASE("bad input arg-unknown-owner", "[bad-inputs]") { check_row("arg-unknown-owner"); }
TEST_CASE("bad input arg-owner-no-owners", "[bad-inputs]") { check_row("arg-owner-no-owners"); }
TEST_CASE("bad input arg-same-owner", "[bad-inputs]") { check_row("arg-same-owner"); }
TEST_CASE("bad input arg-unknown-option", "[bad-inputs]") { check_row("arg-unknown-option"); }

TEST_CASE("bad input alert-config-address-crlf", "[bad-inputs]") { check_row("alert-config-address-crlf"); }
TEST_CASE("bad input alert-config-timezone", "[bad-inputs]") { check_row("alert-config-timezone"); }
TEST_CASE("bad input alert-template-broken", "[bad-inputs]") { check_row("alert-template-broken"); }
TEST_CASE("bad input life-add-bad-score", "[bad-inputs]") { check_row("life-add-bad-score"); }
TEST_CASE("bad input life-add-blank-title", "[bad-inputs]") { check_row("life-add-blank-title"); }
TEST_CASE("bad input life-add-taken-id", "[bad-inputs]") { check_row("life-add-taken-id"); }
TEST_CASE("bad input life-add-bad-review", "[bad-inputs]") { check_row("life-add-bad-review"); }
TEST_CASE("bad input life-edit-nothing", "[bad-inputs]") { check_row("life-edit-nothing"); }
TEST_CASE("bad input life-edit-blank-reason", "[bad-inputs]") { check_row("life-edit-blank-reason"); }
TEST_CASE("bad input life-edit-same-title", "[bad-inputs]") { check_row("life-edit-same-title"); }
TEST_CASE("bad input life-edit-no-such-control", "[bad-inputs]") { check_row("life-edit-no-such-control"); }
TEST_CASE("bad input life-edit-stale-version", "[bad-inputs]") { check_row("life-edit-stale-version"); }
TEST_CASE("bad input life-target-bad", "[bad-inputs]") { check_row("life-target-bad"); }
TEST_CASE("bad input life-close-closed", "[bad-inputs]") { check_row("life-close-closed"); }
TEST_CASE("bad input life-close-unknown", "[bad-inputs]") { check_row("life-close-unknown"); }
TEST_CASE("bad input life-review-past", "[bad-inputs]") { check_row("life-review-past"); }
TEST_CASE("bad input life-note-blank", "[bad-inputs]") { check_row("life-note-blank"); }
TEST_CASE("bad input life-log-bad-kind", "[bad-inputs]") { check_row("life-log-bad-kind"); }
TEST_CASE("bad input resp-unknown", "[bad-inputs]") { check_row("resp-unknown"); }
TEST_CASE("bad input resp-tolerate-no-approver", "[bad-inputs]") { check_row("resp-tolerate-no-approver"); }
TEST_CASE("bad input resp-until-past", "[bad-inputs]") { check_row("resp-until-past"); }
TEST_CASE("bad input resp-until-too-far", "[bad-inputs]") { check_row("resp-until-too-far"); }
TEST_CASE("bad input resp-to-on-treat", "[bad-inputs]") { check_row("resp-to-on-treat"); }
TEST_CASE("bad input resp-unknown-risk", "[bad-inputs]") { check_row("resp-unknown-risk"); }
TEST_CASE("bad input list-bad-response", "[bad-inputs]") { check_row("list-bad-response"); }
TEST_CASE("bad input life-action-unknown", "[bad-inputs]") { check_row("life-action-unknown"); }
TEST_CASE("bad input life-action-bad-status", "[bad-inputs]") { check_row("life-action-bad-status"); }
TEST_CASE("bad input life-action-bad-due", "[bad-inputs]") { check_row("life-action-bad-due"); }
TEST_CASE("bad input life-action-blank-reason", "[bad-inputs]") { check_row("life-action-blank-reason"); }
TEST_CASE("bad input rules-apply-unchanged", "[bad-inputs]") { check_row("rules-apply-unchanged"); }
TEST_CASE("bad input rules-apply-flags-broken", "[bad-inputs]") { check_row("rules-apply-flags-broken"); }
TEST_CASE("bad input rules-apply-matrix-drops-score", "[bad-inputs]") { check_row("rules-apply-matrix-drops-score"); }
TEST_CASE("bad input rules-apply-blank-reason", "[bad-inputs]") { check_row("rules-apply-blank-reason"); }
TEST_CASE("bad input closed-cascade", "[bad-inputs]") { check_row("closed-cascade"); }
TEST_CASE("bad input closed-trace", "[bad-inputs]") { check_row("closed-trace"); }
TEST_CASE("bad input closed-network-zero", "[bad-inputs]") { check_row("closed-network-zero"); }

TEST_CASE("bad inputs: docs/bad-inputs.md lists every row of the table", "[bad-inputs]") {
  std::string doc = read_file(source_path("docs/bad-inputs.md"));
  REQUIRE_FALSE(doc.empty());
  for (const auto& r : rows()) {
    INFO(r.id);
    CHECK(doc.find("| `" + r.id + "` |") != std::string::npos);
  }
}

TEST_CASE("the database file is created readable and writable by its owner only", "[bad-inputs]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}
