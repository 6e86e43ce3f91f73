// riskreg export on a real Darlington register: CSV folder, JSON file, manifest, refusal
// to overwrite.
#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;

namespace {
int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

std::string rescored_darlington(const TempDir& dir) {
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "score", "5", "B2", "--reason", "=HYPERLINK(\"x\")", "--as", "alice"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return db;
}
}  // namespace

TEST_CASE("export --format csv writes risks, history and manifest", "[cli][export]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto out = dir.file("exp");
  auto r = run_riskreg({"--db", db, "export", "--format", "csv", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto man = nlohmann::json::parse(read_file(out + "/manifest.json"));
  auto risks = read_file(out + "/risks.csv");
  auto hist = read_file(out + "/assessments.csv");
  CHECK(risks.rfind("id,title,owner,current,target,band,above_appetite,controls\r\n", 0) == 0);
  CHECK(hist.rfind("id,risk,score,likelihood,impact,band,by,at,reason\r\n", 0) == 0);
  int64_t n_risks = man["rows"]["risks"], n_hist = man["rows"]["assessments"];
  CHECK(n_risks > 0);
  CHECK(count_lines(risks) == n_risks + 1);
  CHECK(count_lines(hist) == n_hist + 1);
  CHECK(n_hist == n_risks + 1);  // one first assessment each, plus the re-score
  // The re-score, with its formula neutralised.
  CHECK(hist.find(",R5,B2,B,2,") != std::string::npos);
  CHECK(hist.find(",alice,2026-11-23T09:00:00Z,\"'=HYPERLINK(\"\"x\"\")\"\r\n") != std::string::npos);
  CHECK(man["riskreg_version"].is_string());
  CHECK(man["format"] == "csv");
  REQUIRE(man["rules"].size() > 0);
  CHECK(man["rules"][0]["sha256"].get<std::string>().size() == 64);
  auto log = nlohmann::json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out);
  CHECK(man["audit_head"] == log.back()["hash"]);
}

TEST_CASE("export --format json writes one file with the same rows", "[cli][export]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto out = dir.file("exp.json");
  auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(read_file(out));
  CHECK(j["manifest"]["rows"]["risks"] == j["risks"].size());
  CHECK(j["manifest"]["rows"]["assessments"] == j["assessments"].size());
  CHECK(j["manifest"]["format"] == "json");
  nlohmann::json r5;
  for (const auto& e : j["risks"])
    if (e["id"] == "R5") r5 = e;
  REQUIRE(r5.is_object());
  CHECK(r5["current"] == "B2");
  CHECK(r5["controls"].is_array());
  nlohmann::json latest_r5;
  for (const auto& a : j["assessments"])
    if (a["risk"] == "R5") latest_r5 = a;
  CHECK(latest_r5["reason"] == "=HYPERLINK(\"x\")");
  CHECK(r.out == "exported " + std::to_string(j["risks"].size()) + " risks and " +
                     std::to_string(j["assessments"].size()) + " assessments to " + out + "\n");
}

TEST_CASE("export refuses to overwrite without --force (exit 8)", "[cli][export]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto out = dir.file("exp.json");
  write_file(out, "keep me");
  auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", out});
  CHECK(r.exit_code == 8);
  CHECK(r.err == "riskreg: " + out + " already exists; use --force to overwrite it\n");
  CHECK(read_file(out) == "keep me");
  auto f = run_riskreg({"--db", db, "export", "--format", "json", "--out", out, "--force"});
  CHECK(f.exit_code == 0);
  CHECK(nlohmann::json::parse(read_file(out))["risks"].size() > 0);
  CHECK_FALSE(std::filesystem::exists(out + ".riskreg-export-tmp"));
}
