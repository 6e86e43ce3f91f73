// The risk-network model on networks small enough to compute by hand (docs/graph.md).
#include <catch2/catch.hpp>

#include "core/error.h"
#include "graph/network_file.h"
#include "graph/network_model.h"
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

/// Monte Carlo agrees with the exact value within 4 standard errors (a false failure has
/// probability about 6e-5 per comparison), plus a floor for values whose error is ~0.
void agree(const NetworkSolution& ex, const MonteCarloResult& mc) {
  for (size_t i = 0; i < ex.frequency.size(); ++i) {
    INFO("risk " << i);
    CHECK(std::abs(mc.frequency[i] - ex.frequency[i]) <= 4 * mc.frequency_stderr[i] + 1e-9);
    CHECK(std::abs(mc.at_least_once[i] - ex.at_least_once[i]) <= 4 * mc.at_least_once_stderr[i] + 1e-9);
  }
}
}  // namespace

TEST_CASE("network: a chain A -> B -> C by hand", "[network]") {
  auto n = make({{"A", 0.4, 1}, {"B", 0.1, 2}, {"C", 0, 3}}, {{0, 1, 0.5}, {1, 2, 0.25}});
  auto s = solve_network(n);
  REQUIRE(s.converged);
  CHECK(s.spectral_radius == 0);
  // f_B = 0.1 + 0.5·0.4 = 0.3; f_C = 0.25·0.3 = 0.075.
  CHECK(s.frequency[0] == Approx(0.4));
  CHECK(s.frequency[1] == Approx(0.3));
  CHECK(s.frequency[2] == Approx(0.075));
  // P(B) = 1 − 0.9·(1 − 0.4·0.5) = 0.28; P(C) = 1 − (1 − 0.4·0.5·0.25)(1 − 0.1·0.25) = 0.07375.
  CHECK(s.at_least_once[1] == Approx(0.28));
  CHECK(s.at_least_once[2] == Approx(0.07375));
  // Consequence of A: 0.5 B (impact 2) + 0.125 C (impact 3) = 1.375.
  CHECK(s.consequence[0] == Approx(1.375));
  CHECK(s.consequence[1] == Approx(0.75));
  CHECK(s.consequence[2] == Approx(0).margin(1e-12));
  CHECK(s.criticality[2] == Approx(0.225));
  CHECK(s.as_origin[0] == Approx(0.4 * 2.375));
}

TEST_CASE("network: the diamond from its file, counted occurrences", "[network]") {
  auto n = load_network_file(test::source_path("tests/fixtures/networks/diamond.toml"));
  REQUIRE(n.risks.size() == 4);
  auto s = solve_network(n);
  REQUIRE(s.converged);
  // f_D = 0.5·(0.25 + 0.25) = 0.25; D can occur twice in one period.
  CHECK(s.frequency[3] == Approx(0.25));
  // P(D) = 0.5·(1 − (1 − 0.25)²) = 0.21875, below f_D because of the double count.
  CHECK(s.at_least_once[3] == Approx(0.21875));
  CHECK(s.consequence[0] == Approx(0.5 + 0.5 + 4 * 0.5));
  auto mc = simulate_network(n, {100000, 7, 2, 1000000});
  CHECK(mc.truncated_runs == 0);
  agree(s, mc);
}

TEST_CASE("network: a two-risk loop by hand, and cut and zeroed what-ifs", "[network]") {
  // f_A = a + q f_B, f_B = b + p f_A  =>  f_A = (a + q b) / (1 − p q).
  double a = 0.3, b = 0.2, p = 0.6, q = 0.5;
  auto n = make({{"A", a, 1}, {"B", b, 1}}, {{0, 1, p}, {1, 0, q}});
  auto s = solve_network(n);
  REQUIRE(s.converged);
  CHECK(s.spectral_radius == Approx(std::sqrt(p * q)).epsilon(1e-6));
  CHECK(s.frequency[0] == Approx((a + q * b) / (1 - p * q)));
  CHECK(s.frequency[1] == Approx((b + p * a) / (1 - p * q)));
  // A occurs at least once iff spontaneous, or B spontaneous and it triggers A.
  CHECK(s.at_least_once[0] == Approx(1 - (1 - a) * (1 - b * q)));
  CHECK(s.at_least_once[1] == Approx(1 - (1 - b) * (1 - a * p)));
  // One occurrence of A causes p/(1−pq) B and pq/(1−pq) further A.
  CHECK(s.consequence[0] == Approx(p / (1 - p * q) + p * q / (1 - p * q)));
  // Σ criticality = Σ as-origin: both are the expected total impact.
  CHECK(s.criticality[0] + s.criticality[1] == Approx(s.as_origin[0] + s.as_origin[1]));
  auto mc = simulate_network(n, {100000, 11, 2, 1000000});
  agree(s, mc);

  auto cut = n;
  cut.cut_link("B", "A");
  CHECK(solve_network(cut).frequency[0] == Approx(a));
  auto zeroed = n;
  zeroed.zero_spontaneous("A");
  CHECK(solve_network(zeroed).frequency[0] == Approx(q * b / (1 - p * q)));
  CHECK_THROWS_AS(n.cut_link("A", "A"), Error);
  CHECK_THROWS_AS(n.zero_spontaneous("Z"), Error);
}

TEST_CASE("network: a supercritical loop diverges and Monte Carlo terminates", "[network]") {
  auto n = make({{"A", 0.5, 1}, {"B", 0, 1}}, {{0, 1, 1.0}, {1, 0, 1.0}, {0, 0, 0.5}});
  auto s = solve_network(n, 1e-13, 10000);
  CHECK_FALSE(s.converged);
  CHECK(s.spectral_radius > 1);
  CHECK(s.at_least_once[1] == Approx(0.5));
  auto mc = simulate_network(n, {200, 1, 1, 1000});
  CHECK(mc.truncated_runs > 0);
  CHECK(mc.truncated_runs <= 200);
}

TEST_CASE("network: Monte Carlo is reproducible for a seed and thread count", "[network]") {
  auto n = load_network_file(test::source_path("tests/fixtures/networks/diamond.toml"));
  auto a = simulate_network(n, {20000, 5, 2, 1000000});
  auto b = simulate_network(n, {20000, 5, 2, 1000000});
  auto c = simulate_network(n, {20000, 6, 2, 1000000});
  CHECK(a.frequency == b.frequency);
  CHECK(a.at_least_once == b.at_least_once);
  CHECK(a.frequency != c.frequency);
}

TEST_CASE("network: file errors carry positions", "[network]") {
  try {
    load_network_text(
        "[[risk]]\nid = \"A\"\nspontaneous_probability = 0.5\nimpact = 1\n\n[[link]]\nfrom = \"A\"\nto = \"X\"\n"
        "transition_probability = 0.5\n",
        "net.toml");
    FAIL("no error");
  } catch (const FileError& e) {
    CHECK(std::string(e.what()) == "net.toml:8:6: no risk 'X' in this file; did you mean 'A'?");
  }
  CHECK_THROWS_AS(load_network_text("[[risk]]\nid = \"A\"\nspontaneous_probability = 1.5\nimpact = 1\n", "n.toml"),
                  FileError);
}
