#include "io/export_walk.h"

#include "core/error.h"
#include "core/text.h"
#include "register/risk_view.h"
#include "rules/facts.h"
#include "rules/rule_set.h"

namespace riskreg::exporting {

std::string score_text(const Matrix& m, const ScoreCodes& s) {
  auto c = m.cell(s);
  return c ? m.format(*c) : s.likelihood + s.impact;
}

std::string band_text(const Matrix& m, const ScoreCodes& s) {
  auto c = m.cell(s);
  return c ? m.band(*c).name : "";
}

std::string lines(const std::vector<std::string>& v) { return join(v, "\n"); }

namespace {

/// Copies `from` into `to`, reusing `to`'s strings.
void copy_list(const std::vector<std::string>& from, std::vector<std::string>& to) {
  to.resize(from.size());
  for (size_t i = 0; i < from.size(); ++i) to[i].assign(from[i]);
}

}  // namespace

void walk(Store& store, const Matrix& m, const std::optional<std::string>& as_of, Timestamp now,
          const std::function<void(const RiskRow&)>& on_risk,
          const std::function<void(const AssessmentRow&)>& on_assessment) {
  const rules::RuleSet set = rules::rule_set_from(store.rules(), m);
  // Feed counts cost a fifth cursor: read only when some rule names them (as RiskFlagger).
  const bool upstream = set.needs_upstream();
  if (as_of) {
    auto t = parse_timestamp(*as_of);
    if (!t) throw Error(ErrorKind::Usage, "'" + *as_of + "' is not a time");
    now = *t;
  }

  RiskRow r;  // reused: its strings and vectors keep their buffers from risk to risk
  store.for_each_export(
      as_of, upstream,
      [&](const ExportRisk& e) {
        const RiskState& s = e.state;
        auto v = view_of(s, m);
        r.id.assign(s.id);
        r.title.assign(s.title);
        r.owner.assign(s.owner ? *s.owner : std::string());
        r.current = v.current ? m.format(*v.current) : "";
        r.target = v.target ? m.format(*v.target) : "";
        r.band = v.band ? v.band->name : "";
        r.above_appetite = v.above_appetite;
        r.heading.assign(e.heading);
        r.vulnerability.assign(e.vulnerability);
        copy_list(e.controls, r.controls);
        copy_list(e.triggers, r.triggers);
        copy_list(e.consequences, r.consequences);
        copy_list(e.notes, r.notes);
        copy_list(e.priorities, r.priorities);
        copy_list(e.actions, r.actions);
        copy_list(e.feeds_to, r.feeds_to);
        r.flags.clear();
        if (!set.rules.empty()) {
          rules::RiskFacts f = rules::facts_of(v, m, now);
          for (const auto& up : e.upstream) {
            ++f.upstream;
            if (up)
              if (auto c = m.cell(*up); c && m.above_appetite(*c)) ++f.upstream_above;
          }
          for (const auto& rule : set.rules)
            if (rule.condition.matches(f)) r.flags.push_back(rule.name);
        }
        on_risk(r);
      },
      on_assessment);
}

void walk(Store& store, const Matrix& m, const std::optional<std::string>& as_of,
          const std::function<void(const RiskRow&)>& on_risk,
          const std::function<void(const AssessmentRow&)>& on_assessment) {
  walk(store, m, as_of, SystemClock().now(), on_risk, on_assessment);
}

}  // namespace riskreg::exporting
