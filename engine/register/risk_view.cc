#include "register/risk_view.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "core/text.h"
#include "domain/risk_id.h"

namespace riskreg {

namespace {
std::optional<Cell> cell_or_throw(const Matrix& m, const std::optional<ScoreCodes>& c, const std::string& id) {
  if (!c) return std::nullopt;
  auto cell = m.cell(*c);
  if (!cell)
    throw Error(ErrorKind::Schema, id + ": stored score " + c->likelihood + "/" + c->impact +
                                       " is not on the register's matrix '" + m.name + "'");
  return cell;
}
}  // namespace

RiskView view_of(const RiskState& s, const Matrix& m) {
  RiskView v;
  v.state = s;
  v.current = cell_or_throw(m, s.current ? std::optional(s.current->score) : std::nullopt, s.id);
  v.previous = cell_or_throw(m, s.previous ? std::optional(s.previous->score) : std::nullopt, s.id);
  v.target = cell_or_throw(m, s.target, s.id);
  if (v.current) {
    v.band = &m.band(*v.current);
    v.above_appetite = m.above_appetite(*v.current);
  }
  return v;
}

std::string resolve_risk_id(Store& store, const std::string& text) { return resolve_risk(store, text).id; }

RiskState resolve_risk(Store& store, const std::string& text) {
  std::string t = trim(text);
  // The canonical spelling first (domain/risk_id.h, as import writes ids), then an id of
  // another form as typed and in capitals.
  std::vector<std::string> tries{canonical_risk_id(t)};
  if (!is_numbered_risk_id(tries[0])) tries.push_back(to_upper(t));
  for (const auto& id : tries)
    if (auto s = store.risk_state(id)) return std::move(*s);
  auto ids = store.risk_ids();
  std::string msg = "unknown risk '" + text + "'";
  auto m = did_you_mean(to_upper(t), ids);
  if (!m && !t.empty() && std::isdigit(static_cast<unsigned char>(t[0]))) m = did_you_mean("R" + t, ids);
  if (m)
    msg += "; did you mean '" + *m + "'?";
  else if (ids.size() <= 20)
    msg += " (risks: " + join(ids, ", ") + ")";
  throw Error(ErrorKind::NotFound, msg);
}

Cell parse_score(const Matrix& m, const std::string& text) {
  auto c = m.parse(text);
  if (c) return *c;
  std::string lk = join(m.likelihood.codes(), "/");
  std::string im = join(m.impact.codes(), "/");
  throw Error(ErrorKind::InvalidInput, "'" + text + "' is not a score on the matrix '" + m.name +
                                           "': likelihood is one of " + lk + " and impact one of " + im + " (e.g. " +
                                           m.all_scores()[m.all_scores().size() / 2] + ")" +
                                           did_you_mean_suffix(text, m.all_scores()));
}

}  // namespace riskreg
