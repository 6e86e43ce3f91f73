#include "rules/risk_view.h"

#include "core/error.h"
#include "core/text.h"

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
