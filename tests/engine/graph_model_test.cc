// The register graph: building, closure, cycles, cascade rule on hand-made registers.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "graph/build.h"
#include "graph/cascade.h"
#include "graph/check.h"
#include "graph/trace.h"
#include "rules/matrix_file.h"
#include "support.h"

using namespace riskreg;

namespace {
RegisterData reg(std::vector<std::pair<std::string, std::string>> risks,
                 std::vector<std::tuple<std::string, std::string, std::string>> feeds) {
  RegisterData d;
  for (auto& [id, score] : risks) {
    Risk r;
    r.id = id;
    r.title = "risk " + id;
    r.current = ScoreCodes{score.substr(0, 1), score.substr(1)};
    d.risks.push_back(r);
  }
  for (auto& [f, t, b] : feeds) d.feeds.push_back({f, t, b, "", std::nullopt, ""});
  return d;
}
Matrix darlington() { return load_matrix_file(test::source_path("rules/matrix.toml")); }
CascadeRule rule() { return load_cascade_rule(TomlFile::read(test::source_path("rules/cascade.toml"))); }
}  // namespace

TEST_CASE("graph: cycles print from their least node and terminate", "[graph]") {
  auto net = build_network(reg({{"R1", "E4"}, {"R5", "E4"}, {"R7", "E4"}},
                               {{"R5", "R1", "stated"}, {"R1", "R5", "inferred"}, {"R7", "R7", "stated"}}));
  auto findings = check_graph(net);
  std::vector<std::string> cycles;
  for (const auto& f : findings)
    if (f.kind == "cycle") cycles.push_back(f.message);
  CHECK(cycles == std::vector<std::string>{"feed cycle: R1 -> R5 -> R1", "feed cycle: R7 -> R7"});
  auto r1 = *net.graph.find(NodeKind::Risk, "R1");
  CHECK(net.graph.closure(r1, EdgeMask::of({EdgeKind::Feeds})).size() == 1);
  auto t = trace(net, darlington(), r1, false);
  REQUIRE(t.downstream.size() == 1);
  CHECK(t.downstream[0].item.id == "R5");
  REQUIRE(t.downstream[0].children.size() == 1);  // R5 -> R1 is the root again: not expanded
  CHECK(t.downstream[0].children[0].repeated);
  CHECK(t.downstream[0].children[0].children.empty());
}

TEST_CASE("graph: dangling references are kept for graph check", "[graph]") {
  auto d = reg({{"R1", "C3"}}, {{"R1", "R9", "stated"}});
  Priority p;
  p.id = "P1";
  p.parent = "P0";
  p.risks = {"R1", "R4"};
  d.priorities.push_back(p);
  auto net = build_network(std::move(d));
  std::vector<std::string> dangling;
  for (const auto& f : check_graph(net))
    if (f.kind == "dangling-reference") dangling.push_back(f.message);
  CHECK(dangling == std::vector<std::string>{"R1 -> R9: feed to names 'R9', which the register does not hold",
                                             "P1: parent names 'P0', which the register does not hold",
                                             "P1: risks names 'R4', which the register does not hold"});
}

