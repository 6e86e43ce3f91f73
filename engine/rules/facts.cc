#include "rules/facts.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "audit/events.h"
#include "core/error.h"
#include "domain/action_status.h"
#include "domain/response.h"

namespace riskreg::rules {

std::string type_name(Type t) {
  switch (t) {
    case Type::Bool:
      return "true/false";
    case Type::Number:
      return "a number";
    case Type::String:
      return "a string";
    case Type::Likelihood:
      return "a likelihood level";
    case Type::Impact:
      return "an impact level";
    case Type::Cell:
      return "a cell";
    case Type::Band:
      return "a band";
    case Type::Direction:
      return "a direction";
    case Type::None:
      return "none";
  }
  return "?";
}

const std::vector<FieldInfo>& fields() {
  static const std::vector<FieldInfo> all = {
      {Field::Id, "id", Type::String, false, false},
      {Field::Title, "title", Type::String, false, false},
      {Field::Owner, "owner", Type::String, true, false},
      {Field::HasOwner, "has_owner", Type::Bool, false, false},
      {Field::Likelihood, "likelihood", Type::Likelihood, true, false},
      {Field::Impact, "impact", Type::Impact, true, false},
      {Field::Cell, "cell", Type::Cell, true, false},
      {Field::Band, "band", Type::Band, true, false},
      {Field::Score, "score", Type::Number, true, true},
      {Field::AboveAppetite, "above_appetite", Type::Bool, false, false},
      {Field::HasTarget, "has_target", Type::Bool, false, false},
      {Field::TargetLikelihood, "target_likelihood", Type::Likelihood, true, false},
      {Field::TargetImpact, "target_impact", Type::Impact, true, false},
      {Field::TargetCell, "target_cell", Type::Cell, true, false},
      {Field::TargetBand, "target_band", Type::Band, true, false},
      {Field::TargetScore, "target_score", Type::Number, true, true},
      {Field::TargetDistance, "target_distance", Type::Number, true, false},
      {Field::DaysSinceAssessment, "days_since_assessment", Type::Number, true, false},
      {Field::HasPrevious, "has_previous", Type::Bool, false, false},
      {Field::PreviousLikelihood, "previous_likelihood", Type::Likelihood, true, false},
      {Field::PreviousImpact, "previous_impact", Type::Impact, true, false},
      {Field::PreviousCell, "previous_cell", Type::Cell, true, false},
      {Field::PreviousBand, "previous_band", Type::Band, true, false},
      {Field::PreviousScore, "previous_score", Type::Number, true, true},
      {Field::Direction, "direction", Type::Direction, false, false},
      {Field::Worsened, "worsened", Type::Bool, false, false},
      {Field::Priorities, "priorities", Type::Number, false, false},
      {Field::Actions, "actions", Type::Number, false, false},
      {Field::Mitigations, "mitigations", Type::Number, false, false},
      {Field::Upstream, "upstream", Type::Number, false, false},
      {Field::UpstreamAbove, "upstream_above", Type::Number, false, false},
      {Field::Closed, "closed", Type::Bool, false, false},
      {Field::NextReview, "next_review", Type::String, true, false},
      {Field::DaysToReview, "days_to_review", Type::Number, true, false},
      {Field::DaysSinceReview, "days_since_review", Type::Number, true, false},
      {Field::OpenActions, "open_actions", Type::Number, false, false},
      {Field::OverdueActions, "overdue_actions", Type::Number, false, false},
      {Field::Response, "response", Type::String, true, false},
      {Field::AcceptedBy, "accepted_by", Type::String, true, false},
      {Field::AcceptedUntil, "accepted_until", Type::String, true, false},
      {Field::DaysToAcceptanceExpiry, "days_to_acceptance_expiry", Type::Number, true, false},
  };
  return all;
}

const FieldInfo* find_field(std::string_view name) {
  for (const auto& f : fields())
    if (name == f.name) return &f;
  return nullptr;
}

std::vector<std::string> field_names() {
  std::vector<std::string> out;
  for (const auto& f : fields()) out.emplace_back(f.name);
  return out;
}

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::None:
      return "none";
    case Direction::Better:
      return "better";
    case Direction::Same:
      return "same";
    case Direction::Worse:
      return "worse";
  }
  return "none";
}

