#include "graph/cascade.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>

#include "core/error.h"
#include "rules/rules_files.h"

namespace riskreg {

CascadeRule load_cascade_rule(const TomlFile& file) {
  TomlTable root(file, file.root());
  root.only({"strength", "propagation"});
  CascadeRule r;
  if (auto s = root.table("strength")) {
    s->only({"stated", "inferred", "use_transition_probability"});
    auto num = [&](std::string_view key, double& out) {
      if (auto v = s->opt_num(key)) {
        if (*v < 0 || *v > 1) s->fail(key, "a link strength must be between 0 and 1");
        out = *v;
      }
    };
    num("stated", r.stated_strength);
    num("inferred", r.inferred_strength);
    if (auto b = s->opt_bool("use_transition_probability")) r.use_transition_probability = *b;
  }
  if (auto p = root.table("propagation")) {
    p->only({"max_depth", "worsening_only"});
    if (auto d = p->opt_int("max_depth")) {
      if (*d < 1 || *d > 1000) p->fail("max_depth", "max_depth must be between 1 and 1000");
      r.max_depth = static_cast<int>(*d);
    }
    if (auto w = p->opt_bool("worsening_only")) r.worsening_only = *w;
  }
  return r;
}

CascadeRule load_cascade_rule_text(const std::string& text, const std::string& name) {
  return load_cascade_rule(TomlFile::parse(text, name));
}

std::optional<CascadeRule> cascade_rule_from(const std::vector<RulesFile>& rules) {
  const RulesFile* f = find_rules_file(rules, "cascade.toml");
  if (!f) return std::nullopt;
  return load_cascade_rule_text(f->content, "rules/cascade.toml");
}

namespace {
struct Scope {
  std::set<std::string> seen_p, seen_a, seen_o;
  void add(const RegisterNetwork& net, NodeId risk, std::vector<std::string>& ps, std::vector<std::string>& as,
           std::vector<std::string>& os) {
    const auto& g = net.graph;
    for (EdgeId e : g.in_edges(risk)) {
      if (g.edge(e).kind != EdgeKind::Mitigates) continue;
      NodeId p = g.edge(e).from;
      ps.push_back(g.node(p).id);
      for (EdgeId pe : g.out_edges(p)) {
        if (g.edge(pe).kind != EdgeKind::HasAction) continue;
        NodeId a = g.edge(pe).to;
        as.push_back(g.node(a).id);
        for (EdgeId ae : g.out_edges(a))
          if (g.edge(ae).kind == EdgeKind::LedBy) os.push_back(g.node(g.edge(ae).to).id);
      }
    }
    std::sort(os.begin(), os.end());
    os.erase(std::unique(os.begin(), os.end()), os.end());
  }
};

void merge(std::vector<std::string>& into, const std::vector<std::string>& from, std::set<std::string>& seen) {
  for (const auto& s : from)
    if (seen.insert(s).second) into.push_back(s);
}
}  // namespace

CascadeResult cascade(const RegisterNetwork& net, const Matrix& m, const CascadeRule& rule, NodeId risk,
                      std::optional<Cell> from, Cell to) {
  const auto& g = net.graph;
  const Risk* origin = net.risk(risk);
  if (!origin) throw Error(ErrorKind::InvalidInput, g.node(risk).id + " is not a risk: only risks cascade");
  CascadeResult res;
  res.risk = origin->id;
  res.title = origin->title;
  res.from = from;
  res.to = to;
  res.was_above = from && m.above_appetite(*from);
  res.now_above = m.above_appetite(to);
  res.band_change = m.band(to).rank - (from ? m.band(*from).rank : m.band(to).rank);
  res.propagates = res.band_change != 0 && (res.band_change > 0 || !rule.worsening_only);
  if (net.closed(risk)) {
    // A closed risk is no longer managed: its score is history, and it feeds nothing live.
    res.closed = true;
    res.propagates = false;
    return res;
  }

  Scope scope;
  std::vector<std::string> ps, as, os;
  scope.add(net, risk, ps, as, os);
  merge(res.priorities, ps, scope.seen_p);
  merge(res.actions, as, scope.seen_a);
  merge(res.officers, os, scope.seen_o);
  if (res.now_above && !res.was_above) res.crossing.push_back(res.risk);
  if (!res.propagates) return res;

  // The hypothetical state: each moved risk's cell, and where it sits in `res.steps`.
  std::map<NodeId, size_t> step_of;
  struct Item {
    NodeId node;
    int delta;
    int depth;
    std::vector<std::string> path;
  };
  std::deque<Item> queue{{risk, res.band_change, 0, {res.risk}}};
  int top = m.likelihood.size() - 1;
  while (!queue.empty()) {
    Item it = std::move(queue.front());
    queue.pop_front();
    if (it.depth >= rule.max_depth) continue;
    for (EdgeId e : g.out_edges(it.node)) {
      const auto& ed = g.edge(e);
      if (ed.kind != EdgeKind::Feeds || ed.to == risk) continue;
      const Risk* target = net.risk(ed.to);
      std::optional<Cell> cur = target && target->current ? m.cell(*target->current) : std::nullopt;
      if (!cur) continue;  // an unscored risk has nothing to move
      double strength = ed.basis == Basis::Stated ? rule.stated_strength : rule.inferred_strength;
      if (rule.use_transition_probability && ed.transition_probability) strength = *ed.transition_probability;
      int step = static_cast<int>(std::lround(it.delta * strength));
      if (step == 0 || (rule.worsening_only && step < 0)) continue;
      if (net.closed(ed.to)) {
        if (std::find(res.closed_not_moved.begin(), res.closed_not_moved.end(), target->id) ==
            res.closed_not_moved.end())
          res.closed_not_moved.push_back(target->id);
        continue;
      }
      Cell next = *cur;
      next.likelihood = std::clamp(cur->likelihood + step, 0, top);
      auto found = step_of.find(ed.to);
      Cell before = found == step_of.end() ? *cur : res.steps[found->second].to;
      // Take the largest move only: a second, weaker path changes nothing.
      bool worse = step > 0 ? next.likelihood > before.likelihood : next.likelihood < before.likelihood;
      if (!worse) continue;
      CascadeStep* s;
      if (found == step_of.end()) {
        step_of[ed.to] = res.steps.size();
        res.steps.push_back({});
        s = &res.steps.back();
        s->risk = target->id;
        s->title = target->title;
        s->from = *cur;
        s->was_above = m.above_appetite(*cur);
      } else {
        s = &res.steps[found->second];
      }
      int old_change = found == step_of.end() ? 0 : s->band_change;
      s->to = next;
      s->band_change = m.band(next).rank - m.band(*cur).rank;
      s->now_above = m.above_appetite(next);
      s->path = it.path;
      s->path.push_back(target->id);
      s->basis = basis_name(ed.basis);
      s->strength = strength;
      s->depth = it.depth + 1;
      // What travels on is the risk's whole band change from its current score (receivers
      // again take the largest move), and only when it grew: so each risk is re-queued at
      // most once per band it climbs, and the walk ends on cycles.
      if (s->band_change != old_change && s->band_change != 0)
        queue.push_back({ed.to, s->band_change, it.depth + 1, s->path});
    }
  }
  for (const auto& s : res.steps) {
    if (s.now_above && !s.was_above) res.crossing.push_back(s.risk);
  }
  for (auto& s : res.steps) {
    scope.add(net, *g.find(NodeKind::Risk, s.risk), s.priorities, s.actions, s.officers);
    merge(res.priorities, s.priorities, scope.seen_p);
    merge(res.actions, s.actions, scope.seen_a);
    merge(res.officers, s.officers, scope.seen_o);
  }
  return res;
}

}  // namespace riskreg
