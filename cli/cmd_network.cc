// riskreg network: the risk-network model (Fang & Marle 2012) for the register or for a
// standalone network file, exact and Monte Carlo, with what-ifs; `--rank` ranks mitigations.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <thread>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "graph/closed.h"
#include "graph/network_file.h"
#include "graph/rank.h"
#include "register/risk_view.h"
#include "render.h"

namespace riskreg::cli {

namespace {
struct NetworkOptions {
  std::string file;
  uint64_t runs = 0;
  uint64_t seed = 0;
  bool seed_set = false;
  unsigned threads = 0;
  std::vector<std::string> zero;
  std::vector<std::string> cut;
  bool json = false;
  std::string sort = "risk";
  bool rank = false;
  std::string target;
  bool pairs = false;
  int64_t top = 10;
};

/// The columns `--sort` orders the table by (largest first; `risk` keeps the register's order).
const std::vector<std::string> kSortKeys = {"risk", "frequency", "p", "consequence", "criticality", "as-origin"};

constexpr const char* kColumns = R"(Columns (one row per risk; docs/graph.md):
  S            spontaneous probability: the risk occurs of itself in the period
  IMPACT       numeric impact (gravity) from rules/network.toml
  FREQ         expected occurrences per period, propagation included (exact)
  FREQ(MC)     the same by Monte Carlo, ± its standard error
  P(>=1)       probability that the risk occurs at least once (exact); (MC) as above
  CONSEQUENCE  expected impact that one occurrence causes downstream
  CRITICALITY  FREQ x IMPACT: the risk's share of the total expected impact
  AS-ORIGIN    S x (IMPACT + CONSEQUENCE): the expected impact the risk starts
--rank columns:
  MITIGATION   zero R: R no longer occurs spontaneously; cut A -> B: the feed link removed
  REMOVES      what the mitigation takes away: s of the risk, or t of the link (and its basis)
  BEFORE/AFTER the total expected impact (or --target's frequency) now and with it (exact)
  REDUCTION    BEFORE - AFTER;  SHARE  REDUCTION / BEFORE
  AFTER(MC)    with --runs: AFTER by Monte Carlo, ± its standard error
Closed risks (riskreg close) are left out of the register's network, named under the first line.)";

std::string fmt(double v, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct Analysis {
  NetworkSolution exact;
  MonteCarloResult mc;
};

Analysis analyse(const RiskNetwork& net, const MonteCarloOptions& mc) {
  return {solve_network(net), simulate_network(net, mc)};
}

std::vector<size_t> row_order(const NetworkSolution& s, const std::string& key);

nlohmann::json analysis_json(const RiskNetwork& net, const Analysis& a, const std::string& sort) {
  auto rows = nlohmann::json::array();
  for (size_t i : row_order(a.exact, sort))
    rows.push_back({{"id", net.risks[i].id},
                    {"spontaneous", net.risks[i].spontaneous},
                    {"impact", net.risks[i].impact},
                    {"frequency", a.exact.converged ? nlohmann::json(a.exact.frequency[i]) : nlohmann::json()},
                    {"frequency_mc", a.mc.frequency[i]},
                    {"frequency_mc_stderr", a.mc.frequency_stderr[i]},
                    {"at_least_once", a.exact.at_least_once[i]},
                    {"at_least_once_mc", a.mc.at_least_once[i]},
                    {"at_least_once_mc_stderr", a.mc.at_least_once_stderr[i]},
                    {"consequence", a.exact.converged ? nlohmann::json(a.exact.consequence[i]) : nlohmann::json()},
                    {"criticality", a.exact.converged ? nlohmann::json(a.exact.criticality[i]) : nlohmann::json()},
                    {"as_origin", a.exact.converged ? nlohmann::json(a.exact.as_origin[i]) : nlohmann::json()}});
  return {{"converged", a.exact.converged},
          {"spectral_radius", a.exact.spectral_radius},
          {"runs", a.mc.runs},
          {"seed", a.mc.seed},
          {"threads", a.mc.threads},
          {"truncated_runs", a.mc.truncated_runs},
          {"risks", rows}};
}

std::vector<size_t> row_order(const NetworkSolution& s, const std::string& key);

/// The analysis table, fitted to `width` (wider than the width, its columns are split into
/// tables one below the other, each led by RISK).
void print_analysis(std::ostream& out, const RiskNetwork& net, const Analysis& a, const std::string& sort,
                    size_t width) {
  std::string head = "spectral radius " + fmt(a.exact.spectral_radius) + "; Monte Carlo " + std::to_string(a.mc.runs) +
                     " runs, seed " + std::to_string(a.mc.seed) + ", " + std::to_string(a.mc.threads) + " thread" +
                     (a.mc.threads == 1 ? "" : "s");
  if (a.mc.truncated_runs) head += ", " + std::to_string(a.mc.truncated_runs) + " runs truncated";
  out << wrap(head, width, 2) << "\n";
  if (!a.exact.converged)
    out << wrap(
               "the expected frequencies diverge (occurrences multiply without end): exact frequency, consequence "
               "and criticality are infinite",
               width, 2)
        << "\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t i : row_order(a.exact, sort)) {
    bool ok = a.exact.converged;
    rows.push_back({net.risks[i].id, fmt(net.risks[i].spontaneous, 3), fmt(net.risks[i].impact, 2),
                    ok ? fmt(a.exact.frequency[i]) : "inf",
                    fmt(a.mc.frequency[i]) + " ±" + fmt(a.mc.frequency_stderr[i]), fmt(a.exact.at_least_once[i]),
                    fmt(a.mc.at_least_once[i]) + " ±" + fmt(a.mc.at_least_once_stderr[i]),
                    ok ? fmt(a.exact.consequence[i]) : "inf", ok ? fmt(a.exact.criticality[i]) : "inf",
                    ok ? fmt(a.exact.as_origin[i]) : "inf"});
  }
  print_table(
      out,
      {"RISK", "S", "IMPACT", "FREQ", "FREQ(MC)", "P(>=1)", "P(>=1)(MC)", "CONSEQUENCE", "CRITICALITY", "AS-ORIGIN"},
      rows, TableFit{width});
}
/// The table's row order for `--sort`.
std::vector<size_t> row_order(const NetworkSolution& s, const std::string& key) {
  std::vector<size_t> order(s.frequency.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::vector<double>* v = key == "frequency"     ? &s.frequency
                                 : key == "p"           ? &s.at_least_once
                                 : key == "consequence" ? &s.consequence
                                 : key == "criticality" ? &s.criticality
                                 : key == "as-origin"   ? &s.as_origin
                                                        : nullptr;
  if (v) std::stable_sort(order.begin(), order.end(), [v](size_t a, size_t b) { return (*v)[a] > (*v)[b]; });
  return order;
}

using Bases = std::map<std::pair<uint32_t, uint32_t>, std::string>;

std::string removes(const RiskNetwork& net, const Mitigation& m, const Bases& bases) {
  if (m.kind == Mitigation::Kind::ZeroSpontaneous) return "s " + fmt(m.amount, 3);
  std::string r = "t " + fmt(m.amount, 3);
  if (auto b = bases.find({m.from, m.to}); b != bases.end()) r += " (" + b->second + ")";
  (void)net;
  return r;
}

std::string label(const RiskNetwork& net, const std::vector<Mitigation>& steps) {
  std::string r;
  for (const auto& m : steps) r += (r.empty() ? "" : " + ") + describe(net, m);
  return r;
}

nlohmann::json step_json(const RiskNetwork& net, const Mitigation& m, const Bases& bases) {
  if (m.kind == Mitigation::Kind::ZeroSpontaneous)
    return {{"kind", "zero"}, {"risk", net.risks[m.from].id}, {"spontaneous", m.amount}};
  nlohmann::json j = {{"kind", "cut"},
                      {"from", net.risks[m.from].id},
                      {"to", net.risks[m.to].id},
                      {"transition_probability", m.amount}};
  if (auto b = bases.find({m.from, m.to}); b != bases.end()) j["basis"] = b->second;
  return j;
}

/// The line naming the register's closed risks, which its network leaves out (none: no line).
void print_left_out(std::ostream& out, const std::vector<std::string>& left_out, size_t width) {
  if (!left_out.empty()) out << wrap("closed, left out: " + join(left_out, ", "), width, 2) << "\n";
}

void run_rank(Context& ctx, const NetworkOptions& opt, const RiskNetwork& net, const Bases& bases, MonteCarloOptions mc,
              bool with_mc, const std::vector<std::string>& left_out) {
  RankOptions ro;
  ro.pairs = opt.pairs;
  std::string objective = "the total expected impact (sum of frequency x impact)";
  if (!opt.target.empty()) {
    auto t = net.find(opt.target);
    if (!t) {
      std::vector<std::string> ids;
      for (const auto& r : net.risks) ids.push_back(r.id);
      throw Error(ErrorKind::NotFound,
                  "--target: no risk '" + opt.target + "' in the network" + did_you_mean_suffix(opt.target, ids));
    }
    ro.target = *t;
    objective = opt.target + "'s propagated frequency";
  }
  Ranking rk = rank_mitigations(net, ro);
  size_t shown = std::min(rk.rows.size(), static_cast<size_t>(opt.top));

  // Monte Carlo, on request, of the objective before and after each shown row.
  struct Mc {
    double value = 0, stderr_ = 0;
    uint64_t truncated = 0;
  };
  std::optional<Mc> mc_before;
  std::vector<Mc> mc_after;
  if (with_mc && !rk.target_diverges) {
    std::vector<char> diverging(net.risks.size(), 0);
    for (uint32_t v : rk.diverging) diverging[v] = 1;
    mc.weights.assign(net.risks.size(), 0);
    for (uint32_t v = 0; v < net.risks.size(); ++v)
      if (!diverging[v]) mc.weights[v] = ro.target ? (v == *ro.target ? 1.0 : 0.0) : net.risks[v].impact;
    auto one = [&](const RiskNetwork& n) {
      auto r = simulate_network(n, mc);
      return Mc{r.weighted, r.weighted_stderr, r.truncated_runs};
    };
    mc_before = one(net);
    for (size_t i = 0; i < shown; ++i) mc_after.push_back(one(apply_mitigations(net, rk.rows[i].steps)));
  }
  std::vector<std::string> ids;
  for (uint32_t v : rk.diverging) ids.push_back(net.risks[v].id);

  if (opt.json) {
    auto rows = nlohmann::json::array();
    for (size_t i = 0; i < shown; ++i) {
      const auto& r = rk.rows[i];
      auto steps = nlohmann::json::array();
      for (const auto& m : r.steps) steps.push_back(step_json(net, m, bases));
      nlohmann::json j = {
          {"rank", i + 1},    {"mitigation", label(net, r.steps)}, {"steps", steps},  {"before", r.before},
          {"after", r.after}, {"reduction", r.reduction},          {"share", r.share}};
      if (!mc_after.empty()) j["after_mc"] = mc_after[i].value, j["after_mc_stderr"] = mc_after[i].stderr_;
      rows.push_back(j);
    }
    auto not_ranked = nlohmann::json::array();
    for (const auto& m : rk.on_diverging) not_ranked.push_back(describe(net, m));
    nlohmann::json j = {{"name", net.name},
                        {"objective", ro.target ? "frequency" : "total_expected_impact"},
                        {"target", ro.target ? nlohmann::json(opt.target) : nlohmann::json()},
                        {"pairs", opt.pairs},
                        {"candidates", rk.candidates},
                        {"ranked", rk.rows.size()},
                        {"total", rk.target_diverges ? nlohmann::json() : nlohmann::json(rk.total)},
                        {"diverging", ids},
                        {"diverging_spectral_radius", rk.diverging_radius},
                        {"target_diverges", rk.target_diverges},
                        {"not_ranked", not_ranked},
                        {"closed_left_out", left_out},
                        {"rows", rows}};
    if (mc_before)
      j["monte_carlo"] = {{"runs", mc.runs},
                          {"seed", mc.seed},
                          {"threads", mc.threads},
                          {"total", mc_before->value},
                          {"total_stderr", mc_before->stderr_},
                          {"truncated_runs", mc_before->truncated}};
    ctx.out << j.dump(2) << "\n";
    return;
  }
  auto& out = ctx.out;
  const size_t width = ctx.width();
  out << wrap((net.name.empty() ? opt.file : net.name) + ": " + std::to_string(net.risks.size()) + " risks, " +
                  std::to_string(net.links.size()) + " links; " + std::to_string(rk.candidates) +
                  " candidate mitigations" + (opt.pairs ? " and their pairs" : "") + ", ranked by the reduction of " +
                  objective,
              width, 2)
      << "\n";
  print_left_out(out, left_out, width);
  if (!rk.diverging.empty()) {
    std::string text = "diverging: " + join(ids, ", ") + " (downstream of a supercritical part, spectral radius " +
                       fmt(rk.diverging_radius) +
                       ", that risks occurring spontaneously reach): their expected frequencies are infinite, so "
                       "they are left out of the total and not ranked";
    if (!rk.on_diverging.empty()) {
      std::vector<std::string> names;
      for (const auto& m : rk.on_diverging) names.push_back(describe(net, m));
      text += "; acting only on them: " + join(names, ", ");
    }
    out << wrap(text, width, 2) << "\n";
  }
  if (rk.target_diverges) {
    out << wrap(opt.target + "'s propagated frequency diverges: nothing to rank", width, 2) << "\n";
    return;
  }
  std::string total = (ro.target ? opt.target + "'s propagated frequency" : std::string("total expected impact")) +
                      (rk.diverging.empty() ? "" : " (finite part)") + " now: " + fmt(rk.total) + " (exact)";
  if (mc_before) {
    total += "; Monte Carlo " + fmt(mc_before->value) + " ±" + fmt(mc_before->stderr_) + " (" +
             std::to_string(mc.runs) + " runs, seed " + std::to_string(mc.seed) + ", " + std::to_string(mc.threads) +
             " thread" + (mc.threads == 1 ? "" : "s");
    if (mc_before->truncated) total += ", " + std::to_string(mc_before->truncated) + " runs truncated";
    total += ")";
  }
  out << wrap(total, width, 2) << "\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < shown; ++i) {
    const auto& r = rk.rows[i];
    std::string what;
    for (const auto& m : r.steps) what += (what.empty() ? "" : " + ") + removes(net, m, bases);
    std::vector<std::string> row = {
        std::to_string(i + 1), label(net, r.steps),        what, fmt(r.before), fmt(r.after),
        fmt(r.reduction),      fmt(100 * r.share, 1) + "%"};
    if (!mc_after.empty()) row.push_back(fmt(mc_after[i].value) + " ±" + fmt(mc_after[i].stderr_));
    rows.push_back(row);
  }
  std::vector<std::string> header = {"RANK", "MITIGATION", "REMOVES", "BEFORE", "AFTER", "REDUCTION", "SHARE"};
  if (!mc_after.empty()) header.push_back("AFTER(MC)");
  // MITIGATION is the free text: a pair of long ids wraps inside its column.
  print_table(out, header, rows, TableFit{width, 1});
  if (shown < rk.rows.size()) out << "(" << rk.rows.size() - shown << " more; --top N shows more)\n";
}
}  // namespace

void add_network(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<NetworkOptions>();
  auto* cmd =
      app.add_subcommand("network", "Risk-network model (Fang & Marle 2012): propagated frequencies and criticality");
  cmd->add_option("--file", opt->file, "A standalone network file (docs/graph.md) instead of the register");
  cmd->add_option("--runs", opt->runs, "Monte Carlo runs (default: rules/network.toml, else 100000)");
  cmd->add_option("--seed", opt->seed, "Monte Carlo seed")->each([opt](const std::string&) { opt->seed_set = true; });
  cmd->add_option("--threads", opt->threads, "Monte Carlo threads (default: all cores)");
  cmd->add_option("--zero", opt->zero, "What-if: this risk no longer occurs spontaneously (repeatable)");
  cmd->add_option("--cut", opt->cut, "What-if: remove the link FROM:TO (repeatable)");
  cmd->add_flag("--json", opt->json, "JSON output");
  cmd->add_option("--sort", opt->sort, "Order the table's rows, largest first (default: risk, the register's order)")
      ->check(CLI::IsMember(kSortKeys));
  auto* rank = cmd->add_flag("--rank", opt->rank,
                             "Rank mitigations (zero a risk's spontaneous occurrence, cut a feed link) by how much "
                             "they reduce the total expected impact");
  cmd->add_option("--target", opt->target, "With --rank: rank by the reduction of this risk's frequency")->needs(rank);
  cmd->add_flag("--pairs", opt->pairs, "With --rank: also every pair of mitigations")->needs(rank);
  cmd->add_option("--top", opt->top, "With --rank: show the best N (default 10)")->needs(rank);
  cmd->footer(kColumns);
  cmd->callback([opt, &ctx] {
    if (opt->top < 1) throw Error(ErrorKind::Usage, "--top must be at least 1 (got " + std::to_string(opt->top) + ")");
    RiskNetwork net;
    MonteCarloOptions mc;
    Bases bases;
    std::vector<std::string> left_out;  // closed risks, not in the network
    if (!opt->file.empty()) {
      net = load_network_file(opt->file);
    } else {
      Store& st = ctx.store();
      NetworkRules rules = network_rules_from(st.rules());
      if (opt->rank && !opt->target.empty()) {
        try {
          opt->target = resolve_risk_id(st, opt->target);  // `5` means R5, as everywhere
        } catch (const Error& e) {
          if (e.kind() != ErrorKind::NotFound) throw;
          throw Error(ErrorKind::NotFound, std::string("--target: ") + e.what());
        }
      }
      RegisterData data = st.load();
      // Closed risks leave the network: a what-if or a --target naming one is refused (exit 4).
      std::set<std::string> closed = closed_risks(st);
      auto refuse_closed = [&](const std::string& text) {
        if (closed.count(text)) throw closed_risk_error(text, "the network model");
      };
      for (const auto& z : opt->zero) refuse_closed(z);
      for (const auto& c : opt->cut)
        if (auto colon = c.find(':'); colon != std::string::npos)
          refuse_closed(c.substr(0, colon)), refuse_closed(c.substr(colon + 1));
      if (opt->rank && !opt->target.empty()) refuse_closed(opt->target);
      left_out = drop_closed(data, closed);
      net = network_from_register(data, ctx.matrix(), rules);
      mc = rules.simulation;
      for (const auto& f : data.feeds) {
        auto a = net.find(f.from), b = net.find(f.to);
        if (a && b) bases[{*a, *b}] = f.transition_probability ? "own" : f.basis;
      }
    }
    if (opt->runs) mc.runs = opt->runs;
    if (opt->seed_set) mc.seed = opt->seed;
    mc.threads = opt->threads ? opt->threads : std::max(1u, std::thread::hardware_concurrency());
    if (opt->rank) {
      if (!opt->zero.empty() || !opt->cut.empty())
        throw Error(ErrorKind::Usage, "--rank ranks every mitigation itself: drop --zero and --cut");
      if (net.links.empty())
        throw Error(ErrorKind::InvalidInput,
                    (opt->file.empty() ? std::string("the register") : opt->file) +
                        " has no links: nothing propagates, so there is nothing to rank (add [[link]] entries)");
      run_rank(ctx, *opt, net, bases, mc, opt->runs > 0, left_out);
      return;
    }
    RiskNetwork changed = net;
    for (const auto& z : opt->zero) changed.zero_spontaneous(z);
    for (const auto& c : opt->cut) {
      auto colon = c.find(':');
      if (colon == std::string::npos) throw Error(ErrorKind::Usage, "--cut takes FROM:TO, e.g. --cut R5:R1");
      changed.cut_link(c.substr(0, colon), c.substr(colon + 1));
    }
    bool what_if = !opt->zero.empty() || !opt->cut.empty();
    Analysis base = analyse(net, mc);
    std::optional<Analysis> after;
    if (what_if) after = analyse(changed, mc);
    if (opt->json) {
      nlohmann::json j{{"name", net.name}, {"network", analysis_json(net, base, opt->sort)}};
      if (opt->file.empty()) j["closed_left_out"] = left_out;
      if (after) {
        j["what_if"] = {{"zero", opt->zero}, {"cut", opt->cut}, {"network", analysis_json(changed, *after, opt->sort)}};
        auto delta = nlohmann::json::object();
        for (size_t i = 0; i < net.risks.size(); ++i)
          delta[net.risks[i].id] = {{"frequency", after->exact.frequency[i] - base.exact.frequency[i]},
                                    {"at_least_once", after->exact.at_least_once[i] - base.exact.at_least_once[i]}};
        j["what_if"]["change"] = delta;
      }
      ctx.out << j.dump(2) << "\n";
      return;
    }
    auto& out = ctx.out;
    const size_t width = ctx.width();
    out << wrap((net.name.empty() ? opt->file : net.name) + ": " + std::to_string(net.risks.size()) + " risks, " +
                    std::to_string(net.links.size()) + " links",
                width, 2)
        << "\n";
    print_left_out(out, left_out, width);
    print_analysis(out, net, base, opt->sort, width);
    if (after) {
      std::string what_if = "What-if:";
      for (const auto& z : opt->zero) what_if += " " + z + " no longer occurs spontaneously;";
      for (const auto& c : opt->cut)
        what_if += " link " + c.substr(0, c.find(':')) + " -> " + c.substr(c.find(':') + 1) + " cut;";
      out << "\n" << wrap(what_if, width, 2) << "\n";
      print_analysis(out, changed, *after, opt->sort, width);
      out << "\nChange (exact):\n";
      std::vector<std::vector<std::string>> rows;
      auto d = [](double v) { return (v >= 0 ? "+" : "") + fmt(v); };
      for (size_t i = 0; i < net.risks.size(); ++i)
        rows.push_back({net.risks[i].id, d(after->exact.frequency[i] - base.exact.frequency[i]),
                        d(after->exact.at_least_once[i] - base.exact.at_least_once[i]),
                        d(after->exact.criticality[i] - base.exact.criticality[i])});
      print_table(out, {"RISK", "FREQ", "P(>=1)", "CRITICALITY"}, rows, TableFit{width});
    }
  });
}

}  // namespace riskreg::cli
