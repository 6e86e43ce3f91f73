#include "graph/network_model.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "core/error.h"
#include "core/text.h"

namespace riskreg {

std::optional<uint32_t> RiskNetwork::find(std::string_view id) const {
  for (uint32_t i = 0; i < risks.size(); ++i)
    if (risks[i].id == id) return i;
  return std::nullopt;
}

namespace {
uint32_t need(const RiskNetwork& net, const std::string& id) {
  if (auto i = net.find(id)) return *i;
  std::vector<std::string> ids;
  for (const auto& r : net.risks) ids.push_back(r.id);
  throw Error(ErrorKind::NotFound, "no risk '" + id + "' in the network" + did_you_mean_suffix(id, ids));
}

/// Outgoing links per risk, as offsets into one array.
struct Adjacency {
  std::vector<uint32_t> start;  ///< size n + 1
  std::vector<uint32_t> to;
  std::vector<double> p;
  Adjacency(const RiskNetwork& net, bool reverse) {
    size_t n = net.risks.size();
    start.assign(n + 1, 0);
    for (const auto& l : net.links) ++start[(reverse ? l.to : l.from) + 1];
    for (size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    to.resize(net.links.size());
    p.resize(net.links.size());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& l : net.links) {
      uint32_t k = fill[reverse ? l.to : l.from]++;
      to[k] = reverse ? l.from : l.to;
      p[k] = l.probability;
    }
  }
};

/// x = b + M x by Jacobi iteration, M given by links (`transpose`: x_to += p x_from, else
/// x_from += p x_to). Starting from b the iterates are the partial sums of the Neumann
/// series, increasing to the least non-negative solution — the true expectation, finite or not.
bool fixed_point(const RiskNetwork& net, const std::vector<double>& b, bool transpose, double tol, int max_it,
                 std::vector<double>& x, int& iterations) {
  x = b;
  std::vector<double> next(b.size());
  for (iterations = 1; iterations <= max_it; ++iterations) {
    next = b;
    for (const auto& l : net.links) {
      if (transpose)
        next[l.to] += l.probability * x[l.from];
      else
        next[l.from] += l.probability * x[l.to];
    }
    double diff = 0, scale = 1;
    for (size_t i = 0; i < x.size(); ++i) {
      diff = std::max(diff, std::abs(next[i] - x[i]));
      scale = std::max(scale, std::abs(next[i]));
    }
    x.swap(next);
    if (!std::isfinite(scale) || scale > 1e15) return false;
    if (diff <= tol * scale) return true;
  }
  return false;
}

/// Spectral radius of T by power iteration on (I + T)/2, whose dominant eigenvalue is
/// (1 + ρ)/2 with a non-negative eigenvector (the shift removes the periodicity of loops).
double spectral_radius(const RiskNetwork& net) {
  size_t n = net.risks.size();
  if (n == 0 || net.links.empty()) return 0;
  // Acyclic networks (Kahn's algorithm) have ρ = 0 exactly.
  std::vector<uint32_t> indeg(n, 0);
  Adjacency adj(net, false);
  for (const auto& l : net.links) ++indeg[l.to];
  std::vector<uint32_t> ready;
  for (uint32_t i = 0; i < n; ++i)
    if (!indeg[i]) ready.push_back(i);
  size_t done = 0;
  while (!ready.empty()) {
    uint32_t v = ready.back();
    ready.pop_back();
    ++done;
    for (uint32_t k = adj.start[v]; k < adj.start[v + 1]; ++k)
      if (--indeg[adj.to[k]] == 0) ready.push_back(adj.to[k]);
  }
  if (done == n) return 0;
  std::vector<double> x(n, 1.0 / static_cast<double>(n)), y(n);
  double lambda = 0;
  for (int it = 0; it < 20000; ++it) {
    for (size_t i = 0; i < n; ++i) y[i] = 0.5 * x[i];
    for (const auto& l : net.links) y[l.from] += 0.5 * l.probability * x[l.to];
    double norm = 0;
    for (double v : y) norm += v;
    if (norm == 0) return 0;
    for (size_t i = 0; i < n; ++i) x[i] = y[i] / norm;
    if (std::abs(norm - lambda) < 1e-14) {
      lambda = norm;
      break;
    }
    lambda = norm;
  }
  return std::max(0.0, 2 * lambda - 1);
}
}  // namespace

void RiskNetwork::zero_spontaneous(const std::string& id) { risks[need(*this, id)].spontaneous = 0; }

void RiskNetwork::cut_link(const std::string& from, const std::string& to) {
  uint32_t f = need(*this, from), t = need(*this, to);
  auto before = links.size();
  std::erase_if(links, [&](const Link& l) { return l.from == f && l.to == t; });
  if (links.size() == before) throw Error(ErrorKind::NotFound, "no link " + from + " -> " + to + " in the network");
}

NetworkSolution solve_network(const RiskNetwork& net, double tol, int max_it) {
  size_t n = net.risks.size();
  NetworkSolution s;
  s.spectral_radius = spectral_radius(net);
  std::vector<double> spont(n), impact(n);
  for (size_t i = 0; i < n; ++i) spont[i] = net.risks[i].spontaneous, impact[i] = net.risks[i].impact;
  int it2 = 0;
  std::vector<double> total;  // impact + consequence
  bool ok1 = fixed_point(net, spont, true, tol, max_it, s.frequency, s.iterations);
  bool ok2 = fixed_point(net, impact, false, tol, max_it, total, it2);
  s.converged = ok1 && ok2;
  s.consequence.resize(n);
  s.criticality.resize(n);
  s.as_origin.resize(n);
  for (size_t i = 0; i < n; ++i) {
    s.consequence[i] = total[i] - impact[i];
    s.criticality[i] = s.frequency[i] * impact[i];
    s.as_origin[i] = spont[i] * total[i];
  }

  // P(j occurs at least once). z_i = P(the occurrences descending from one occurrence of i,
  // i included, contain no j): z_j = 0 and z_i = Π_{i→k} (1 − t_ik + t_ik z_k). Iterating
  // from z = 1 decreases monotonically to P(no j in any finite generation). Only risks
  // upstream of j can differ from 1.
  Adjacency out(net, false), in(net, true);
  s.at_least_once.assign(n, 0);
  std::vector<double> z(n, 1.0);
  std::vector<char> up(n, 0);
  std::vector<uint32_t> order;
  for (uint32_t j = 0; j < n; ++j) {
    order.assign(1, j);
    up[j] = 1;
    for (size_t h = 0; h < order.size(); ++h)
      for (uint32_t k = in.start[order[h]]; k < in.start[order[h] + 1]; ++k)
        if (!up[in.to[k]]) up[in.to[k]] = 1, order.push_back(in.to[k]);
    z[j] = 0;
    // Gauss-Seidel sweeps in breadth-first order from j (nearest first), until nothing
    // changes: on a chain one sweep suffices, loops take more.
    for (int sweep = 0; sweep < max_it; ++sweep) {
      double diff = 0;
      for (size_t h = 1; h < order.size(); ++h) {
        uint32_t i = order[h];
        double v = 1;
        for (uint32_t k = out.start[i]; k < out.start[i + 1]; ++k) v *= 1 - out.p[k] + out.p[k] * z[out.to[k]];
        diff = std::max(diff, std::abs(v - z[i]));
        z[i] = v;
      }
      if (diff <= tol * 1e-2) break;
    }
    double none = 1;
    for (uint32_t i : order) none *= 1 - spont[i] + spont[i] * z[i];
    s.at_least_once[j] = 1 - none;
    for (uint32_t i : order) z[i] = 1, up[i] = 0;
  }
  return s;
}

MonteCarloResult simulate_network(const RiskNetwork& net, const MonteCarloOptions& opt) {
  if (opt.threads == 0) throw Error(ErrorKind::InvalidInput, "Monte Carlo needs at least one thread");
  if (opt.runs == 0) throw Error(ErrorKind::InvalidInput, "Monte Carlo needs at least one run");
  size_t n = net.risks.size();
  const bool weighted = !opt.weights.empty();
  if (weighted && opt.weights.size() != n) throw Error(ErrorKind::Internal, "Monte Carlo weights: one per risk");
  Adjacency adj(net, false);
  struct Partial {
    std::vector<uint64_t> sum, sumsq, once;
    uint64_t truncated = 0;
    double weighted = 0, weighted_sq = 0;
  };
  std::vector<Partial> parts(opt.threads);
  auto work = [&](unsigned k) {
    Partial& part = parts[k];
    part.sum.assign(n, 0);
    part.sumsq.assign(n, 0);
    part.once.assign(n, 0);
    std::seed_seq seq{static_cast<uint32_t>(opt.seed), static_cast<uint32_t>(opt.seed >> 32), k};
    std::mt19937_64 rng(seq);
    // A uniform draw in [0, 1) with 53 bits: p = 0 never fires, p = 1 always does.
    auto fires = [&rng](double p) { return static_cast<double>(rng() >> 11) * 0x1.0p-53 < p; };
    std::vector<uint64_t> count(n, 0);
    std::vector<uint32_t> touched, pending;
    uint64_t first = opt.runs * k / opt.threads, last = opt.runs * (k + 1) / opt.threads;
    for (uint64_t run = first; run < last; ++run) {
      for (uint32_t i = 0; i < n; ++i)
        if (net.risks[i].spontaneous > 0 && fires(net.risks[i].spontaneous)) pending.push_back(i);
      uint64_t occurrences = 0;
      while (!pending.empty()) {
        if (occurrences == opt.max_occurrences) {
          ++part.truncated;
          pending.clear();
          break;
        }
        uint32_t i = pending.back();
        pending.pop_back();
        ++occurrences;
        if (count[i]++ == 0) touched.push_back(i);
        for (uint32_t e = adj.start[i]; e < adj.start[i + 1]; ++e)
          if (fires(adj.p[e])) pending.push_back(adj.to[e]);
      }
      double total = 0;
      for (uint32_t i : touched) {
        if (weighted) total += opt.weights[i] * static_cast<double>(count[i]);
        part.sum[i] += count[i];
        part.sumsq[i] += count[i] * count[i];
        ++part.once[i];
        count[i] = 0;
      }
      touched.clear();
      part.weighted += total;
      part.weighted_sq += total * total;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < opt.threads; ++k) pool.emplace_back(work, k);
  work(0);
  for (auto& t : pool) t.join();

  MonteCarloResult r;
  r.runs = opt.runs;
  r.seed = opt.seed;
  r.threads = opt.threads;
  std::vector<uint64_t> sum(n, 0), sumsq(n, 0), once(n, 0);
  double wsum = 0, wsq = 0;
  for (const auto& p : parts) {
    r.truncated_runs += p.truncated;
    wsum += p.weighted, wsq += p.weighted_sq;
    for (size_t i = 0; i < n; ++i) sum[i] += p.sum[i], sumsq[i] += p.sumsq[i], once[i] += p.once[i];
  }
  double runs = static_cast<double>(opt.runs);
  if (weighted) {
    r.weighted = wsum / runs;
    r.weighted_stderr = std::sqrt(std::max(0.0, wsq / runs - r.weighted * r.weighted) / runs);
  }
  for (size_t i = 0; i < n; ++i) {
    double mean = static_cast<double>(sum[i]) / runs;
    double var = std::max(0.0, static_cast<double>(sumsq[i]) / runs - mean * mean);
    double p = static_cast<double>(once[i]) / runs;
    r.frequency.push_back(mean);
    r.frequency_stderr.push_back(std::sqrt(var / runs));
    r.at_least_once.push_back(p);
    r.at_least_once_stderr.push_back(std::sqrt(p * (1 - p) / runs));
  }
  return r;
}

}  // namespace riskreg
