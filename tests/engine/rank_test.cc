// Ranking mitigations on the risk network (graph/rank.h): hand-checked small networks, and
// equality with re-solving the network per candidate on random ones.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "graph/network_file.h"
#include "graph/rank.h"
#include "support.h"

using namespace riskreg;

namespace {
RiskNetwork make(std::vector<std::tuple<std::string, double, double>> risks,
                 std::vector<std::tuple<uint32_t, uint32_t, double>> links) {
  RiskNetwork n;
  for (auto& [id, s, impact] : risks) n.risks.push_back({id, "", s, impact});
  for (auto& [f, t, p] : links) n.links.push_back({f, t, p});
  return n;
}

/// The row whose mitigation reads `label` ("zero A", "cut A -> B", "zero A + cut B -> C").
const RankedMitigation& find(const RiskNetwork& net, const Ranking& r, const std::string& label) {
  for (const auto& row : r.rows) {
    std::string l;
    for (const auto& m : row.steps) l += (l.empty() ? "" : " + ") + describe(net, m);
    if (l == label) return row;
  }
  FAIL("no row " << label);
  throw;
}

std::string top(const RiskNetwork& net, const Ranking& r, size_t i) {
  std::string l;
  for (const auto& m : r.rows.at(i).steps) l += (l.empty() ? "" : " + ") + describe(net, m);
  return l;
}
}  // namespace

TEST_CASE("rank: a chain A -> B -> C by hand, singles, pairs and a target", "[network][rank]") {
  auto n = make({{"A", 0.4, 1}, {"B", 0.1, 2}, {"C", 0, 3}}, {{0, 1, 0.5}, {1, 2, 0.25}});
  // f = (0.4, 0.3, 0.075); total = 0.4·1 + 0.3·2 + 0.075·3 = 1.225.
  // g (what one occurrence brings about) = (1 + 0.5·2.75, 2 + 0.25·3, 3) = (2.375, 2.75, 3).
  auto r = rank_mitigations(n);
  CHECK(r.total == Approx(1.225));
  CHECK(r.diverging.empty());
  REQUIRE(r.rows.size() == 4);  // zero A, zero B (C has s = 0), two cuts
  CHECK(r.candidates == 4);
  CHECK(find(n, r, "zero A").reduction == Approx(0.4 * 2.375));           // 0.95
  CHECK(find(n, r, "zero B").reduction == Approx(0.1 * 2.75));            // 0.275
  CHECK(find(n, r, "cut A -> B").reduction == Approx(0.5 * 0.4 * 2.75));  // 0.55: f_B 0.3 -> 0.1, f_C -> 0.025
  CHECK(find(n, r, "cut B -> C").reduction == Approx(0.25 * 0.3 * 3));    // 0.225: C's whole criticality
  CHECK(find(n, r, "zero A").after == Approx(0.275));
  CHECK(find(n, r, "zero A").share == Approx(0.95 / 1.225));
  CHECK(top(n, r, 0) == "zero A");
  CHECK(top(n, r, 1) == "cut A -> B");
  CHECK(top(n, r, 2) == "zero B");
  CHECK(top(n, r, 3) == "cut B -> C");

  RankOptions pairs;
  pairs.pairs = true;
  auto p = rank_mitigations(n, pairs);
  CHECK(p.rows.size() == 4 + 6);
  CHECK(top(n, p, 0) == "zero A + zero B");  // nothing occurs any more: the whole 1.225
  CHECK(p.rows[0].reduction == Approx(1.225));
  CHECK(p.rows[0].after == Approx(0).margin(1e-12));
  // Not additive: once A is zeroed, cutting A -> B removes nothing more.
  CHECK(find(n, p, "zero A + cut A -> B").reduction == Approx(0.95));
  // After zeroing A, f_B = 0.1, so cutting B -> C removes 0.25·0.1·3 = 0.075 more.
  CHECK(find(n, p, "zero A + cut B -> C").reduction == Approx(1.025));
  CHECK(find(n, p, "zero B + cut A -> B").reduction == Approx(0.275 + 0.55));
  CHECK(find(n, p, "zero B + cut B -> C").reduction == Approx(0.275 + 0.25 * 0.2 * 3));

  RankOptions target;
  target.target = 2;  // C: f_C = 0.075; g = (0.125, 0.25, 1) occurrences of C per occurrence
  auto t = rank_mitigations(n, target);
  CHECK(t.total == Approx(0.075));
  CHECK(top(n, t, 0) == "cut B -> C");
  CHECK(t.rows[0].reduction == Approx(0.075));
  CHECK(t.rows[0].share == Approx(1));
  CHECK(find(n, t, "zero A").reduction == Approx(0.4 * 0.125));
  CHECK(find(n, t, "zero B").reduction == Approx(0.1 * 0.25));
  CHECK(find(n, t, "cut A -> B").reduction == Approx(0.5 * 0.4 * 0.25));
}

