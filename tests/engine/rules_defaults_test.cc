// The default rules (rules/flags.toml) on real registers: each fires and does not fire.
#include <catch2/catch.hpp>

#include <algorithm>

#include "register/rules_bundle.h"
#include "rules/flags.h"
#include "store/sqlite_store.h"
#include "support.h"

using namespace riskreg;
using namespace riskreg::rules;
using riskreg::test::source_path;
using riskreg::test::TempDir;

namespace {

const Timestamp kNow = *parse_timestamp("2026-11-23T09:00:00Z");  // the tests' RISKREG_NOW

/// The ids a rule flags in the register at `now`.
std::vector<std::string> flagged(Store& store, const std::string& rule, Timestamp now = kNow) {
  auto bundle = store.rules();
  Matrix m = matrix_from(bundle);
  RuleSet set = rule_set_from(bundle, m);
  REQUIRE(set.find(rule));
  std::vector<std::string> out;
  auto report = flag_register(store, m, set, now);
  for (const auto& f : report.flags)
    if (f.rule->name == rule) out.push_back(report.facts[f.risk].id);
  return out;
}

void rescore(Store& store, const std::string& id, const std::string& l, const std::string& i) {
  store.append_assessment({id, {l, i}, "tester", kNow, "test re-score", std::nullopt});
}

const std::vector<std::string> kAll = {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"};

}  // namespace

TEST_CASE("default rules: the register holds rules/flags.toml", "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  auto bundle = store.rules();
  REQUIRE(find_rules_file(bundle, "flags.toml"));
  RuleSet set = rule_set_from(bundle, matrix_from(bundle));
  CHECK(set.names() == std::vector<std::string>{"ABOVE_APPETITE", "NO_TARGET", "NO_RESPONSE", "ACCEPTANCE_EXPIRED",
                                                "ACCEPTANCE_EXPIRING", "TREATMENT_WITHOUT_PLAN", "TREATMENT_OVERDUE",
                                                "UNMITIGATED", "STALE_REVIEW", "REVIEW_OVERDUE", "WORSENED",
                                                "NO_OWNER"});
}

TEST_CASE("default rules: ABOVE_APPETITE", "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  CHECK(flagged(store, "ABOVE_APPETITE") == kAll);  // the Zurich convention puts all nine above
  rescore(store, "R1", "F", "4");
  auto after = flagged(store, "ABOVE_APPETITE");
  CHECK(std::find(after.begin(), after.end(), "R1") == after.end());
  CHECK(after.size() == 8);
}

TEST_CASE("default rules: NO_TARGET", "[rules][defaults]") {
  TempDir dir;
  SqliteStore darlington(test::init_darlington(dir), SqliteStore::Mode::Open);
  CHECK(flagged(darlington, "NO_TARGET") == kAll);  // the seed sets no target
  // The minimal register sets a target on R2 only.
  std::string db = dir.file("minimal.db");
  auto r = test::run_riskreg({"--db", db, "init", "--data", source_path("tests/fixtures/data/minimal")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  SqliteStore minimal(db, SqliteStore::Mode::Open);
  CHECK(flagged(minimal, "NO_TARGET") == std::vector<std::string>{"R1"});
}

TEST_CASE("default rules: UNMITIGATED", "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  // The seed links no priority to risks 5, 6 and 7.
  CHECK(flagged(store, "UNMITIGATED") == std::vector<std::string>{"R5", "R6", "R7"});
  // Below the appetite line, an unmitigated risk is not flagged.
  rescore(store, "R6", "F", "4");
  CHECK(flagged(store, "UNMITIGATED") == std::vector<std::string>{"R5", "R7"});
}

TEST_CASE("default rules: STALE_REVIEW", "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  CHECK(flagged(store, "STALE_REVIEW").empty());                                // assessed today
  CHECK(flagged(store, "STALE_REVIEW", kNow + std::chrono::days(91)).empty());  // exactly a quarter: not yet
  CHECK(flagged(store, "STALE_REVIEW", kNow + std::chrono::days(92)) == kAll);
  rescore(store, "R3", "D", "2");  // re-assessed (same score) at kNow + 0 …
  store.append_assessment({"R4", {"C", "3"}, "tester", kNow + std::chrono::days(60), "review", std::nullopt});
  auto later = flagged(store, "STALE_REVIEW", kNow + std::chrono::days(100));
  CHECK(std::find(later.begin(), later.end(), "R4") == later.end());  // reviewed 40 days before
  CHECK(std::find(later.begin(), later.end(), "R3") != later.end());
}

TEST_CASE("default rules: WORSENED", "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  CHECK(flagged(store, "WORSENED").empty());  // one assessment each: nothing to compare
  rescore(store, "R1", "B", "2");             // C3 (high) -> B2 (very high)
  rescore(store, "R2", "D", "4");             // B3 -> D4: better
  rescore(store, "R3", "D", "2");             // D2 -> D2: same
  CHECK(flagged(store, "WORSENED") == std::vector<std::string>{"R1"});
  rescore(store, "R8", "B", "2");  // C2 -> B2: same band, one step up: worse
  CHECK(flagged(store, "WORSENED") == std::vector<std::string>{"R1", "R8"});
}

TEST_CASE("default rules: NO_OWNER", "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  CHECK(flagged(store, "NO_OWNER") == kAll);  // the seed names no owners
  store.assign_owner("R1", "Jenni Cooke", "tester", kNow, "test");
  auto after = flagged(store, "NO_OWNER");
  CHECK(after == std::vector<std::string>{"R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"});
}

TEST_CASE("default rules: upstream counts come from the feed links", "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  Matrix m = matrix_from(store.rules());
  auto facts = load_facts(store, m, kNow);
  auto r5 = std::find_if(facts.begin(), facts.end(), [](const RiskFacts& f) { return f.id == "R5"; });
  REQUIRE(r5 != facts.end());
  CHECK(r5->upstream == 3);  // R2, R7, R8 feed R5
  CHECK(r5->upstream_above == 3);
  auto one = load_risk_facts(store, m, "R5", kNow);
  CHECK(one.upstream == 3);
  CHECK(one.upstream_above == 3);
  rescore(store, "R7", "F", "4");
  CHECK(load_risk_facts(store, m, "R5", kNow).upstream_above == 2);
}

TEST_CASE("default rules: a flag's message is rendered from its rule and its risk when asked for",
          "[rules][defaults]") {
  TempDir dir;
  SqliteStore store(test::init_darlington(dir), SqliteStore::Mode::Open);
  auto bundle = store.rules();
  Matrix m = matrix_from(bundle);
  RuleSet set = rule_set_from(bundle, m);
  auto report = flag_register(store, m, set, kNow);
  auto on_r5 = report.on("R5");
  REQUIRE_FALSE(on_r5.empty());
  REQUIRE(on_r5.front()->rule->name == "ABOVE_APPETITE");
  CHECK(report.message(*on_r5.front(), set, m) ==
        set.message(*on_r5.front()->rule, report.facts[on_r5.front()->risk], m));
  auto text = report.message(*on_r5.front(), set, m);
  CHECK_THAT(text, Catch::StartsWith("R5 is at ") && Catch::EndsWith("above the appetite line"));
}
