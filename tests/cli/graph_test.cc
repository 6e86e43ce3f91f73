// Golden tests of the graph commands on the Darlington register.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;

TEST_CASE("trace 5 (golden)", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "trace", "5"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("trace-r5.txt", r.out);
  auto s = run_riskreg({"--db", db, "trace", "R5", "--stated-only"});
  REQUIRE(s.exit_code == 0);
  check_golden("trace-r5-stated.txt", s.out);
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "trace", "5", "--json"}).out);
  CHECK(j["downstream"][0]["id"] == "R1");
  CHECK(j["upstream"].size() == 3);
  auto p = run_riskreg({"--db", db, "trace", "P3.1-A2"});
  REQUIRE(p.exit_code == 0);
  check_golden("trace-p3.1-a2.txt", p.out);
  auto bad = run_riskreg({"--db", db, "trace", "R55"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("did you mean 'R5'") != std::string::npos);
}

TEST_CASE("cascade 5 B1 (golden) writes nothing", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "cascade", "5", "B1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("cascade-r5-b1.txt", r.out);
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "cascade", "R5", "B1", "--json"}).out);
  CHECK(j["steps"].size() == 2);
  CHECK(j["steps"][0]["path"] == nlohmann::json({"R5", "R1"}));
  auto show = run_riskreg({"--db", db, "show", "5", "--json"});
  CHECK(nlohmann::json::parse(show.out)["current"] == "C2");
}

TEST_CASE("score prints the cascade of a real re-score", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "score", "2", "A1", "--reason", "placements failing", "--as", "tester"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("cascade-score-r2-a1.txt", r.out);
}

TEST_CASE("graph check (golden) and --dot", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "graph", "check"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("graph-check.txt", r.out);
  auto d = run_riskreg({"--db", db, "graph", "--dot", "5"});
  REQUIRE(d.exit_code == 0);
  CHECK(d.out.rfind("digraph register {", 0) == 0);
  CHECK(d.out.find("\"risk:R5\" -> \"risk:R1\" [label=\"feeds\", penwidth=2]") != std::string::npos);
  CHECK(d.out.find("fillcolor=\"#fdae61\"") != std::string::npos);
  CHECK(d.out.find("\"risk:R6\"") == std::string::npos);  // not in R5's neighbourhood
  auto all = run_riskreg({"--db", db, "graph", "--dot"});
  CHECK(all.out.find("\"risk:R6\"") != std::string::npos);
}

TEST_CASE("network on the register and on a file (golden)", "[cli][network]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "network", "--threads", "2", "--runs", "20000", "--seed", "1", "--zero", "R2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("network-darlington-zero-r2.txt", r.out);
  auto f = run_riskreg({"network", "--file", source_path("tests/fixtures/networks/diamond.toml"), "--threads", "2",
                        "--runs", "20000", "--seed", "1", "--cut", "B:D"});
  INFO(f.err);
  REQUIRE(f.exit_code == 0);
  check_golden("network-diamond-cut.txt", f.out);
}
