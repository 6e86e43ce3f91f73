#include "graph/network_file.h"

#include <set>

#include "core/error.h"
#include "core/text.h"
#include "rules/rules_files.h"

namespace riskreg {

namespace {
double probability(const TomlTable& t, std::string_view key, bool required) {
  auto v = t.opt_num(key);
  if (!v) {
    if (required) t.fail_here("missing '" + std::string(key) + "'");
    return 0;
  }
  if (*v < 0 || *v > 1) t.fail(key, "a probability must be between 0 and 1");
  return *v;
}

std::map<std::string, double> number_map(const TomlFile& file, const TomlTable& t, bool unit) {
  std::map<std::string, double> out;
  for (auto&& [k, v] : t.raw()) {
    double x;
    if (auto* i = v.as_integer())
      x = static_cast<double>(i->get());
    else if (auto* f = v.as_floating_point())
      x = f->get();
    else
      file.fail(v.source(), "'" + std::string(k.str()) + "' must be a number");
    if (x < 0 || (unit && x > 1))
      file.fail(v.source(), unit ? "a probability must be between 0 and 1" : "must not be negative");
    out[std::string(k.str())] = x;
  }
  return out;
}
}  // namespace

NetworkRules load_network_rules(const TomlFile& file) {
  TomlTable root(file, file.root());
  root.only({"spontaneous_probability", "impact", "transition_probability", "simulation"});
  NetworkRules r;
  auto sp = root.table("spontaneous_probability");
  if (!sp) root.fail_here("missing [spontaneous_probability]: the likelihood → probability mapping");
  r.spontaneous = number_map(file, *sp, true);
  auto im = root.table("impact");
  if (!im) root.fail_here("missing [impact]: the impact → number mapping");
  r.impact = number_map(file, *im, false);
  if (auto t = root.table("transition_probability")) {
    t->only({"stated", "inferred"});
    if (t->has("stated")) r.stated = probability(*t, "stated", true);
    if (t->has("inferred")) r.inferred = probability(*t, "inferred", true);
  }
  if (auto s = root.table("simulation")) {
    s->only({"runs", "seed", "max_occurrences"});
    if (auto v = s->opt_int("runs")) {
      if (*v < 1) s->fail("runs", "runs must be at least 1");
      r.simulation.runs = static_cast<uint64_t>(*v);
    }
    if (auto v = s->opt_int("seed")) r.simulation.seed = static_cast<uint64_t>(*v);
    if (auto v = s->opt_int("max_occurrences")) {
      if (*v < 1) s->fail("max_occurrences", "max_occurrences must be at least 1");
      r.simulation.max_occurrences = static_cast<uint64_t>(*v);
    }
  }
  return r;
}

NetworkRules load_network_rules_text(const std::string& text, const std::string& name) {
  return load_network_rules(TomlFile::parse(text, name));
}

NetworkRules network_rules_from(const std::vector<RulesFile>& rules) {
  const RulesFile* f = find_rules_file(rules, "network.toml");
  if (!f)
    throw Error(ErrorKind::NotFound,
                "the register holds no network.toml (the likelihood -> probability mapping); "
                "registers created before it need rules/network.toml added");
  return load_network_rules_text(f->content, "rules/network.toml");
}

RiskNetwork network_from_register(const RegisterData& data, const Matrix& m, const NetworkRules& rules) {
  RiskNetwork net;
  net.name = data.info.name;
  for (const auto& r : data.risks) {
    RiskNetwork::Risk k{r.id, r.title, 0, 0};
    std::optional<Cell> c = r.current ? m.cell(*r.current) : std::nullopt;
    if (c) {
      const std::string& lc = m.likelihood_level(*c).code;
      const std::string& ic = m.impact_level(*c).code;
      auto s = rules.spontaneous.find(lc);
      if (s == rules.spontaneous.end() && !r.spontaneous_probability)
        throw Error(ErrorKind::InvalidInput, "rules/network.toml maps no spontaneous probability to likelihood '" + lc +
                                                 "' (" + r.id + " is " + m.format(*c) + ")");
      auto i = rules.impact.find(ic);
      if (i == rules.impact.end())
        throw Error(ErrorKind::InvalidInput,
                    "rules/network.toml maps no number to impact '" + ic + "' (" + r.id + " is " + m.format(*c) + ")");
      if (s != rules.spontaneous.end()) k.spontaneous = s->second;
      k.impact = i->second;
    }
    if (r.spontaneous_probability) k.spontaneous = *r.spontaneous_probability;
    net.risks.push_back(std::move(k));
  }
  for (const auto& f : data.feeds) {
    auto from = net.find(f.from), to = net.find(f.to);
    if (!from || !to) continue;  // dangling: `graph check` reports it
    double t = f.transition_probability ? *f.transition_probability
               : f.basis == "stated"    ? rules.stated
                                        : rules.inferred;
    net.links.push_back({*from, *to, t});
  }
  return net;
}

RiskNetwork load_network_text(const std::string& text, const std::string& name) {
  TomlFile file = TomlFile::parse(text, name);
  TomlTable root(file, file.root());
  root.only({"name", "risk", "link"});
  RiskNetwork net;
  net.name = root.str_or("name", "");
  for (const auto& t : root.tables("risk")) {
    t.only({"id", "title", "spontaneous_probability", "impact"});
    RiskNetwork::Risk r;
    r.id = t.str("id");
    if (net.find(r.id)) t.fail("id", "duplicate risk id '" + r.id + "'");
    r.title = t.str_or("title", "");
    r.spontaneous = probability(t, "spontaneous_probability", true);
    auto impact = t.opt_num("impact");
    if (!impact) t.fail_here("missing 'impact'");
    if (*impact < 0) t.fail("impact", "impact must not be negative");
    r.impact = *impact;
    net.risks.push_back(std::move(r));
  }
  std::vector<std::string> ids;
  for (const auto& r : net.risks) ids.push_back(r.id);
  for (const auto& t : root.tables("link")) {
    t.only({"from", "to", "transition_probability"});
    RiskNetwork::Link l;
    for (auto [key, slot] : {std::pair{"from", &l.from}, std::pair{"to", &l.to}}) {
      std::string id = t.str(key);
      auto i = net.find(id);
      if (!i) t.fail(key, "no risk '" + id + "' in this file" + did_you_mean_suffix(id, ids));
      *slot = *i;
    }
    l.probability = probability(t, "transition_probability", true);
    net.links.push_back(l);
  }
  return net;
}

RiskNetwork load_network_file(const std::string& path) {
  TomlFile file = TomlFile::read(path);
  return load_network_text(file.text(), file.name());
}

}  // namespace riskreg
