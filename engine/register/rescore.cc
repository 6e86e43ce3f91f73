#include "register/rescore.h"

#include "core/error.h"
#include "core/text.h"
#include "graph/build.h"
#include "graph/closed.h"
#include "register/respond.h"
#include "register/risk_view.h"

namespace riskreg {

namespace {

/// The --expect refusal, saying what the score now is, who set it and when: read after the
/// refused write (which wrote nothing), so it shows the assessment that beat ours.
std::string expect_refusal(Store& st, const Matrix& m, const std::string& id, const std::string& expected,
                           const std::string& fallback) {
  auto hist = st.history(id);
  if (hist.empty()) return fallback;
  const auto& a = hist.back();
  auto now = m.cell(a.score);
  auto want = m.parse(expected);
  std::string now_text = now ? m.format(*now) : a.score.likelihood + a.score.impact;
  // Another owner's re-score may have moved it away and back to the expected score between the
  // refusal and this read: it was still re-scored under our feet, so say so with who did it.
  std::string now_is = want && now && *want == *now ? "it was re-scored meanwhile and is " + now_text + " again"
                                                    : "it is now " + now_text;
  return id + ": the score is no longer the expected one: --expect " + (want ? m.format(*want) : expected) + ", but " +
         now_is + ", set by " + a.by + " at " + a.at + " (\"" + a.reason + "\"); check it with 'riskreg show " + id +
         "' and try again";
}

RescoreResult rescore_with(Store& store, const Matrix& m, const Clock& clock, const RescoreRequest& req,
                           const std::optional<CascadeRule>& rule) {
  RiskState state = resolve_risk(store, req.risk);
  const std::string& id = state.id;
  view_of(state, m);  // its stored scores are on the matrix (Error Schema before any write)
  Cell to = parse_score(m, req.score);
  if (trim(req.reason).empty())
    throw Error(ErrorKind::InvalidInput, id + ": a re-score needs a reason (--reason TEXT), and it cannot be blank");
  // The history and its audit entry hold text only (the entry is canonical JSON).
  require_text(id + ": the reason", req.reason, TextLines::Multi);
  require_text(id + ": the name given with --as", req.by, TextLines::Single);
  std::optional<ScoreCodes> expect;
  if (req.expect) expect = m.codes(parse_score(m, *req.expect));

  // The one write: it checks `expect` under the risk's lock and returns the score it replaced.
  NewAssessment a{id, m.codes(to), req.by, clock.now(), trim(req.reason), expect};
  // An acceptance given at a better score ends with this one (register/respond.h).
  if (auto lapse = lifecycle::acceptance_lapse(m, id, state.response, a.score)) {
    a.lapse_from = state.response;
    a.lapse_reason = lapse->reason;
  }
  AppendedAssessment written;
  try {
    written = store.append_assessment(a);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Conflict || !req.expect) throw;
    throw Error(ErrorKind::Conflict, expect_refusal(store, m, id, *req.expect, e.what()));
  }
  RescoreResult r;
  r.risk_id = id;
  r.title = written.title;
  r.audit_seq = written.audit_seq;
  r.assessment = static_cast<const AssessmentRow&>(written);
  if (written.lapsed) r.lapse = a.lapse_reason;
  // On the matrix: checked before the write, or written by a riskreg of the same rules since.
  if (written.from)
    if (auto from = m.cell(*written.from)) r.from = *from;
  r.to = to;
  r.was_above = r.from && m.above_appetite(*r.from);
  r.now_above = m.above_appetite(to);
  r.crossed = r.was_above == r.now_above ? "none" : r.now_above ? "up" : "down";
  r.band_change = m.band(to).rank - (r.from ? m.band(*r.from).rank : m.band(to).rank);
  if (rule) {
    // Only the risks the cascade can reach are read, so a re-score on a large register stays quick.
    Neighbourhood reach = store.downstream(id, rule->max_depth);
    RegisterNetwork net = build_network(std::move(reach.part));
    mark_closed(net, reach.closed);  // closed risks leave cascades: neither moved nor passed through
    r.cascade = cascade(net, m, *rule, *net.graph.find(NodeKind::Risk, id), r.from, r.to);
  }
  return r;
}

}  // namespace

RescoreResult rescore(Store& store, const Matrix& m, const Clock& clock, const RescoreRequest& req) {
  return rescore_with(store, m, clock, req, std::nullopt);
}

RescoreResult rescore(Store& store, const std::vector<RulesFile>& rules, const Matrix& m, const Clock& clock,
                      const RescoreRequest& req) {
  return rescore_with(store, m, clock, req, cascade_rule_from(rules));
}

}  // namespace riskreg