TEST_CASE("rank: the diamond from its file by hand", "[network][rank]") {
  auto n = load_network_file(test::source_path("tests/fixtures/networks/diamond.toml"));
  // f = (0.5, 0.25, 0.25, 0.25); total = 0.5 + 0.25 + 0.25 + 4·0.25 = 2.
  // g_D = 4, g_B = g_C = 1 + 0.5·4 = 3, g_A = 1 + 0.5·3 + 0.5·3 = 4.
  auto r = rank_mitigations(n);
  CHECK(r.total == Approx(2));
  REQUIRE(r.rows.size() == 5);  // zero A (B, C, D never occur of themselves) and four cuts
  CHECK(top(n, r, 0) == "zero A");
  CHECK(r.rows[0].reduction == Approx(2));
  CHECK(find(n, r, "cut A -> B").reduction == Approx(0.5 * 0.5 * 3));  // 0.75
  CHECK(find(n, r, "cut A -> C").reduction == Approx(0.75));
  CHECK(find(n, r, "cut B -> D").reduction == Approx(0.5 * 0.25 * 4));  // 0.5
  CHECK(find(n, r, "cut C -> D").reduction == Approx(0.5));
  // Cutting both of D's feeds removes D entirely: 2·0.5, additive (they share no loop).
  RankOptions pairs;
  pairs.pairs = true;
  CHECK(find(n, rank_mitigations(n, pairs), "cut B -> D + cut C -> D").reduction == Approx(1.0));
}

TEST_CASE("rank: a two-risk loop by hand (the rank-one update's denominator)", "[network][rank]") {
  double a = 0.3, b = 0.2, p = 0.6, q = 0.5;  // A -> B with p, B -> A with q, impacts 1
  auto n = make({{"A", a, 1}, {"B", b, 1}}, {{0, 1, p}, {1, 0, q}});
  // f_A = (a + q b)/(1 − pq) = 0.4/0.7, f_B = (b + p a)/(1 − pq) = 0.38/0.7; total 0.78/0.7.
  // g_A = (1 + p)/(1 − pq) = 1.6/0.7, g_B = (1 + q)/(1 − pq) = 1.5/0.7.
  auto r = rank_mitigations(n);
  CHECK(r.total == Approx(0.78 / 0.7));
  CHECK(find(n, r, "zero A").reduction == Approx(a * 1.6 / 0.7));  // 0.685714
  CHECK(find(n, r, "zero B").reduction == Approx(b * 1.5 / 0.7));  // 0.428571
  // Cut A -> B: f_A = 0.4, f_B = 0.2, total 0.6, so 0.78/0.7 − 0.6 = 0.36/0.7. The update's
  // p·f_A·g_B = 0.36/0.49 alone overstates it; the denominator 1 + p·N_BA, N_BA = q/(1 − pq)
  // (A's occurrences per occurrence of B), is 1/0.7 and corrects it.
  CHECK(find(n, r, "cut A -> B").reduction == Approx(0.36 / 0.7));  // 0.514286
  // Cut B -> A: f_A = 0.3, f_B = 0.38, total 0.68.
  CHECK(find(n, r, "cut B -> A").reduction == Approx(0.78 / 0.7 - 0.68));  // 0.434286
  CHECK(top(n, r, 0) == "zero A");
  CHECK(top(n, r, 1) == "cut A -> B");
  CHECK(top(n, r, 2) == "cut B -> A");
  CHECK(top(n, r, 3) == "zero B");
}

