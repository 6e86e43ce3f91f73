// `riskreg network --rank` (issue 23) and what `show`, `export --format html` and `network
// --sort` say of it, run through the built binary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "support.h"

using namespace riskreg::test;

TEST_CASE("network --rank on the Darlington register (golden)", "[cli][network][rank]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "network", "--rank"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("network-rank-darlington.txt", r.out);
  auto p = run_riskreg({"--db", db, "network", "--rank", "--pairs", "--top", "5"});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  check_golden("network-rank-darlington-pairs.txt", p.out);

  // JSON: the same numbers; rows best first; the total is the sum of the criticalities that
  // plain `network` reports.
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "network", "--rank", "--json", "--top", "100"}).out);
  auto plain = nlohmann::json::parse(run_riskreg({"--db", db, "network", "--json", "--runs", "10"}).out);
  double total = 0;
  for (const auto& risk : plain["network"]["risks"]) total += risk["criticality"].get<double>();
  CHECK(j["total"].get<double>() == Approx(total));
  CHECK(j["objective"] == "total_expected_impact");
  REQUIRE(j["rows"].size() == j["candidates"].get<size_t>());
  for (size_t i = 1; i < j["rows"].size(); ++i)
    CHECK(j["rows"][i - 1]["reduction"].get<double>() >= j["rows"][i]["reduction"].get<double>());
  // Zeroing a risk removes exactly what it starts (its as-origin column).
  for (const auto& row : j["rows"]) {
    if (row["steps"][0]["kind"] != "zero") continue;
    for (const auto& risk : plain["network"]["risks"])
      if (risk["id"] == row["steps"][0]["risk"])
        CHECK(row["reduction"].get<double>() == Approx(risk["as_origin"].get<double>()));
  }
  // Stated and inferred strengths come from rules/network.toml.
  bool stated = false, inferred = false;
  for (const auto& row : j["rows"])
    if (row["steps"][0]["kind"] == "cut") {
      auto basis = row["steps"][0]["basis"];
      double t = row["steps"][0]["transition_probability"];
      if (basis == "stated") {
        stated = true;
        CHECK(t == 0.5);
      }
      if (basis == "inferred") {
        inferred = true;
        CHECK(t == 0.25);
      }
    }
  CHECK(stated);
  CHECK(inferred);

  // A target, named as everywhere (`1` is R1).
  auto t = nlohmann::json::parse(run_riskreg({"--db", db, "network", "--rank", "--target", "1", "--json"}).out);
  CHECK(t["target"] == "R1");
  CHECK(t["objective"] == "frequency");
  for (const auto& risk : plain["network"]["risks"])
    if (risk["id"] == "R1") CHECK(t["total"].get<double>() == Approx(risk["frequency"].get<double>()));
}

TEST_CASE("network --rank on files: diamond with Monte Carlo, supercritical", "[cli][network][rank]") {
  auto d = run_riskreg({"network", "--file", source_path("tests/fixtures/networks/diamond.toml"), "--rank", "--runs",
                        "20000", "--seed", "3", "--threads", "2"});
  INFO(d.err);
  REQUIRE(d.exit_code == 0);
  check_golden("network-rank-diamond-mc.txt", d.out);
  auto j = nlohmann::json::parse(run_riskreg({"network", "--file", source_path("tests/fixtures/networks/diamond.toml"),
                                              "--rank", "--runs", "20000", "--seed", "3", "--json"})
                                     .out);
  // Monte Carlo beside the exact values, within 4 standard errors.
  CHECK(std::abs(j["monte_carlo"]["total"].get<double>() - 2.0) <= 4 * j["monte_carlo"]["total_stderr"].get<double>());
  for (const auto& row : j["rows"])
    CHECK(std::abs(row["after_mc"].get<double>() - row["after"].get<double>()) <=
          4 * row["after_mc_stderr"].get<double>() + 1e-12);

  auto s = run_riskreg({"network", "--file", source_path("tests/fixtures/networks/supercritical.toml"), "--rank"});
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  check_golden("network-rank-supercritical.txt", s.out);
  CHECK_FALSE(std::regex_search(s.out, std::regex("\\binf\\b")));  // no infinite value printed as a number
  auto st = run_riskreg(
      {"network", "--file", source_path("tests/fixtures/networks/supercritical.toml"), "--rank", "--target", "L3"});
  REQUIRE(st.exit_code == 0);
  CHECK(st.out.find("L3's propagated frequency diverges: nothing to rank") != std::string::npos);
}

TEST_CASE("network --sort and --help's columns", "[cli][network]") {
  auto f = source_path("tests/fixtures/networks/diamond.toml");
  auto r = run_riskreg({"network", "--file", f, "--runs", "100", "--sort", "criticality", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto rows = nlohmann::json::parse(r.out)["network"]["risks"];
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["id"] == "D");  // 0.25 × 4
  for (size_t i = 1; i < rows.size(); ++i)
    CHECK(rows[i - 1]["criticality"].get<double>() >= rows[i]["criticality"].get<double>());
  auto unsorted = nlohmann::json::parse(run_riskreg({"network", "--file", f, "--runs", "100", "--json"}).out);
  CHECK(unsorted["network"]["risks"][0]["id"] == "A");
  auto bad = run_riskreg({"network", "--file", f, "--sort", "size"});
  CHECK(bad.exit_code == 2);
  auto h = run_riskreg({"network", "--help"});
  REQUIRE(h.exit_code == 0);
  for (const char* col : {"CRITICALITY", "AS-ORIGIN", "CONSEQUENCE", "P(>=1)", "REDUCTION", "SHARE", "--sort"})
    CHECK(h.out.find(col) != std::string::npos);
}

TEST_CASE("show and the HTML export say where mitigation pays", "[cli][network][rank]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "network", "--rank", "--json", "--top", "100"}).out);
  auto s = run_riskreg({"--db", db, "show", "5"});
  REQUIRE(s.exit_code == 0);
  auto sj = nlohmann::json::parse(run_riskreg({"--db", db, "show", "5", "--json"}).out);
  for (const auto& row : j["rows"])
    if (row["mitigation"] == "zero R5") {
      CHECK(sj["mitigation"]["reduction"].get<double>() == Approx(row["reduction"].get<double>()));
      CHECK(sj["mitigation"]["total"].get<double>() == Approx(j["total"].get<double>()));
    }
  CHECK(s.out.find("If it no longer occurred of itself: the expected impact falls by ") != std::string::npos);

  auto out = dir.file("r.html");
  auto e = run_riskreg({"--db", db, "export", "--format", "html", "--out", out});
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  std::string html = read_file(out);
  auto at = html.find("<section id=\"mitigation\"><h2>Where mitigation pays most</h2>");
  REQUIRE(at != std::string::npos);
  std::string section = html.substr(at, html.find("</section>", at) - at);
  size_t rows = 0;
  for (size_t p = 0; (p = section.find("<tr><td>", p)) != std::string::npos; ++p) ++rows;
  CHECK(rows == 5);
  // The first row is the ranking's first.
  std::string first = j["rows"][0]["steps"][0]["kind"] == "zero"
                          ? "<b>" + j["rows"][0]["steps"][0]["risk"].get<std::string>() + "</b> no longer occurs"
                          : "<b>" + j["rows"][0]["steps"][0]["from"].get<std::string>() + "</b> &#8594;";
  CHECK(section.find(first) < section.find("<tr><td>2</td>"));
}
