// Closed risks leave the cascades, trace and the network model (issue 19): on the Darlington
// register, R5 feeds R1 and R3 (stated); R3 is closed here.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;
using nlohmann::json;

namespace {

RunResult ok(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  auto r = run_riskreg(args, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::string closed_r3(const TempDir& dir) {
  auto db = init_darlington(dir);
  ok({"--db", db, "close", "R3", "--reason", "Merged into R5", "--as", "manager"});
  return db;
}

}  // namespace

TEST_CASE("closed risks leave cascades: cascade and score neither move nor pass through one", "[cli][graph][closed]") {
  TempDir dir;
  auto db = closed_r3(dir);

  // What-if from R5: R1 still moves; R3, closed, does not, and the output says so.
  auto c = ok({"--db", db, "cascade", "R5", "B1"}, {{"COLUMNS", "200"}}).out;
  CHECK(c.find("  R1  C3 -> B3") != std::string::npos);
  CHECK(c.find("  R3  D2 -> ") == std::string::npos);
  CHECK(c.find("  closed, not moved: R3 (closed risks leave cascades)\n") != std::string::npos);
  // Nor is R3's priority in scope any more (P3.4 mitigates only R3).
  CHECK(c.find("P3.4") == std::string::npos);
  auto j = json::parse(ok({"--db", db, "cascade", "R5", "B1", "--json"}).out);
  REQUIRE(j["steps"].size() == 1);
  CHECK(j["steps"][0]["risk"] == "R1");
  CHECK(j["closed"] == false);
  CHECK(j["closed_not_moved"] == json::array({"R3"}));

  // From a closed risk: refused, one line, exit 4, nothing written.
  auto from_closed = run_riskreg({"--db", db, "cascade", "3", "B1"});
  CHECK(from_closed.exit_code == 4);
  CHECK(from_closed.err ==
        "riskreg: R3 is closed: closed risks take no part in cascades (riskreg reopen R3 brings it back)\n");
  CHECK(from_closed.out.empty());

  // A real re-score's advisory cascade: R2 A1 would move R5, R8, R1 (and R3, were it open).
  auto s =
      ok({"--db", db, "score", "2", "A1", "--reason", "placements failing", "--as", "tester"}, {{"COLUMNS", "200"}})
          .out;
  CHECK(s.find("would move R5 C2 -> B2, R8 C2 -> B2, R1 C3 -> B3; closed, not moved: R3 (nothing written;") !=
        std::string::npos);
  // Re-scoring the closed risk itself is recorded (its history stays) but cascades nowhere.
  auto sc = ok({"--db", db, "score", "3", "A1", "--reason", "late finding", "--json"}).out;
  auto sj = json::parse(sc);
  CHECK(sj["cascade"]["closed"] == true);
  CHECK(sj["cascade"]["propagates"] == false);
  CHECK(sj["cascade"]["steps"].empty());
  auto st = ok({"--db", db, "score", "3", "A2", "--reason", "again"}).out;
  CHECK(st.find("cascade: nothing moves (R3 is closed: closed risks leave cascades)") != std::string::npos);

  // Reopened, R3 takes part again.
  ok({"--db", db, "reopen", "R3", "--reason", "Split again"});
  auto back = json::parse(ok({"--db", db, "cascade", "R5", "B1", "--json"}).out);
  CHECK(back["closed_not_moved"].empty());
  CHECK(back["steps"].size() == 1);  // R1; R3 is at A2 now and does not move
  CHECK(ok({"--db", db, "cascade", "R3", "A1"}).out.find("cascade from R3") != std::string::npos);
  CHECK(ok({"--db", db, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("closed risks leave trace and the network model", "[cli][graph][network][closed]") {
  TempDir dir;
  auto db = closed_r3(dir);

  auto t = ok({"--db", db, "trace", "5"}, {{"COLUMNS", "200"}}).out;
  CHECK(t.find("feeds R1  ") != std::string::npos);
  CHECK(t.find("feeds R3") == std::string::npos);
  CHECK(t.find("P3.4") == std::string::npos);
  CHECK(t.find("\nClosed, left out: R3\n") != std::string::npos);
  auto tj = json::parse(ok({"--db", db, "trace", "5", "--json"}).out);
  CHECK(tj["closed"] == json::array({"R3"}));
  // From the priority that mitigates only R3: its risk is left out, and named.
  auto p = ok({"--db", db, "trace", "P3.4"}).out;
  CHECK(p.find("mitigates R3") == std::string::npos);
  CHECK(p.find("Closed, left out: R3\n") != std::string::npos);
  auto bad = run_riskreg({"--db", db, "trace", "R3"});
  CHECK(bad.exit_code == 4);
  CHECK(bad.err == "riskreg: R3 is closed: closed risks take no part in traces (riskreg reopen R3 brings it back)\n");

  // The network model: eight risks, R3 and its links gone, said under the first line.
  auto n = ok({"--db", db, "network", "--threads", "1", "--runs", "2000", "--seed", "1"}).out;
  CHECK(n.find(": 8 risks, ") != std::string::npos);
  CHECK(n.find("\nclosed, left out: R3\n") != std::string::npos);
  CHECK(n.find("\nR3 ") == std::string::npos);
  auto nj = json::parse(ok({"--db", db, "network", "--threads", "1", "--runs", "2000", "--json"}).out);
  CHECK(nj["closed_left_out"] == json::array({"R3"}));
  CHECK(nj["network"]["risks"].size() == 8);
  auto rank = json::parse(ok({"--db", db, "network", "--rank", "--json"}).out);
  CHECK(rank["closed_left_out"] == json::array({"R3"}));
  for (const auto& row : rank["rows"]) CHECK(row["mitigation"].get<std::string>().find("R3") == std::string::npos);
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--zero", "R3"}, {"--cut", "R5:R3"}, {"--rank", "--target", "R3"}}) {
    std::vector<std::string> all{"--db", db, "network", "--runs", "100"};
    all.insert(all.end(), args.begin(), args.end());
    auto r = run_riskreg(all);
    INFO(args[0]);
    CHECK(r.exit_code == 4);
    CHECK(r.err ==
          "riskreg: R3 is closed: closed risks take no part in the network model (riskreg reopen R3 brings it "
          "back)\n");
  }
  // `show` of the closed risk says why it has no share of the network's expected impact.
  auto shown = json::parse(ok({"--db", db, "show", "R3", "--json"}).out);
  CHECK(shown["mitigation"]["not_ranked"] == "R3 is closed: closed risks leave the network");
}