namespace {

/// Severity key of a cell: band first, then the numeric score (if any), then the sum of
/// the two ranks. Comparing keys gives "worse", "better" or "same" on any matrix.
struct SeverityKey {
  int band;
  double score;
  int steps;
  auto operator<=>(const SeverityKey&) const = default;
};

SeverityKey key_of(const Matrix& m, Cell c) {
  return {m.band(c).rank, m.score(c).value_or(0), c.likelihood + c.impact};
}

/// The cells of a risk's scores, as view_of reads them, without copying its state.
struct Cells {
  std::optional<Cell> current, previous, target;
};

/// The assessment times: a run of risks assessed at the same time (every initial
/// assessment of a register has one) parses it once.
class TimestampCache {
 public:
  std::optional<Timestamp> parse(const std::string& text) {
    if (text != last_text_) {
      last_text_ = text;
      last_ = parse_timestamp(text);
    }
    return last_;
  }

  /// `now` as YYYY-MM-DD.
  const std::string& today(Timestamp now) {
    if (!today_ || today_->first != now) today_.emplace(now, format_date(now));
    return today_->second;
  }

 private:
  std::string last_text_ = "\x01";  // never a timestamp, so the first call parses
  std::optional<Timestamp> last_;
  std::optional<std::pair<Timestamp, std::string>> today_;
};

void fill_facts(RiskFacts& f, const RiskBrief& s, const Cells& v, bool above, const Matrix& m, Timestamp now,
                TimestampCache& times) {
  f.id = s.id;
  f.title = s.title;
  f.owner = s.owner;
  f.priorities = s.priorities;
  f.actions = s.actions;
  f.open_actions = s.open_actions;
  f.overdue_actions = s.open_action_dues.empty() ? 0 : count_before(s.open_action_dues, times.today(now));
  f.above_appetite = above;
  f.closed = s.closed;
  f.next_review.reset();
  f.days_to_review.reset();
  f.days_since_review.reset();
  // Whole calendar days (UTC) from today to a date: 0 on the day itself, -1 the day after.
  auto days_from_now = [&](const std::string& date) -> std::optional<double> {
    auto t = parse_timestamp(date);
    if (!t) return std::nullopt;
    return std::floor(static_cast<double>((*t - std::chrono::floor<std::chrono::days>(now)).count()) / 86400.0);
  };
  if (!s.next_review.empty()) {
    f.next_review = s.next_review;
    f.days_to_review = days_from_now(s.next_review);
  }
  f.response = 0;
  f.accepted_by.clear();
  f.accepted_until.clear();
  f.days_to_acceptance_expiry.reset();
  if (!s.response.empty())
    if (auto r = parse_response(s.response)) {
      const auto& kinds = response_kinds();
      f.response = static_cast<uint8_t>(1 + (std::find(kinds.begin(), kinds.end(), r->decision) - kinds.begin()));
      if (r->decision == "tolerate") {
        f.accepted_by = r->approver;
        f.accepted_until = r->until;
        f.days_to_acceptance_expiry = days_from_now(r->until);
      }
    }
  if (!s.last_review.empty())
    if (auto t = parse_timestamp(s.last_review))
      f.days_since_review =
          std::floor(static_cast<double>((std::chrono::floor<std::chrono::days>(now) - *t).count()) / 86400.0);
  if (v.current) {
    f.likelihood = v.current->likelihood;
    f.impact = v.current->impact;
    f.cell = m.index(*v.current);
    f.band = m.band(*v.current).rank;
    f.score = m.score(*v.current);
    if (auto at = times.parse(s.assessed_at)) {
      auto secs = (now - *at).count();
      f.days_since_assessment = std::floor(static_cast<double>(secs) / 86400.0);
    }
  }
  if (v.target) {
    f.target_likelihood = v.target->likelihood;
    f.target_impact = v.target->impact;
    f.target_cell = m.index(*v.target);
    f.target_band = m.band(*v.target).rank;
    f.target_score = m.score(*v.target);
    if (v.current)
      f.target_distance = (v.current->likelihood - v.target->likelihood) + (v.current->impact - v.target->impact);
  }
  if (v.previous) {
    f.previous_likelihood = v.previous->likelihood;
    f.previous_impact = v.previous->impact;
    f.previous_cell = m.index(*v.previous);
    f.previous_band = m.band(*v.previous).rank;
    f.previous_score = m.score(*v.previous);
    if (v.current) {
      auto now_key = key_of(m, *v.current), before = key_of(m, *v.previous);
      f.direction = now_key > before ? Direction::Worse : now_key < before ? Direction::Better : Direction::Same;
    }
  }
}

}  // namespace

