// Concurrent owners: N riskreg processes re-scoring against one register at once.
// Every acknowledged assessment is recorded exactly once, nobody sees "database is locked",
// the audit chain verifies, and `score --expect` refuses a lost update with a clear message.
//
// Each worker is a forked copy of this test (single-threaded) that runs riskreg M times in
// a row and writes one line per run to its own log: "<exit code> <reason> <expect> <score>",
// with the run's stderr after a tab when it is not empty.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "child_process.h"
#include "pg_cluster.h"
#include "support.h"

using namespace riskreg::test;

namespace {

constexpr int kWorkers = 8;

struct Attempt {
  int code = -1;
  std::string reason, expect, score, err;
};

/// Runs `body(worker, log)` in kWorkers forked processes at once and returns each worker's
/// attempts. The children only run riskreg and write their log; assertions stay here.
std::vector<std::vector<Attempt>> run_workers(const TempDir& dir,
                                              const std::function<void(int, std::ofstream&)>& body) {
  std::vector<pid_t> pids;
  for (int w = 0; w < kWorkers; ++w) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int rc = 0;
      try {
        std::ofstream log(dir.file("worker-" + std::to_string(w) + ".log"));
        body(w, log);
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    pids.push_back(pid);
  }
  for (pid_t p : pids) {
    int status = 0;
    ::waitpid(p, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  std::vector<std::vector<Attempt>> out(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    std::istringstream in(read_file(dir.file("worker-" + std::to_string(w) + ".log")));
    std::string line;
    while (std::getline(in, line)) {
      Attempt a;
      auto tab = line.find('\t');
      if (tab != std::string::npos) a.err = line.substr(tab + 1);
      std::istringstream f(line.substr(0, tab));
      f >> a.code >> a.reason >> a.expect >> a.score;
      out[w].push_back(a);
    }
  }
  return out;
}

void log_attempt(std::ofstream& log, const RunResult& r, const std::string& reason, const std::string& expect,
                 const std::string& score) {
  std::string err = r.err;
  for (auto& c : err)
    if (c == '\n' || c == '\t') c = ' ';
  log << r.exit_code << " " << reason << " " << expect << " " << score;
  if (!err.empty()) log << "\t" << err;
  log << "\n";
  log.flush();
}

struct Row {
  int64_t id;
  std::string risk, score, reason;
};

std::vector<Row> assessments(const std::string& db) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  SQLite::Statement st(d,
                       "SELECT a.id, r.id, a.likelihood || a.impact, a.reason FROM assessments a "
                       "JOIN risks r ON r.key = a.risk ORDER BY a.id");
  std::vector<Row> out;
  while (st.executeStep())
    out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                   st.getColumn(3).getString()});
  return out;
}

/// The Darlington matrix stores impact as a roman numeral code; map the stored pair back to
/// the notation the CLI takes (C + III -> C3).
std::string notation(const std::string& stored) {
  static const std::map<std::string, std::string> roman = {{"I", "1"}, {"II", "2"}, {"III", "3"}, {"IV", "4"}};
  std::string l = stored.substr(0, 1), i = stored.substr(1);
  auto it = roman.find(i);
  return l + (it == roman.end() ? i : it->second);
}

}  // namespace

