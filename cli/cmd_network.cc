// riskreg network: the risk-network model (Fang & Marle 2012) for the register or for a
// standalone network file, exact and Monte Carlo, with what-ifs.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "commands.h"
#include "core/error.h"
#include "graph/network_file.h"
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
};

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

nlohmann::json analysis_json(const RiskNetwork& net, const Analysis& a) {
  auto rows = nlohmann::json::array();
  for (size_t i = 0; i < net.risks.size(); ++i)
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

void print_analysis(std::ostream& out, const RiskNetwork& net, const Analysis& a) {
  out << "spectral radius " << fmt(a.exact.spectral_radius) << "; Monte Carlo " << a.mc.runs << " runs, seed "
      << a.mc.seed << ", " << a.mc.threads << " thread" << (a.mc.threads == 1 ? "" : "s");
  if (a.mc.truncated_runs) out << ", " << a.mc.truncated_runs << " runs truncated";
  out << "\n";
  if (!a.exact.converged)
    out << "the expected frequencies diverge (occurrences multiply without end): exact frequency, consequence and "
           "criticality are infinite\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < net.risks.size(); ++i) {
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
      rows);
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
  cmd->callback([opt, &ctx] {
    RiskNetwork net;
    MonteCarloOptions mc;
    if (!opt->file.empty()) {
      net = load_network_file(opt->file);
    } else {
      Store& st = ctx.store();
      NetworkRules rules = network_rules_from(st.rules());
      net = network_from_register(st.load(), ctx.matrix(), rules);
      mc = rules.simulation;
    }
    if (opt->runs) mc.runs = opt->runs;
    if (opt->seed_set) mc.seed = opt->seed;
    mc.threads = opt->threads ? opt->threads : std::max(1u, std::thread::hardware_concurrency());
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
      nlohmann::json j{{"name", net.name}, {"network", analysis_json(net, base)}};
      if (after) {
        j["what_if"] = {{"zero", opt->zero}, {"cut", opt->cut}, {"network", analysis_json(changed, *after)}};
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
    out << (net.name.empty() ? opt->file : net.name) << ": " << net.risks.size() << " risks, " << net.links.size()
        << " links\n";
    print_analysis(out, net, base);
    if (after) {
      out << "\nWhat-if:";
      for (const auto& z : opt->zero) out << " " << z << " no longer occurs spontaneously;";
      for (const auto& c : opt->cut)
        out << " link " << c.substr(0, c.find(':')) << " -> " << c.substr(c.find(':') + 1) << " cut;";
      out << "\n";
      print_analysis(out, changed, *after);
      out << "\nChange (exact):\n";
      std::vector<std::vector<std::string>> rows;
      auto d = [](double v) { return (v >= 0 ? "+" : "") + fmt(v); };
      for (size_t i = 0; i < net.risks.size(); ++i)
        rows.push_back({net.risks[i].id, d(after->exact.frequency[i] - base.exact.frequency[i]),
                        d(after->exact.at_least_once[i] - base.exact.at_least_once[i]),
                        d(after->exact.criticality[i] - base.exact.criticality[i])});
      print_table(out, {"RISK", "FREQ", "P(>=1)", "CRITICALITY"}, rows);
    }
  });
}

}  // namespace riskreg::cli
