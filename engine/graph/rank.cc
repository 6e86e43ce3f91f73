#include "graph/rank.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "core/error.h"

namespace riskreg {

std::string describe(const RiskNetwork& net, const Mitigation& m) {
  if (m.kind == Mitigation::Kind::ZeroSpontaneous) return "zero " + net.risks[m.from].id;
  return "cut " + net.risks[m.from].id + " -> " + net.risks[m.to].id;
}

RiskNetwork apply_mitigations(const RiskNetwork& net, const std::vector<Mitigation>& steps) {
  RiskNetwork out = net;
  for (const auto& m : steps) {
    if (m.kind == Mitigation::Kind::ZeroSpontaneous)
      out.risks[m.from].spontaneous = 0;
    else
      std::erase_if(out.links, [&](const RiskNetwork::Link& l) { return l.from == m.from && l.to == m.to; });
  }
  return out;
}

namespace {
constexpr double kDiverged = 1e15;  // the solvers' bound, as in network_model.cc

/// The links with t > 0, one edge per linked (from, to) with the summed t (each link fires
/// on its own, so expected counts add), and both adjacency lists as edge indices.
struct Graph {
  size_t n = 0;
  std::vector<uint32_t> from, to;
  std::vector<double> t;
  std::vector<uint32_t> out_start, out_edge, in_start, in_edge;

  explicit Graph(const RiskNetwork& net) : n(net.risks.size()) {
    std::vector<RiskNetwork::Link> ls;
    ls.reserve(net.links.size());
    for (const auto& l : net.links)
      if (l.probability > 0) ls.push_back(l);
    std::stable_sort(ls.begin(), ls.end(),
                     [](const auto& a, const auto& b) { return a.from != b.from ? a.from < b.from : a.to < b.to; });
    for (const auto& l : ls) {
      if (!from.empty() && from.back() == l.from && to.back() == l.to)
        t.back() += l.probability;
      else
        from.push_back(l.from), to.push_back(l.to), t.push_back(l.probability);
    }
    auto csr = [&](const std::vector<uint32_t>& key, std::vector<uint32_t>& start, std::vector<uint32_t>& edge) {
      start.assign(n + 1, 0);
      for (uint32_t v : key) ++start[v + 1];
      for (size_t i = 0; i < n; ++i) start[i + 1] += start[i];
      edge.resize(key.size());
      std::vector<uint32_t> fill(start.begin(), start.end() - 1);
      for (uint32_t e = 0; e < key.size(); ++e) edge[fill[key[e]]++] = e;
    };
    csr(from, out_start, out_edge);
    csr(to, in_start, in_edge);
  }
};

/// Strongly connected components (Tarjan, iterative). `order` lists them as Tarjan finishes
/// them: every component after all the components it feeds (downstream first).
struct Sccs {
  std::vector<uint32_t> comp;                  ///< component of each risk
  std::vector<std::vector<uint32_t>> members;  ///< per component, in Tarjan order
  std::vector<char> cyclic;                    ///< more than one risk, or a self-loop