RiskFacts facts_of(const RiskView& v, const Matrix& m, Timestamp now) {
  RiskFacts f;
  TimestampCache times;
  const RiskState& s = v.state;
  RiskBrief b{s.id,
              s.title,
              s.owner,
              s.target,
              s.current ? std::optional(s.current->score) : std::nullopt,
              s.previous ? std::optional(s.previous->score) : std::nullopt,
              s.current ? s.current->at : "",
              s.priorities,
              s.actions,
              s.open_actions,
              s.open_action_dues,
              s.closed,
              s.next_review,
              s.last_review,
              s.response};
  fill_facts(f, b, {v.current, v.previous, v.target}, v.above_appetite, m, now, times);
  return f;
}

namespace {

/// Room for n risks' facts. A million-risk register's facts are about 250 MiB: on the
/// kernel's huge pages (where it offers them on request) touching them takes 2 MiB page
/// faults instead of 4 KiB ones, a tenth of the whole load's time on a virtual machine.
void make_room(std::vector<RiskFacts>& out, size_t n) {
  out.reserve(n);
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t page = 4096;
  auto begin = (reinterpret_cast<uintptr_t>(out.data()) + page - 1) & ~(page - 1);
  auto end = reinterpret_cast<uintptr_t>(out.data() + n) & ~(page - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice: failure is harmless
#endif
  out.resize(n);
}

}  // namespace

std::vector<RiskFacts> load_facts(Store& store, const Matrix& m, Timestamp now) {
  std::vector<RiskFacts> out;
  std::vector<TimestampCache> times;  // one per worker: the scan may call from two threads
  size_t seen = 0;
  bool serial = true;
  store.scan_register(
      [&](size_t risks, unsigned workers) {
        times.resize(workers);
        serial = workers == 1;
        make_room(out, risks);
      },
      [&](unsigned worker, size_t pos, const RiskBrief& s) {
        if (serial) {  // the count was a hint: the register may have grown since
          if (pos >= out.size()) out.resize(pos + 1);
          seen = pos + 1;
        }
        // The cells as view_of reads them, with its error for a code not on the matrix.
        Cells c;
        for (auto [codes, cell] :
             {std::pair{&s.current, &c.current}, {&s.previous, &c.previous}, {&s.target, &c.target}}) {
          if (!*codes) continue;
          *cell = m.cell(**codes);
          if (!*cell)
            throw Error(ErrorKind::Schema, s.id + ": stored score " + (*codes)->likelihood + "/" + (*codes)->impact +
                                               " is not on the register's matrix '" + m.name + "'");
        }
        fill_facts(out[pos], s, c, c.current && m.above_appetite(*c.current), m, now, times[worker]);
      },
      [&](size_t from, size_t to) {
        RiskFacts& target = out[to];
        ++target.upstream;
        if (out[from].above_appetite) ++target.upstream_above;
      });
  if (serial) out.resize(seen);
  return out;
}

RiskFacts load_risk_facts(Store& store, const Matrix& m, const std::string& id, Timestamp now) {
  auto s = store.risk_state(id);
  if (!s) throw Error(ErrorKind::NotFound, events::unknown_risk(id));
  RiskFacts f = facts_of(view_of(*s, m), m, now);
  for (const auto& score : store.feeder_scores(id)) {
    ++f.upstream;
    if (!score) continue;
    auto cell = m.cell(*score);
    if (!cell)
      throw Error(ErrorKind::Schema, "a risk feeding " + id + ": stored score " + score->likelihood + "/" +
                                         score->impact + " is not on the register's matrix '" + m.name + "'");
    if (m.above_appetite(*cell)) ++f.upstream_above;
  }
  return f;
}

}  // namespace riskreg::rules
