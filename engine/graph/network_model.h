#pragma once
/// The risk-network model of Fang & Marle (2012), "A simulation-based risk network model
/// for decision support in project risk management", Decision Support Systems 52.
///
/// Each risk i occurs spontaneously (at most once per period) with probability s_i; each
/// occurrence of a cause i triggers each effect j independently with the link's transition
/// probability t_ij, and every triggered occurrence propagates in turn. Occurrences are
/// counted: a risk fed by two occurring causes can occur twice. Definitions, what is exact
/// and the simulation bound: docs/graph.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

struct RiskNetwork {
  struct Risk {
    std::string id;
    std::string title;
    double spontaneous = 0;  ///< s_i, in [0, 1]
    double impact = 0;       ///< numeric impact (gravity), ≥ 0
  };
  struct Link {
    uint32_t from = 0;
    uint32_t to = 0;
    double probability = 0;  ///< t_ij, in [0, 1]
  };
  std::string name;
  std::vector<Risk> risks;
  std::vector<Link> links;

  std::optional<uint32_t> find(std::string_view id) const;
  /// What-if: the risk no longer occurs spontaneously. Throws Error(NotFound).
  void zero_spontaneous(const std::string& id);
  /// What-if: removes every link from → to. Throws Error(NotFound) if there is none.
  void cut_link(const std::string& from, const std::string& to);
};

/// The analytical solution (docs/graph.md "What is exact").
struct NetworkSolution {
  /// Whether the expected frequencies are finite and the iteration converged. False when
  /// occurrences can multiply without end (spectral radius of T reachable from a source ≥ 1).
  bool converged = false;
  double spectral_radius = 0;  ///< of the transition matrix T (0 on an acyclic network)
  int iterations = 0;
  std::vector<double> frequency;      ///< f = s + Tᵀf: expected occurrences per period
  std::vector<double> at_least_once;  ///< P(risk occurs at least once)
  /// Expected impact of the occurrences one occurrence of the risk causes downstream
  /// (its own impact excluded; re-occurrences through loops included).
  std::vector<double> consequence;
  std::vector<double> criticality;  ///< frequency × impact (the paper's refined criticality)
  std::vector<double> as_origin;    ///< s × (impact + consequence): expected impact it starts
};

/// Solves the model: frequencies and consequences by fixed-point iteration of the linear
/// systems (to relative `tolerance`), occurrence probabilities by the extinction-style
/// fixed point per risk. Both are exact characterisations, computed to `tolerance`.
NetworkSolution solve_network(const RiskNetwork& net, double tolerance = 1e-13, int max_iterations = 1000000);

struct MonteCarloOptions {
  uint64_t runs = 100000;
  uint64_t seed = 2012;
  unsigned threads = 1;
  /// Occurrences per run, at most; a run that reaches it stops and is counted as truncated
  /// (only networks whose occurrences multiply without end reach it).
  uint64_t max_occurrences = 1000000;
  /// If not empty (one per risk): also estimate Σ weight × occurrences per run, e.g. the total
  /// expected impact (weights = impacts) or one risk's frequency (a weight of 1 on it).
  std::vector<double> weights = {};
};

struct MonteCarloResult {
  uint64_t runs = 0;
  uint64_t seed = 0;
  unsigned threads = 0;
  uint64_t truncated_runs = 0;
  std::vector<double> frequency;         ///< mean occurrences per run
  std::vector<double> frequency_stderr;  ///< standard error of that mean
  std::vector<double> at_least_once;     ///< share of runs in which the risk occurred
  std::vector<double> at_least_once_stderr;
  double weighted = 0;         ///< mean of Σ weight × occurrences per run (0 without weights)
  double weighted_stderr = 0;  ///< its standard error
};

/// Monte Carlo simulation. Thread k runs runs·k/T … runs·(k+1)/T − 1 with its own
/// std::mt19937_64 seeded from (seed, k): the result depends only on (seed, threads, runs).
MonteCarloResult simulate_network(const RiskNetwork& net, const MonteCarloOptions& opt);

}  // namespace riskreg