  explicit Sccs(const Graph& g) : comp(g.n, UINT32_MAX) {
    std::vector<uint32_t> index(g.n, UINT32_MAX), low(g.n, 0), stack;
    std::vector<char> on(g.n, 0);
    std::vector<std::pair<uint32_t, uint32_t>> call;  // (risk, next out-edge position)
    uint32_t counter = 0;
    for (uint32_t root = 0; root < g.n; ++root) {
      if (index[root] != UINT32_MAX) continue;
      call.push_back({root, g.out_start[root]});
      index[root] = low[root] = counter++;
      stack.push_back(root);
      on[root] = 1;
      while (!call.empty()) {
        auto& [v, pos] = call.back();
        if (pos < g.out_start[v + 1]) {
          uint32_t w = g.to[g.out_edge[pos++]];
          if (index[w] == UINT32_MAX) {
            index[w] = low[w] = counter++;
            stack.push_back(w);
            on[w] = 1;
            call.push_back({w, g.out_start[w]});
          } else if (on[w]) {
            low[v] = std::min(low[v], index[w]);
          }
          continue;
        }
        uint32_t done = v;
        call.pop_back();
        if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
        if (low[done] == index[done]) {
          auto c = static_cast<uint32_t>(members.size());
          members.emplace_back();
          uint32_t w;
          do {
            w = stack.back();
            stack.pop_back();
            on[w] = 0;
            comp[w] = c;
            members.back().push_back(w);
          } while (w != done);
        }
      }
    }
    cyclic.assign(members.size(), 0);
    for (size_t e = 0; e < g.from.size(); ++e)
      if (comp[g.from[e]] == comp[g.to[e]]) cyclic[comp[g.from[e]]] = 1;
  }
};

/// Spectral radius of T restricted to one component, by power iteration on (I + T)/2 (the
/// shift removes the periodicity of loops), as network_model.cc does for the whole network.
double component_radius(const Graph& g, const Sccs& sc, uint32_t c) {
  const auto& mem = sc.members[c];
  size_t m = mem.size();
  std::map<uint32_t, uint32_t> pos;
  for (uint32_t k = 0; k < m; ++k) pos[mem[k]] = k;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  std::vector<double> w;
  for (uint32_t v : mem)
    for (uint32_t k = g.out_start[v]; k < g.out_start[v + 1]; ++k) {
      uint32_t e = g.out_edge[k];
      if (sc.comp[g.to[e]] == c) edges.push_back({pos[v], pos[g.to[e]]}), w.push_back(g.t[e]);
    }
  std::vector<double> x(m, 1.0 / static_cast<double>(m)), y(m);
  double lambda = 0;
  for (int it = 0; it < 100000; ++it) {
    for (size_t i = 0; i < m; ++i) y[i] = 0.5 * x[i];
    for (size_t e = 0; e < edges.size(); ++e) y[edges[e].first] += 0.5 * w[e] * x[edges[e].second];
    double norm = 0;
    for (double v : y) norm += v;
    for (size_t i = 0; i < m; ++i) x[i] = y[i] / norm;
    bool settled = std::abs(norm - lambda) < 1e-15;
    lambda = norm;
    if (settled) break;
  }
  return std::max(0.0, 2 * lambda - 1);
}

/// Gauss–Seidel sweeps over one component until the largest change is within `tol` of the
/// largest value (at least 1). From below, the sweeps increase to the least non-negative
/// solution. `sweep` returns the largest change and the largest value of one sweep.
template <typename Sweep>
void settle(Sweep sweep, double tol, int max_it) {
  for (int it = 0; it < max_it; ++it) {
    auto [diff, scale] = sweep();
    if (!std::isfinite(scale) || scale > kDiverged)
      throw Error(ErrorKind::Internal, "a subcritical part of the network diverged in the solver");
    if (diff <= tol * std::max(1.0, scale)) return;
  }
  throw Error(ErrorKind::Internal, "the network solver did not settle within its iterations");
}

/// Everything that does not change between candidates: the graph, its components, which risks
/// are finite, and the objective's weights.
struct Base {
  const RiskNetwork& net;
  Graph g;
  Sccs sc;
  std::vector<char> live;      ///< reached from a risk with s > 0
  std::vector<char> diverges;  ///< expected frequency infinite
  std::vector<char> finite;    ///< live and not diverging: the objective's risks
  double radius = 0;
  std::vector<double> weight;  ///< impact (or 1 at the target) on finite risks, else 0
  double tol;
  int max_it;

  Base(const RiskNetwork& n, std::optional<uint32_t> target, double tolerance, int max_iterations, bool radii)
      : net(n), g(n), sc(g), tol(tolerance), max_it(max_iterations) {
    live.assign(g.n, 0);
    std::vector<uint32_t> queue;
    for (uint32_t v = 0; v < g.n; ++v)
      if (net.risks[v].spontaneous > 0) live[v] = 1, queue.push_back(v);
    reach(live, queue);
    diverges.assign(g.n, 0);
    queue.clear();
    if (radii) {
      for (uint32_t c = 0; c < sc.members.size(); ++c) {
        if (!sc.cyclic[c] || !live[sc.members[c][0]]) continue;
        double r = component_radius(g, sc, c);
        if (r < 1 - 1e-9) continue;
        radius = std::max(radius, r);
        for (uint32_t v : sc.members[c])
          if (!diverges[v]) diverges[v] = 1, queue.push_back(v);
      }
      reach(diverges, queue);
    }
    finite.assign(g.n, 0);
    weight.assign(g.n, 0);
    for (uint32_t v = 0; v < g.n; ++v) {
      finite[v] = live[v] && !diverges[v];
      if (finite[v]) weight[v] = target ? (v == *target ? 1.0 : 0.0) : net.risks[v].impact;
    }
  }

