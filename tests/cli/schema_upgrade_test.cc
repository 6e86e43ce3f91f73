// Concurrent schema upgrade: several riskreg processes open a register written at an older
// schema version at the same moment. Each must succeed, and the upgrade must happen once: a
// second run of a migration would fail ("table ... already exists") or be refused as locked,
// and either would show up as a non-zero exit here.
//
// The older register is a real one: `riskreg init` (the current schema) with what the later
// migrations added taken out again and `PRAGMA user_version` set back, exactly as a register
// written by the older riskreg looks (migrations only ever add).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "support.h"

using namespace riskreg::test;

namespace {

/// Turns a fresh register back into one at schema version 1 (before migration 2 added
/// alert_deliveries and imports, migration 3 the priorities' change_drivers_table, and
/// migration 4 the lifecycle's changes and the risks' status and review dates).
void make_schema_1(const std::string& db) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  REQUIRE(d.execAndGet("PRAGMA user_version").getInt() == 6);
  d.exec(
      "ALTER TABLE risks DROP COLUMN response; DROP TABLE action_changes; ALTER TABLE actions DROP COLUMN status; "
      "ALTER TABLE actions DROP COLUMN due; "
      "DROP TABLE changes; ALTER TABLE risks DROP COLUMN status; ALTER TABLE risks DROP COLUMN next_review; "
      "ALTER TABLE risks DROP COLUMN last_review; DROP TABLE alert_deliveries; DROP TABLE imports; ALTER TABLE "
      "priorities DROP COLUMN change_drivers_table; "
      "PRAGMA user_version = 1");
}

int user_version(const std::string& db) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet("PRAGMA user_version").getInt();
}

int64_t count(const std::string& db, const std::string& sql) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet(sql).getInt64();
}

/// Starts every command at the same moment: each child is forked and waits on a pipe, and
/// closing the pipe releases them all into execve at once. Returns each one's exit code.
std::vector<int> run_at_once(const std::vector<std::vector<std::string>>& commands, const TempDir& dir) {
  int gate[2];
  REQUIRE(::pipe(gate) == 0);
  std::vector<std::string> env_s;
  for (const auto& [k, v] : riskreg_env()) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<pid_t> pids;
  std::vector<std::vector<std::string>> argv_s;
  for (const auto& c : commands) {
    argv_s.push_back({RISKREG_BINARY});
    argv_s.back().insert(argv_s.back().end(), c.begin(), c.end());
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    std::vector<char*> argv;
    for (auto& a : argv_s[i]) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string out = dir.file("run" + std::to_string(i) + ".out"), err = dir.file("run" + std::to_string(i) + ".err");
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE((o >= 0 && e >= 0));
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      while (::read(gate[0], &c, 1) > 0) {
      }
      ::close(gate[0]);
      ::dup2(o, 1);
      ::dup2(e, 2);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(o);
    ::close(e);
    pids.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);  // all children see end-of-file together and start
  std::vector<int> codes;
  for (pid_t p : pids) {
    int status = 0;
    while (::waitpid(p, &status, 0) != p) {
    }
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  return codes;
}

}  // namespace

TEST_CASE("schema upgrade: processes opening an older register at once all succeed and upgrade it once",
          "[schema][concurrency]") {
  constexpr int kProcesses = 8, kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    TempDir dir;
    std::string db = init_darlington(dir);
    make_schema_1(db);
    const int64_t assessments = count(db, "SELECT count(*) FROM assessments");
    REQUIRE(count(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('alert_deliveries', 'imports')") == 0);

    // Half read, half write: both kinds of command open the store and so upgrade it.
    std::vector<std::vector<std::string>> commands;
    for (int p = 0; p < kProcesses; ++p) {
      if (p % 2)
        commands.push_back({"--db", db, "list"});
      else
        commands.push_back(
            {"--db", db, "score", "R" + std::to_string(p + 1), "B2", "--reason", "upgrade race " + std::to_string(p)});
    }
    auto codes = run_at_once(commands, dir);
    for (int p = 0; p < kProcesses; ++p) {
      INFO("process " << p << ": " << read_file(dir.file("run" + std::to_string(p) + ".err")));
      CHECK(codes[p] == 0);
      CHECK_FALSE(read_file(dir.file("run" + std::to_string(p) + ".out")).empty());
    }
    CHECK(user_version(db) == 6);
    CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alert_deliveries'") == 1);
    CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'alert_deliveries_%'") ==
          2);
    CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'imports'") == 1);
    // Every re-score is there once, and the register is sound.
    CHECK(count(db, "SELECT count(*) FROM assessments") == assessments + kProcesses / 2);
    CHECK(count(db, "SELECT count(*) FROM assessments WHERE reason LIKE 'upgrade race %'") == kProcesses / 2);
    {
      SQLite::Database d(db, SQLite::OPEN_READONLY);
      CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
    }
    auto v = run_riskreg({"--db", db, "audit", "verify"});
    INFO(v.err);
    CHECK(v.exit_code == 0);
  }
}

TEST_CASE("schema upgrade: an older register is upgraded by the first command, which then works on it", "[schema]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  make_schema_1(db);
  auto r = run_riskreg({"--db", db, "show", "5"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("R5") != std::string::npos);
  CHECK(user_version(db) == 6);
  // The tables migration 2 added work: an import records itself in `imports`.
  write_file(dir.file("new.csv"), "id,title,current\nR10,A risk added after the upgrade,C3\n");
  auto i = run_riskreg({"--db", db, "import", dir.file("new.csv")});
  INFO(i.err);
  CHECK(i.exit_code == 0);
  CHECK(count(db, "SELECT count(*) FROM imports") == 1);
  CHECK(run_riskreg({"--db", db, "audit", "verify"}).exit_code == 0);
}