TEST_CASE("cascade: the change propagates, not the standing level", "[graph][cascade]") {
  Matrix m = darlington();
  // R1 E4 (low) feeds R2 D3 (medium, within appetite) stated, R2 feeds R3 E3 inferred;
  // R4 sits at A1 (very high) and feeds R2 too, but R4 is not re-scored.
  auto net = build_network(
      reg({{"R1", "E4"}, {"R2", "D3"}, {"R3", "E3"}, {"R4", "A1"}},
          {{"R1", "R2", "stated"}, {"R2", "R3", "inferred"}, {"R4", "R2", "stated"}, {"R3", "R1", "stated"}}));
  NodeId r1 = *net.graph.find(NodeKind::Risk, "R1");
  // E4 -> C4: low -> medium, +1 band. R2 D3 -> C3 (high, above the line): +1 band.
  // R3 gets round(1 × 0.5) = 1 level: E3 -> D3 (medium, +1). R3 -> R1 is the origin: not moved.
  auto c = cascade(net, m, rule(), r1, *m.parse("E4"), *m.parse("C4"));
  REQUIRE(c.propagates);
  REQUIRE(c.steps.size() == 2);
  CHECK(c.steps[0].risk == "R2");
  CHECK(m.format(c.steps[0].to) == "C3");
  CHECK(c.steps[0].band_change == 1);
  CHECK(c.steps[0].now_above);
  CHECK_FALSE(c.steps[0].was_above);
  CHECK(c.steps[1].risk == "R3");
  CHECK(m.format(c.steps[1].to) == "D3");
  CHECK(c.steps[1].path == std::vector<std::string>{"R1", "R2", "R3"});
  CHECK(c.crossing == std::vector<std::string>{"R2"});

  // Re-scoring R1 within its band moves nothing, although R4 stands at A1.
  auto same = cascade(net, m, rule(), r1, *m.parse("E4"), *m.parse("E3"));
  CHECK_FALSE(same.propagates);
  CHECK(same.steps.empty());
  // An improvement does not propagate under worsening_only.
  auto better = cascade(net, m, rule(), r1, *m.parse("C4"), *m.parse("E4"));
  CHECK_FALSE(better.propagates);
  // max_depth = 1 stops at R2.
  auto shallow = rule();
  shallow.max_depth = 1;
  CHECK(cascade(net, m, shallow, r1, *m.parse("E4"), *m.parse("C4")).steps.size() == 1);
}

TEST_CASE("cascade: terminates on a loop of feeds", "[graph][cascade]") {
  Matrix m = darlington();
  auto net = build_network(reg({{"R1", "F4"}, {"R2", "F4"}, {"R3", "F4"}},
                               {{"R1", "R2", "stated"}, {"R2", "R3", "stated"}, {"R3", "R2", "stated"}}));
  auto r = rule();
  r.max_depth = 1000;
  auto c = cascade(net, m, r, *net.graph.find(NodeKind::Risk, "R1"), *m.parse("F4"), *m.parse("A1"));
  REQUIRE(c.steps.size() == 2);
  for (const auto& s : c.steps) CHECK(s.to.likelihood <= m.likelihood.size() - 1);
}

TEST_CASE("cascade rule file errors carry positions", "[graph][cascade]") {
  try {
    load_cascade_rule_text("[strength]\nstated = 2\n", "rules/cascade.toml");
    FAIL("no error");
  } catch (const FileError& e) {
    CHECK(std::string(e.what()) == "rules/cascade.toml:2:10: a link strength must be between 0 and 1");
  }
}

TEST_CASE("graph: 10,000 risks load and trace", "[graph]") {
  RegisterData d;
  for (int i = 0; i < 10000; ++i) {
    Risk r;
    r.id = "R" + std::to_string(i);
    r.current = ScoreCodes{"E", "4"};
    d.risks.push_back(r);
    if (i > 0) d.feeds.push_back({"R" + std::to_string((i - 1) / 2), r.id, "stated", "", std::nullopt, ""});
  }
  auto net = build_network(std::move(d));
  CHECK(net.graph.node_count() == 10000);
  CHECK(net.graph.edge_count() == 9999);
  NodeId root = *net.graph.find(NodeKind::Risk, "R0");
  CHECK(net.graph.closure(root, EdgeMask::of({EdgeKind::Feeds})).size() == 9999);
  NodeId leaf = *net.graph.find(NodeKind::Risk, "R9999");
  auto up = net.graph.closure(leaf, EdgeMask::of({EdgeKind::Feeds}), true);
  CHECK(up.size() == 13);  // its ancestors in a binary heap of 10,000
  auto t = trace(net, load_matrix_file(test::source_path("rules/matrix.toml")), leaf, false);
  REQUIRE(t.upstream.size() == 1);
  CHECK(t.upstream[0].item.id == "R4999");
  CHECK(net.graph.feed_cycles().empty());
}
