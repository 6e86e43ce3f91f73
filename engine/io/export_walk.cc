#include "io/export_walk.h"

#include "core/text.h"
#include "register/risk_view.h"

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

void walk(Store& store, const Matrix& m, const std::optional<std::string>& as_of,
          const std::function<void(const RiskRow&)>& on_risk,
          const std::function<void(const AssessmentRow&)>& on_assessment) {
  auto visit = [&](const RiskState& s) {
    auto v = view_of(s, m);
    RiskRow r;
    r.id = s.id;
    r.title = s.title;
    r.owner = s.owner.value_or("");
    r.current = v.current ? m.format(*v.current) : "";
    r.target = v.target ? m.format(*v.target) : "";
    r.band = v.band ? v.band->name : "";
    r.above_appetite = v.above_appetite;
    if (auto full = store.risk(s.id)) {
      r.heading = full->heading;
      r.vulnerability = full->vulnerability;
      r.controls = full->controls;
      r.triggers = full->triggers;
      r.consequences = full->consequences;
      r.notes = full->notes;
    }
    auto links = store.links(s.id);
    for (const auto& p : links.priorities) {
      r.priorities.push_back(p.id);
      for (const auto& a : p.actions) r.actions.push_back(a.id);
    }
    for (const auto& f : links.feeds_out) r.feeds_to.push_back(f.to);
    on_risk(r);
    for (const auto& a : store.history(s.id))
      if (!as_of || a.at <= *as_of) on_assessment(a);
  };
  if (as_of)
    store.for_each_risk_as_of(*as_of, visit);
  else
    store.for_each_risk(visit);
}


}  // namespace riskreg::exporting
