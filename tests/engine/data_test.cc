// The Darlington register as transcribed: complete, with the seed's links.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "core/error.h"
#include "data/register_loader.h"
#include "rules/matrix_file.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::source_path;

namespace {
Matrix darlington_matrix() { return load_matrix_file(source_path("rules/matrix.toml")); }
RegisterData darlington() { return load_register_dir(source_path("data/darlington-2009"), darlington_matrix()); }

std::string load_error(const std::string& fixture) {
  try {
    load_register_dir(source_path("tests/fixtures/data/" + fixture), darlington_matrix());
  } catch (const FileError& e) {
    std::string msg = e.what();
    // Paths in messages are absolute; compare from the fixture folder on.
    auto at = msg.find("fixtures/");
    return at == std::string::npos ? msg : msg.substr(at);
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("Darlington: nine risks with the seed's scores, no targets, no owners", "[data]") {
  auto d = darlington();
  REQUIRE(d.risks.size() == 9);
  Matrix m = darlington_matrix();
  std::vector<std::string> scores;
  for (const auto& r : d.risks) {
    REQUIRE(r.current);
    scores.push_back(m.format(*m.cell(*r.current)));
    CHECK_FALSE(r.target);
    CHECK_FALSE(r.owner);
    CHECK_FALSE(r.vulnerability.empty());
    CHECK_FALSE(r.triggers.empty());
    CHECK_FALSE(r.consequences.empty());
    CHECK_FALSE(r.controls.empty());
  }
  CHECK(scores == std::vector<std::string>{"C3", "B3", "D2", "C3", "C2", "B2", "C3", "C2", "B2"});
  CHECK(d.risks[4].title == "Capacity to deliver MTFP");
  CHECK(d.risks[0].controls.size() == 5);
  CHECK(d.risks[5].controls.size() == 7);
}

TEST_CASE("Darlington: the stated feed link 5 -> 1, 3 and inferred links with evidence", "[data]") {
  auto d = darlington();
  std::set<std::pair<std::string, std::string>> stated;
  for (const auto& f : d.feeds) {
    CHECK_FALSE(f.evidence.empty());
    if (f.basis == "stated") stated.insert({f.from, f.to});
  }
  CHECK(stated == std::set<std::pair<std::string, std::string>>{{"R5", "R1"}, {"R5", "R3"}});
  CHECK(d.feeds.size() > stated.size());
}

TEST_CASE("Darlington: 11 priorities with sub-priorities 3.1-3.7 and their risk links", "[data]") {
  auto d = darlington();
  std::vector<std::string> ids;
  size_t actions = 0;
  for (const auto& p : d.priorities) {
    ids.push_back(p.id);
    actions += p.actions.size();
  }
  CHECK(ids == std::vector<std::string>{"P1", "P2", "P3", "P3.1", "P3.2", "P3.3", "P3.4", "P3.5", "P3.6", "P3.7", "P4",
                                        "P5", "P6", "P7", "P8", "P9", "P10", "P11"});
  CHECK(actions == 88);
  CHECK(d.find_priority("P1")->risks == std::vector<std::string>{"R1", "R2", "R8", "R9"});
  CHECK(d.find_priority("P3.1")->risks == std::vector<std::string>{"R4"});
  CHECK(d.find_priority("P3.4")->risks == std::vector<std::string>{"R3"});
  CHECK(d.find_priority("P3.1")->parent == "P3");
  // Risks 5, 6 and 7 are linked to no priority in the seed.
  std::set<std::string> linked;
  for (const auto& p : d.priorities) linked.insert(p.risks.begin(), p.risks.end());
  CHECK(linked == std::set<std::string>{"R1", "R2", "R3", "R4", "R8", "R9"});
  const auto& a = d.find_priority("P1")->actions[0];
  CHECK(a.lead_officers == std::vector<std::string>{"LSC Board", "Jenni Cook"});
  CHECK(a.completion == "June 2009");
  CHECK(d.find_priority("P3.2")->actions[0].completion == "Sept 09");
}

TEST_CASE("Darlington: six departmental objectives and the appendix per outcome", "[data]") {
  auto d = darlington();
  REQUIRE(d.objectives.size() == 6);
  CHECK(d.objectives[1].title == "Stay safe");
  std::vector<std::string> outcomes;
  size_t stated = 0;
  for (const auto& o : d.outcomes) {
    outcomes.push_back(o.objective);
    stated += o.priorities.size();
  }
  CHECK(outcomes == std::vector<std::string>{"O1", "O2", "O3", "O4", "O5", "O6"});
  CHECK(stated == 94);  // with O6-S52, the seed's last line (no line break after it)
  CHECK(d.outcomes[5].objective_basis == "inferred");
}

TEST_CASE("Darlington: the appendix's last stated priority, on the seed's final line, is there", "[data]") {
  auto d = darlington();
  const auto& last = d.outcomes.back().priorities.back();
  CHECK(last.id == "O6-S52");
  CHECK(last.text == "Ensure implementation across Children's Services");
  CHECK(last.progress == std::vector<std::string>{"Action Plan 07/08 to be agreed by Steering Group"});
}

TEST_CASE("Darlington: the Change Drivers table is on the priorities it names", "[data]") {
  auto d = darlington();
  auto rows = [&](const std::string& id) { return d.find_priority(id)->change_drivers_table; };
  REQUIRE(rows("P3.5").size() == 1);
  CHECK(rows("P3.5")[0].response.find("(JAR Recommendation 9)") != std::string::npos);
  CHECK(rows("P3.5")[0].seed_line == 281);
  REQUIRE(rows("P3.7").size() == 4);
  CHECK(rows("P3.7")[1].response.find("(JAR Recommendation 2)") != std::string::npos);
  CHECK(rows("P3.7")[0].issues.front() == "Improving services for disabled children and their families");
  REQUIRE(rows("P1").size() == 2);  // Government priorities, and again under Performance Management
  CHECK(rows("P1")[0].issues.front() == "Government priorities");
  CHECK(rows("P1")[1].issues.front() == "Performance Management");
  CHECK(rows("P3.6").size() == 2);
  // Every response names its priority, and every numbered priority but P3 has a row of its own.
  size_t total = 0;
  for (const auto& p : d.priorities) total += p.change_drivers_table.size();
  CHECK(total == 23);
  for (const auto& id : {"P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11"}) CHECK(rows(id).size() == 1);
}

TEST_CASE("Malformed data files fail with file:line:col", "[data][errors]") {
  CHECK(load_error("bad-score") ==
        "fixtures/data/bad-score/risks.toml:4:11: 'G5' is not a score on the matrix 'Zurich 6x4 (Darlington "
        "Children's Services Departmental Plan 2009-2013)' (scores look like A1 … F4)");
  CHECK(load_error("bad-key") ==
        "fixtures/data/bad-key/risks.toml:4:1: unknown key 'curent'; did you mean 'current'? (valid keys: id, number, "
        "title, heading, vulnerability, triggers, consequences, controls, current, target, owner, "
        "spontaneous_probability, notes)");
  CHECK(load_error("bad-syntax") ==
        "fixtures/data/bad-syntax/risks.toml:3:15: Error while parsing string: unescaped control characters other than "
        "TAB (U+0009) are explicitly prohibited");
  CHECK(load_error("dangling") == "fixtures/data/dangling/feeds.toml:3:6: unknown risk 'R3'; did you mean 'R1'?");
  CHECK(load_error("minimal") == "(no error)");
}
