#include "register/rescore.h"

#include "core/error.h"
#include "core/text.h"
#include "register/risk_view.h"

namespace riskreg {

RescoreResult rescore(Store& store, const Matrix& m, const Clock& clock, const RescoreRequest& req) {
  std::string id = resolve_risk_id(store, req.risk);
  Cell to = parse_score(m, req.score);
  if (trim(req.reason).empty())
    throw Error(ErrorKind::InvalidInput, id + ": a re-score needs a reason (--reason TEXT), and it cannot be blank");
  // The history and its audit entry hold text only (the entry is canonical JSON).
  require_text(id + ": the reason", req.reason, TextLines::Multi);
  require_text(id + ": the name given with --as", req.by, TextLines::Single);
  std::optional<ScoreCodes> expect;
  if (req.expect) expect = m.codes(parse_score(m, *req.expect));

  auto before = view_of(*store.risk_state(id), m);
  NewAssessment a{id, m.codes(to), req.by, clock.now(), trim(req.reason), expect};
  RescoreResult r;
  r.assessment = store.append_assessment(a);
  r.risk_id = id;
  r.title = before.state.title;
  // The guard ran inside the write transaction; re-read what the score was just before
  // ours, which another owner may have changed since `before` was read.
  auto after = view_of(*store.risk_state(id), m);
  r.from = after.previous;
  r.to = to;
  r.was_above = r.from && m.above_appetite(*r.from);
  r.now_above = m.above_appetite(to);
  r.crossed = r.was_above == r.now_above ? "none" : r.now_above ? "up" : "down";
  r.band_change = m.band(to).rank - (r.from ? m.band(*r.from).rank : m.band(to).rank);
  return r;
}

}  // namespace riskreg