  void reach(std::vector<char>& mark, std::vector<uint32_t>& queue) const {
    for (size_t h = 0; h < queue.size(); ++h)
      for (uint32_t k = g.out_start[queue[h]]; k < g.out_start[queue[h] + 1]; ++k) {
        uint32_t w = g.to[g.out_edge[k]];
        if (!mark[w]) mark[w] = 1, queue.push_back(w);
      }
  }

  /// f = s + Tᵀf on the finite risks, components upstream first.
  std::vector<double> forward(const std::vector<double>& s, const std::vector<double>& t) const {
    std::vector<double> f(g.n, 0);
    for (size_t ci = sc.members.size(); ci-- > 0;) {
      const auto& mem = sc.members[ci];
      if (!finite[mem[0]]) continue;
      auto in = [&](uint32_t v) {
        double x = s[v];
        for (uint32_t k = g.in_start[v]; k < g.in_start[v + 1]; ++k) {
          uint32_t e = g.in_edge[k];
          x += t[e] * f[g.from[e]];
        }
        return x;
      };
      if (!sc.cyclic[ci]) {
        f[mem[0]] = in(mem[0]);
        continue;
      }
      settle(
          [&] {
            double diff = 0, scale = 0;
            for (uint32_t v : mem) {
              double x = in(v);
              diff = std::max(diff, std::abs(x - f[v]));
              scale = std::max(scale, std::abs(x));
              f[v] = x;
            }
            return std::pair{diff, scale};
          },
          tol, max_it);
    }
    return f;
  }

  /// g = w + T g on the finite risks (links into diverging risks left out with them),
  /// components downstream first: g_i is the objective one occurrence of i brings about.
  std::vector<double> adjoint(const std::vector<double>& t) const {
    std::vector<double> a(g.n, 0);
    for (size_t ci = 0; ci < sc.members.size(); ++ci) {
      const auto& mem = sc.members[ci];
      if (!finite[mem[0]]) continue;
      auto out = [&](uint32_t v) {
        double x = weight[v];
        for (uint32_t k = g.out_start[v]; k < g.out_start[v + 1]; ++k) {
          uint32_t e = g.out_edge[k];
          if (finite[g.to[e]]) x += t[e] * a[g.to[e]];
        }
        return x;
      };
      if (!sc.cyclic[ci]) {
        a[mem[0]] = out(mem[0]);
        continue;
      }
      settle(
          [&] {
            double diff = 0, scale = 0;
            for (uint32_t v : mem) {
              double x = out(v);
              diff = std::max(diff, std::abs(x - a[v]));
              scale = std::max(scale, std::abs(x));
              a[v] = x;
            }
            return std::pair{diff, scale};
          },
          tol, max_it);
    }
    return a;
  }