TEST_CASE("rank: a supercritical part is reported as diverging, not ranked", "[network][rank]") {
  // X feeds Y (finite) and L1; L1 <-> L2 with t = 1 each (spectral radius 1) diverges, and so
  // does L3 below it. W stands apart.
  auto n = make({{"X", 0.5, 1}, {"Y", 0, 2}, {"L1", 0, 1}, {"L2", 0, 1}, {"L3", 0, 5}, {"W", 0.2, 1}},
                {{0, 1, 0.5}, {0, 2, 0.5}, {2, 3, 1.0}, {3, 2, 1.0}, {3, 4, 0.1}});
  CHECK(std::isinf(solve_objective(n)));
  auto r = rank_mitigations(n);
  CHECK(r.diverging == std::vector<uint32_t>{2, 3, 4});
  CHECK(r.diverging_radius == Approx(1).epsilon(1e-6));
  // The finite part: f_X 0.5, f_Y 0.25, f_W 0.2: total 0.5 + 0.5 + 0.2 = 1.2.
  CHECK(r.total == Approx(1.2));
  REQUIRE(r.rows.size() == 3);
  for (const auto& row : r.rows) CHECK(std::isfinite(row.reduction));
  CHECK(find(n, r, "zero X").reduction == Approx(0.5 * (1 + 0.5 * 2)));  // its finite descendants only
  CHECK(find(n, r, "cut X -> Y").reduction == Approx(0.5));
  CHECK(find(n, r, "zero W").reduction == Approx(0.2));
  std::vector<std::string> apart;
  for (const auto& m : r.on_diverging) apart.push_back(describe(n, m));
  CHECK(apart == std::vector<std::string>{"cut X -> L1", "cut L1 -> L2", "cut L2 -> L1", "cut L2 -> L3"});
  // The finite part equals the network with the way into the loop cut, solved from scratch.
  auto cut = apply_mitigations(n, {r.on_diverging[0]});
  CHECK(solve_objective(cut) == Approx(1.2));
  // A target inside it: diverging, nothing ranked.
  RankOptions t;
  t.target = 4;
  auto rt = rank_mitigations(n, t);
  CHECK(rt.target_diverges);
  CHECK(rt.rows.empty());
  // An unfed supercritical loop is not diverging: nothing reaches it.
  auto unfed = make({{"A", 0.5, 1}, {"B", 0, 1}, {"C", 0, 1}}, {{1, 2, 1.0}, {2, 1, 1.0}});
  auto ru = rank_mitigations(unfed);
  CHECK(ru.diverging.empty());
  CHECK(ru.total == Approx(0.5));
  CHECK(find(unfed, ru, "cut B -> C").reduction == 0);
}

TEST_CASE("rank: equals re-solving per candidate on random networks", "[network][rank]") {
  for (uint64_t seed : {1, 2, 3, 4, 5, 6}) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    size_t risks = seed <= 3 ? 40 : 12;
    size_t links = risks * 3;
    RiskNetwork n;
    for (size_t i = 0; i < risks; ++i)
      n.risks.push_back({"R" + std::to_string(i), "", u(rng) < 0.3 ? 0.0 : 0.5 * u(rng), 4 * u(rng)});
    std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(risks - 1));
    // t up to 0.3 with ~3 links out: loops (and self-loops, repeated links) that stay subcritical.
    for (size_t e = 0; e < links; ++e) n.links.push_back({pick(rng), pick(rng), 0.3 * u(rng)});
    n.links.push_back(n.links[0]);  // a repeated link: cut together, their t added
    INFO("seed " << seed);
    double base = solve_objective(n);
    REQUIRE(std::isfinite(base));
    for (std::optional<uint32_t> target : {std::optional<uint32_t>(), std::optional<uint32_t>(pick(rng))}) {
      RankOptions o;
      o.target = target;
      o.pairs = risks <= 12;
      auto r = rank_mitigations(n, o);
      CHECK(r.total == Approx(solve_objective(n, target)).epsilon(1e-10));
      CHECK(r.diverging.empty());
      size_t singles = 0;
      for (const auto& row : r.rows) {
        singles += row.steps.size() == 1;
        double resolved = solve_objective(apply_mitigations(n, row.steps), target);
        CHECK(row.after == Approx(resolved).epsilon(1e-9).margin(1e-12));
      }
      CHECK(singles == r.candidates);
      if (o.pairs) CHECK(r.rows.size() == singles + singles * (singles - 1) / 2);
      for (size_t i = 1; i < r.rows.size(); ++i) CHECK(r.rows[i - 1].reduction >= r.rows[i].reduction);
    }
  }
}

TEST_CASE("rank: Monte Carlo's weighted total agrees with the exact total", "[network][rank]") {
  auto n = make({{"A", 0.3, 1}, {"B", 0.2, 2}}, {{0, 1, 0.6}, {1, 0, 0.5}});
  MonteCarloOptions mc{100000, 3, 2, 1000000};
  mc.weights = {1, 2};
  auto sim = simulate_network(n, mc);
  double exact = rank_mitigations(n).total;
  CHECK(sim.weighted_stderr > 0);
  CHECK(std::abs(sim.weighted - exact) <= 4 * sim.weighted_stderr);
}
