#include "io/export_walk.h"

#include "core/error.h"
#include "core/text.h"
#include "domain/response.h"
#include "io/export_history.h"
#include "register/lifecycle.h"
#include "register/risk_view.h"
#include "register/rules_apply.h"
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

CellTexts::CellTexts(const Matrix& m) : m_(m) {
  for (int i = 0; i < m.cell_count(); ++i) {
    score_.push_back(m.format(m.cell_at(i)));
    band_.push_back(m.band(m.cell_at(i)).name);
  }
}

std::string_view CellTexts::score(const ScoreCodes& s) {
  if (auto c = m_.cell(s)) return score_[static_cast<size_t>(m_.index(*c))];
  off_ = s.likelihood + s.impact;
  return off_;
}

std::string_view CellTexts::band(const ScoreCodes& s) {
  auto c = m_.cell(s);
  return c ? std::string_view(band_[static_cast<size_t>(m_.index(*c))]) : std::string_view();
}

std::string lines(const std::vector<std::string>& v) { return join(v, "\n"); }

void walk(Store& store, const Matrix& m, const std::optional<std::string>& as_of, Timestamp now,
          const std::function<void(const RiskRow&)>& on_risk,
          const std::function<void(const AssessmentRow&)>& on_assessment) {
  // The rules in force at the as-of time (rules apply versions them), as the matrix `m` is.
  const rules::RuleSet set = rules::rule_set_from(rules_in_force(store, as_of), m);
  // Feed counts cost a fifth cursor: read only when some rule names them (as RiskFlagger).
  const bool upstream = set.needs_upstream();
  if (as_of) {
    auto t = parse_timestamp(*as_of);
    if (!t) throw Error(ErrorKind::Usage, "'" + *as_of + "' is not a time");
    now = *t;
  }

  // With an as-of time, the fields, texts and links changed since are put back as they were
  // then (status and review dates the store reads as of then itself).
  std::optional<FieldsThen> then;
  if (as_of) then.emplace(store, *as_of);

  RiskRow r;  // reused: its strings and vectors keep their buffers from risk to risk
  store.for_each_export(as_of, upstream, [&](ExportRisk& e) {
    if (then) then->apply(e);
    const RiskState& s = e.state;
    auto v = view_of(s, m);
    r.id.assign(s.id);
    r.title.assign(s.title);
    r.owner.assign(s.owner ? *s.owner : std::string());
    r.current = v.current ? m.format(*v.current) : "";
    r.target = v.target ? m.format(*v.target) : "";
    r.band = v.band ? v.band->name : "";
    r.above_appetite = v.above_appetite;
    r.status = s.closed ? "closed" : "open";
    r.response.clear();
    r.response_terms.clear();
    r.response_until.clear();
    if (auto d = parse_response(s.response)) {
      r.response = d->decision;
      if (d->decision == "tolerate") r.response_until = d->until;
      if (d->decision == "tolerate")
        r.response_terms =
            "accepted by " + d->approver + " until " + d->until + " at " + lifecycle::score_shown(m, d->score);
      else if (d->decision == "transfer")
        r.response_terms = "to " + d->to;
    }
    // The row's texts and lists are taken, not copied: the store sets every part afresh.
    r.heading.swap(e.heading);
    r.vulnerability.swap(e.vulnerability);
    r.controls.swap(e.controls);
    r.triggers.swap(e.triggers);
    r.consequences.swap(e.consequences);
    r.notes.swap(e.notes);
    r.priorities.swap(e.priorities);
    r.actions.swap(e.actions);
    r.feeds_to.resize(e.feeds.size());
    for (size_t i = 0; i < e.feeds.size(); ++i) r.feeds_to[i].assign(e.feeds[i].to);
    r.feeds.swap(e.feeds);
    r.flags.clear();
    r.flag_severities.clear();
    if (!set.rules.empty() && !s.closed) {  // a closed risk carries no flag
      rules::RiskFacts f = rules::facts_of(v, m, now);
      for (const auto& up : e.upstream) {
        ++f.upstream;
        if (up)
          if (auto c = m.cell(*up); c && m.above_appetite(*c)) ++f.upstream_above;
      }
      for (const auto& rule : set.rules)
        if (rule.condition.matches(f)) {
          r.flags.push_back(rule.name);
          r.flag_severities.push_back(rule.severity);
        }
    }
    on_risk(r);
    for (const auto& a : e.history) on_assessment(a);
  });
}

void walk(Store& store, const Matrix& m, const std::optional<std::string>& as_of,
          const std::function<void(const RiskRow&)>& on_risk,
          const std::function<void(const AssessmentRow&)>& on_assessment) {
  walk(store, m, as_of, SystemClock().now(), on_risk, on_assessment);
}

}  // namespace riskreg::exporting
