// The Store's default implementations: correct on any store from its other reads, one
// risk at a time. Stores override them with fewer queries (store/sqlite_export.cc).
#include "store/store.h"

namespace riskreg {

std::string Store::audit_head(const std::optional<std::string>& as_of) {
  std::string head;
  for (const auto& e : audit_log())
    if (!as_of || e.at <= *as_of) head = e.hash;
  return head;
}

void Store::for_each_export(const std::optional<std::string>& as_of, bool upstream,
                            const std::function<void(const ExportRisk&)>& on_risk,
                            const std::function<void(const AssessmentRow&)>& on_assessment) {
  // A risk's score as of the export's time: its latest assessment made by then.
  auto score_then = [&](const std::string& id) -> std::optional<ScoreCodes> {
    if (!as_of) {
      auto s = risk_state(id);
      return s && s->current ? std::optional(s->current->score) : std::nullopt;
    }
    std::optional<ScoreCodes> last;
    for (const auto& a : history(id))
      if (a.at <= *as_of) last = a.score;
    return last;
  };
  auto visit = [&](const RiskState& s) {
    ExportRisk r;
    r.state = s;
    if (auto full = risk(s.id)) {
      r.heading = full->heading;
      r.vulnerability = full->vulnerability;
      r.triggers = full->triggers;
      r.consequences = full->consequences;
      r.controls = full->controls;
      r.notes = full->notes;
    }
    auto l = links(s.id);
    for (const auto& p : l.priorities) {
      r.priorities.push_back(p.id);
      for (const auto& a : p.actions) r.actions.push_back(a.id);
    }
    for (const auto& f : l.feeds_out) r.feeds_to.push_back(f.to);
    if (upstream)
      for (const auto& f : l.feeds_in) {
        auto sc = score_then(f.from);
        if (as_of && !sc) continue;
        r.upstream.push_back(sc);
      }
    on_risk(r);
    for (const auto& a : history(s.id))
      if (!as_of || a.at <= *as_of) on_assessment(a);
  };
  if (as_of)
    for_each_risk_as_of(*as_of, visit);
  else
    for_each_risk(visit);
}

}  // namespace riskreg