TEST_CASE("concurrency: 8 owners x 200 re-scores, each recorded exactly once, never locked", "[concurrency]") {
  const int kEach = repeats(200);
  TempDir dir;
  std::string db = init_darlington(dir);
  const size_t before = assessments(db).size();
  const std::vector<std::string> scores = {"A1", "B2", "C3", "D4", "E1", "F2", "B3", "C1"};
  auto results = run_workers(dir, [&](int w, std::ofstream& log) {
    for (int i = 0; i < kEach; ++i) {
      std::string reason = "w" + std::to_string(w) + "-" + std::to_string(i);
      std::string risk = "R" + std::to_string(1 + (w + i) % 9), score = scores[(w * 7 + i) % scores.size()];
      auto r = run_riskreg({"--db", db, "score", risk, score, "--reason", reason, "--as", "owner" + std::to_string(w)});
      log_attempt(log, r, reason, risk, score);
    }
  });
  std::map<std::string, std::pair<std::string, std::string>> acked;  // reason -> (risk, score)
  int locked = 0;
  for (const auto& attempts : results) {
    REQUIRE(attempts.size() == static_cast<size_t>(kEach));
    for (const auto& a : attempts) {
      INFO(a.reason << ": exit " << a.code << " " << a.err);
      CHECK(a.code == 0);
      if (a.err.find("locked") != std::string::npos || a.code == 9) ++locked;
      if (a.code == 0) acked[a.reason] = {a.expect, a.score};
    }
  }
  CHECK(locked == 0);
  CHECK(acked.size() == size_t(kWorkers) * kEach);
  // Every acknowledged re-score is recorded exactly once, on its risk, with its score.
  auto rows = assessments(db);
  CHECK(rows.size() == before + acked.size());
  std::map<std::string, int> seen;
  for (const auto& r : rows) {
    auto it = acked.find(r.reason);
    if (it == acked.end()) continue;
    ++seen[r.reason];
    CHECK(r.risk == it->second.first);
    CHECK(notation(r.score) == it->second.second);
  }
  CHECK(seen.size() == acked.size());
  for (const auto& [reason, n] : seen) {
    INFO(reason);
    CHECK(n == 1);
  }
  auto v = run_riskreg({"--db", db, "audit", "verify"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("concurrency: score --expect refuses lost updates, and the accepted ones chain", "[concurrency]") {
  // 8 owners race on one risk, each claiming to know its current score. The guard must accept
  // exactly the claims that were true at the moment of writing: so in R1's history, every
  // accepted re-score directly follows an assessment whose score is the one it expected.
  const int kEach = repeats(25);
  TempDir dir;
  std::string db = init_darlington(dir);
  const std::vector<std::string> scores = {"B2", "C3"};  // two values, so both outcomes are common
  auto results = run_workers(dir, [&](int w, std::ofstream& log) {
    std::mt19937 rng(static_cast<uint32_t>(1000 + w));
    for (int i = 0; i < kEach; ++i) {
      std::string reason = "x" + std::to_string(w) + "-" + std::to_string(i);
      std::string expect = scores[rng() % 2], score = scores[rng() % 2];
      auto r = run_riskreg({"--db", db, "score", "R1", score, "--reason", reason, "--expect", expect});
      log_attempt(log, r, reason, expect, score);
    }
  });
  std::map<std::string, Attempt> by_reason;
  int accepted = 0, refused = 0;
  for (const auto& attempts : results)
    for (const auto& a : attempts) {
      INFO(a.reason << ": exit " << a.code << " " << a.err);
      CHECK((a.code == 0 || a.code == 8));
      if (a.code == 8) {
        ++refused;
        // The refusal names the score that beat ours, who set it and when (issue 21).
        CHECK_THAT(a.err, Catch::StartsWith("riskreg: R1: the score is no longer the expected one: --expect ") &&
                              Catch::Contains(", set by ") && Catch::Contains("check it with 'riskreg show R1'"));
      }
      if (a.code == 0) ++accepted;
      by_reason[a.reason] = a;
    }
  CHECK(accepted > 0);
  CHECK(refused > 0);
  std::vector<Row> r1;
  for (auto& r : assessments(db))
    if (r.risk == "R1") r1.push_back(r);
  int chained = 0;
  for (size_t i = 0; i < r1.size(); ++i) {
    auto it = by_reason.find(r1[i].reason);
    if (it == by_reason.end()) continue;  // the initial assessment
    INFO(r1[i].reason);
    REQUIRE(i > 0);
    CHECK(it->second.code == 0);  // refused ones are never recorded
    CHECK(notation(r1[i - 1].score) == it->second.expect);
    CHECK(notation(r1[i].score) == it->second.score);
    ++chained;
  }
  CHECK(chained == accepted);
  auto v = run_riskreg({"--db", db, "audit", "verify"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
}

TEST_CASE("concurrency on PostgreSQL: 8 owners on their own connections and roles x 200 re-scores, none lost",
          "[concurrency][postgres]") {
  // Four risk managers re-score any risk; four risk owners re-score the one risk each owns,
  // and now and then try R9, which is not theirs: the database refuses those (exit 8).
  // Every riskreg run is its own process with its own connection, as its own database user.
  const int kEach = repeats(200);
  auto& cl = pg_cluster();
  std::string url = cl.fresh_database();
  std::string name = pg_db_name(url);
  REQUIRE(run_riskreg({"--db", url, "init"}).exit_code == 0);
  for (int w = 4; w < kWorkers; ++w)
    REQUIRE(
        run_riskreg({"--db", url, "owner", std::to_string(w + 1), "Owner " + std::to_string(w), "--reason", "named"})
            .exit_code == 0);
  REQUIRE(run_riskreg({"migrate", "--roles", "--to", url}).exit_code == 0);
  for (int w = 0; w < kWorkers; ++w) {
    std::string role = "u" + std::to_string(w);
    if (w < 4) {
      cl.exec(url, "CREATE ROLE " + role + " LOGIN IN ROLE riskreg_manager");
    } else {
      cl.exec(url, "CREATE ROLE " + role + " LOGIN IN ROLE riskreg_owner");
      cl.exec(url, "INSERT INTO riskreg_users VALUES ('" + role + "', 'Owner " + std::to_string(w) + "')");
    }
  }
  auto admin_rows = [&](const std::string& sql) {
    pqxx::connection c(url);
    pqxx::read_transaction tx(c);
    std::vector<std::vector<std::string>> out;
    for (const auto& row : tx.exec(sql)) {
      out.emplace_back();
      for (const auto& f : row) out.back().push_back(f.c_str());
    }
    return out;
  };
  const auto before = std::stoll(admin_rows("SELECT count(*) FROM assessments")[0][0]);
  const std::vector<std::string> scores = {"A1", "B2", "C3", "D4", "E1", "F2", "B3", "C1"};
  TempDir dir;
  auto results = run_workers(dir, [&](int w, std::ofstream& log) {
    std::string as = cl.url(name, "u" + std::to_string(w));
    for (int i = 0; i < kEach; ++i) {
      std::string reason = "w" + std::to_string(w) + "-" + std::to_string(i);
      std::string risk = w < 4 ? "R" + std::to_string(1 + (w + i) % 9) : "R" + std::to_string(w + 1);
      if (w >= 4 && i % 20 == 19) risk = "R9";  // not theirs
      std::string score = scores[(w * 7 + i) % scores.size()];
      auto r = run_riskreg({"--db", as, "score", risk, score, "--reason", reason, "--as", "u" + std::to_string(w)});
      log_attempt(log, r, reason, risk, score);
    }
  });
  std::map<std::string, std::pair<std::string, std::string>> acked;  // reason -> (risk, score)
  int locked = 0, refused = 0;
  for (const auto& attempts : results) {
    REQUIRE(attempts.size() == static_cast<size_t>(kEach));
    for (const auto& a : attempts) {
      INFO(a.reason << ": exit " << a.code << " " << a.err);
      if (a.expect == "R9" && a.reason[1] >= '4') {
        CHECK(a.code == 8);
        CHECK_THAT(a.err, Catch::Contains("may not re-score this risk"));
        ++refused;
        continue;
      }
      CHECK(a.code == 0);
      if (a.err.find("locked") != std::string::npos || a.code == 9) ++locked;
      if (a.code == 0) acked[a.reason] = {a.expect, a.score};
    }
  }
  CHECK(locked == 0);
  CHECK(refused == 4 * (kEach / 20));
  CHECK(acked.size() == size_t(kWorkers) * kEach - size_t(refused));
  // Every acknowledged re-score is recorded exactly once, on its risk, with its score; no refused one is.
  auto rows = admin_rows(
      "SELECT r.id, a.likelihood || a.impact, a.reason FROM assessments a "
      "JOIN risks r ON r.key = a.risk ORDER BY a.id");
  CHECK(rows.size() == size_t(before) + acked.size());
  std::map<std::string, int> seen;
  for (const auto& r : rows) {
    const std::string& reason = r[2];
    auto it = acked.find(reason);
    if (it == acked.end()) continue;
    ++seen[reason];
    CHECK(r[0] == it->second.first);
    CHECK(notation(r[1]) == it->second.second);
  }
  CHECK(seen.size() == acked.size());
  for (const auto& [reason, n] : seen) {
    INFO(reason);
    CHECK(n == 1);
  }
  // No lost update: each re-score's recorded "from" is the score before it on that risk.
  std::map<std::string, std::string> last;
  for (const auto& r : admin_rows("SELECT DISTINCT ON (a.risk) r.id, a.likelihood || a.impact FROM assessments a "
                                  "JOIN risks r ON r.key = a.risk ORDER BY a.risk, a.id"))
    last[r[0]] = r[1];
  size_t chained = 0;
  for (const auto& e : admin_rows("SELECT entity, detail FROM audit WHERE action = 'score' ORDER BY seq")) {
    auto d = nlohmann::json::parse(e[1]);
    std::string from = d["from"]["likelihood"].get<std::string>() + d["from"]["impact"].get<std::string>();
    CHECK(from == last[e[0]]);
    last[e[0]] = d["likelihood"].get<std::string>() + d["impact"].get<std::string>();
    ++chained;
  }
  CHECK(chained == acked.size());
  auto v = run_riskreg({"--db", url, "audit", "verify"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
}

TEST_CASE("concurrency: score reports the score it replaced when another owner re-scored after its checks",
          "[concurrency][postgres]") {
  // Deterministic interleaving on PostgreSQL, with real riskreg processes:
  //  1. a plain connection holds the audit chain's head row (the last lock every write takes);
  //  2. the other owner's `score R1 C3` locks R1, appends, and waits for the chain head;
  //  3. our `score R1 B2` checks everything (R1 still reads D4 to it: the other is not
  //     committed) and waits for R1's row in its write;
  //  4. the holder lets go: the other commits, then ours. Ours must report C3 -> B2, the
  //     score its own transaction replaced, not the D4 it saw while checking.
  auto& cl = pg_cluster();
  std::string url = cl.fresh_database();
  REQUIRE(run_riskreg({"--db", url, "init"}).exit_code == 0);
  REQUIRE(run_riskreg({"--db", url, "score", "R1", "D4", "--reason", "start"}).exit_code == 0);
  TempDir dir;
  pqxx::connection watcher(url);
  auto waiting = [&] {
    pqxx::nontransaction q(watcher);
    return q
        .exec(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")[0]
                                                                                                                    [0]
        .as<int>();
  };
  auto wait_for = [&](int n) {
    for (int i = 0; i < 600 && waiting() < n; ++i) ::usleep(50 * 1000);
    return waiting();
  };
  pqxx::connection holder(url);
  pqxx::work hold(holder);
  hold.exec("SELECT id FROM audit_head WHERE id = 1 FOR UPDATE");
  Child other({"--db", url, "score", "R1", "C3", "--reason", "other owner", "--as", "other", "--json"},
              dir.file("other.out"), dir.file("other.err"));
  REQUIRE(wait_for(1) == 1);
  Child ours({"--db", url, "score", "R1", "B2", "--reason", "ours", "--as", "us", "--json"}, dir.file("ours.out"),
             dir.file("ours.err"));
  REQUIRE(wait_for(2) == 2);
  hold.abort();
  REQUIRE(other.wait() == 0);
  REQUIRE(ours.wait() == 0);
  auto o = nlohmann::json::parse(read_file(dir.file("other.out")));
  auto u = nlohmann::json::parse(read_file(dir.file("ours.out")));
  CHECK(o["from"] == "D4");
  CHECK(o["to"] == "C3");
  CHECK(u["from"] == "C3");
  CHECK(u["to"] == "B2");
  CHECK(u["assessment"].get<int64_t>() == o["assessment"].get<int64_t>() + 1);
  // The audit entry records the same previous score, and the chain verifies.
  auto log = nlohmann::json::parse(run_riskreg({"--db", url, "audit", "log", "--json"}).out);
  REQUIRE(log.is_array());
  auto detail = log.back()["detail"];
  if (detail.is_string()) detail = nlohmann::json::parse(detail.get<std::string>());
  CHECK(log.back()["actor"] == "us");
  CHECK(detail["from"] == nlohmann::json{{"likelihood", "C"}, {"impact", "3"}});
  CHECK(run_riskreg({"--db", url, "audit", "verify"}).exit_code == 0);
}