  /// N_ji = ((I − T)⁻¹)_ji for every link i → j inside a finite loop (0 for the others: j
  /// cannot reach i). Column i of (I − T)⁻¹ solves x = e_i + T x; a walk from j back to i
  /// never leaves their component, so the solve stays inside it. Columns go kBlock at a time,
  /// so one sweep over the component's links updates a contiguous row of kBlock values.
  std::vector<double> loop_returns(const std::vector<double>& t) const {
    constexpr size_t kBlock = 32;
    std::vector<double> nji(g.from.size(), 0);
    std::vector<uint32_t> local(g.n, 0);
    std::vector<double> x, row(kBlock);
    for (size_t ci = 0; ci < sc.members.size(); ++ci) {
      const auto& mem = sc.members[ci];
      if (!sc.cyclic[ci] || !finite[mem[0]]) continue;
      size_t m = mem.size();
      for (uint32_t k = 0; k < m; ++k) local[mem[k]] = k;
      std::vector<int> unit(m, -1);  // the block's column whose source is this risk
      // The component's own links, by local source.
      std::vector<uint32_t> start(m + 1, 0), dst;
      std::vector<double> w;
      std::vector<uint32_t> sources;  // risks with a link inside the component
      for (uint32_t k = 0; k < m; ++k) {
        uint32_t v = mem[k];
        bool has = false;
        for (uint32_t p = g.out_start[v]; p < g.out_start[v + 1]; ++p) {
          uint32_t e = g.out_edge[p];
          if (sc.comp[g.to[e]] == ci) dst.push_back(local[g.to[e]]), w.push_back(t[e]), has = true;
        }
        start[k + 1] = static_cast<uint32_t>(dst.size());
        if (has) sources.push_back(v);
      }
      for (size_t b0 = 0; b0 < sources.size(); b0 += kBlock) {
        size_t nb = std::min(kBlock, sources.size() - b0);
        x.assign(m * kBlock, 0);
        for (size_t b = 0; b < nb; ++b) unit[local[sources[b0 + b]]] = static_cast<int>(b);
        settle(
            [&] {
              double diff = 0, scale = 0;
              for (uint32_t k = 0; k < m; ++k) {
                std::fill(row.begin(), row.end(), 0.0);
                if (unit[k] >= 0) row[static_cast<size_t>(unit[k])] = 1;
                for (uint32_t p = start[k]; p < start[k + 1]; ++p) {
                  const double* y = &x[dst[p] * kBlock];
                  double wp = w[p];
                  for (size_t b = 0; b < kBlock; ++b) row[b] += wp * y[b];
                }
                double* xk = &x[k * kBlock];
                for (size_t b = 0; b < nb; ++b) {
                  diff = std::max(diff, std::abs(row[b] - xk[b]));
                  scale = std::max(scale, row[b]);
                  xk[b] = row[b];
                }
              }
              return std::pair{diff, scale};
            },
            tol, max_it);
        for (size_t b = 0; b < nb; ++b) {
          uint32_t i = sources[b0 + b];
          unit[local[i]] = -1;
          for (uint32_t p = g.out_start[i]; p < g.out_start[i + 1]; ++p) {
            uint32_t e = g.out_edge[p];
            if (sc.comp[g.to[e]] == ci) nji[e] = x[local[g.to[e]] * kBlock + b];
          }
        }
      }
    }
    return nji;
  }
};

/// A candidate, and whether it acts on finite risks (ranked) or only on diverging ones.
struct Candidate {
  Mitigation m;
  uint32_t edge = UINT32_MAX;  ///< the aggregated edge of a cut
  bool ranked = true;
};

struct Evaluation {
  double total = 0;
  std::vector<double> reduction;  ///< per candidate
};

/// The objective with spontaneous probabilities `s` and edge weights `t`, and every
/// candidate's exact reduction from it:
///   zero k:    Δ = s_k g_k
///   cut i → j: Δ = τ f_i g_j / (1 + τ N_ji)          (Sherman–Morrison; docs/graph.md)
Evaluation evaluate(const Base& b, const std::vector<Candidate>& cands, const std::vector<double>& s,
                    const std::vector<double>& t, bool links) {
  auto f = b.forward(s, t);
  auto a = b.adjoint(t);
  std::vector<double> nji = links ? b.loop_returns(t) : std::vector<double>();
  Evaluation ev;
  for (uint32_t v = 0; v < b.g.n; ++v) ev.total += b.weight[v] * f[v];
  ev.reduction.assign(cands.size(), 0);
  for (size_t c = 0; c < cands.size(); ++c) {
    const auto& k = cands[c];
    if (!k.ranked) continue;
    if (k.m.kind == Mitigation::Kind::ZeroSpontaneous) {
      ev.reduction[c] = s[k.m.from] * a[k.m.from];
    } else {
      double tau = t[k.edge];
      uint32_t i = k.m.from, j = k.m.to;
      if (tau > 0 && b.finite[i] && b.finite[j]) ev.reduction[c] = tau * f[i] * a[j] / (1 + tau * nji[k.edge]);
    }
    ev.reduction[c] = std::max(0.0, ev.reduction[c]);  // rounding never makes a cut harmful
  }
  return ev;
}

RankedMitigation row(std::vector<Mitigation> steps, double before, double reduction) {
  RankedMitigation r;
  r.steps = std::move(steps);
  r.before = before;
  r.reduction = std::min(reduction, before);
  r.after = before - r.reduction;
  r.share = before > 0 ? r.reduction / before : 0;
  return r;
}
}  // namespace

Ranking rank_mitigations(const RiskNetwork& net, const RankOptions& opt) {
  if (opt.target && *opt.target >= net.risks.size()) throw Error(ErrorKind::Internal, "rank target out of range");
  Base b(net, opt.target, opt.tolerance, opt.max_iterations, true);
  Ranking out;
  out.diverging_radius = b.radius;
  for (uint32_t v = 0; v < b.g.n; ++v)
    if (b.diverges[v]) out.diverging.push_back(v);

  std::vector<Candidate> cands;
  for (uint32_t v = 0; v < b.g.n; ++v)
    if (net.risks[v].spontaneous > 0)
      cands.push_back(
          {{Mitigation::Kind::ZeroSpontaneous, v, v, net.risks[v].spontaneous}, UINT32_MAX, !b.diverges[v]});
  if (opt.links)
    for (uint32_t e = 0; e < b.g.from.size(); ++e)
      cands.push_back({{Mitigation::Kind::CutLink, b.g.from[e], b.g.to[e], b.g.t[e]}, e, !b.diverges[b.g.to[e]]});
  out.candidates = cands.size();
  for (const auto& c : cands)
    if (!c.ranked) out.on_diverging.push_back(c.m);
  if (opt.target && b.diverges[*opt.target]) {
    out.target_diverges = true;
    return out;
  }

  std::vector<double> s(b.g.n);
  for (uint32_t v = 0; v < b.g.n; ++v) s[v] = net.risks[v].spontaneous;
  Evaluation base = evaluate(b, cands, s, b.g.t, opt.links);
  out.total = base.total;
  for (size_t c = 0; c < cands.size(); ++c)
    if (cands[c].ranked) out.rows.push_back(row({cands[c].m}, base.total, base.reduction[c]));

  if (opt.pairs) {
    // A pair is exact as (first step applied) then every second step's update on that network.
    for (size_t c1 = 0; c1 < cands.size(); ++c1) {
      if (!cands[c1].ranked) continue;
      auto s1 = s;
      auto t1 = b.g.t;
      if (cands[c1].m.kind == Mitigation::Kind::ZeroSpontaneous)
        s1[cands[c1].m.from] = 0;
      else
        t1[cands[c1].edge] = 0;
      Evaluation ev = evaluate(b, cands, s1, t1, opt.links);
      for (size_t c2 = c1 + 1; c2 < cands.size(); ++c2)
        if (cands[c2].ranked)
          out.rows.push_back(row({cands[c1].m, cands[c2].m}, base.total, base.total - (ev.total - ev.reduction[c2])));
    }
  }
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const RankedMitigation& x, const RankedMitigation& y) {
    if (x.reduction != y.reduction) return x.reduction > y.reduction;
    return x.steps.size() < y.steps.size();
  });
  return out;
}

double solve_objective(const RiskNetwork& net, std::optional<uint32_t> target, double tolerance, int max_iterations) {
  // From scratch, as a re-solve per candidate would: no spectral radii (a part that diverges
  // shows as values beyond the solver's bound).
  Base b(net, target, tolerance, max_iterations, false);
  std::vector<double> s(b.g.n);
  for (uint32_t v = 0; v < b.g.n; ++v) s[v] = net.risks[v].spontaneous;
  try {
    auto f = b.forward(s, b.g.t);
    double total = 0;
    for (uint32_t v = 0; v < b.g.n; ++v) total += b.weight[v] * f[v];
    return total;
  } catch (const Error&) {
    return std::numeric_limits<double>::infinity();
  }
}

}  // namespace riskreg
