// The Store's default implementations: correct on any store from its other reads, one
// risk at a time. Stores override them with fewer queries (store/sqlite_export.cc).
#include "store/store.h"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "audit/events.h"

namespace riskreg {

std::string Store::audit_head(const std::optional<std::string>& as_of) {
  std::string head;
  for (const auto& e : audit_log())
    if (!as_of || e.at <= *as_of) head = e.hash;
  return head;
}

void Store::for_each_owner_change(const std::function<void(const OwnerChange&)>& visit) {
  std::vector<OwnerChange> all;
  for (const auto& id : risk_ids())
    for (auto& o : owner_history(id)) all.push_back(std::move(o));
  std::sort(all.begin(), all.end(), [](const OwnerChange& a, const OwnerChange& b) { return a.id < b.id; });
  for (const auto& o : all) visit(o);
}

std::optional<AuditEntry> Store::audit_last() {
  auto log = audit_log();
  if (log.empty()) return std::nullopt;
  return std::move(log.back());
}

void Store::for_each_export(const std::optional<std::string>& as_of, bool upstream,
                            const std::function<void(ExportRisk&)>& on_risk) {
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
    for (const auto& f : l.feeds_out)
      if (!as_of || score_then(f.to)) r.feeds.push_back({f.from, f.to, f.basis, "", f.transition_probability, ""});
    if (upstream)
      for (const auto& f : l.feeds_in) {
        auto sc = score_then(f.from);
        if (as_of && !sc) continue;
        r.upstream.push_back(sc);
      }
    for (auto& a : history(s.id))
      if (!as_of || a.at <= *as_of) r.history.push_back(std::move(a));
    on_risk(r);
  };
  if (as_of)
    for_each_risk_as_of(*as_of, visit);
  else
    for_each_risk(visit);
}

std::vector<std::optional<ScoreCodes>> Store::feeder_scores(const std::string& risk_id) {
  std::vector<std::optional<ScoreCodes>> out;
  for (const auto& feed : links(risk_id).feeds_in)
    if (auto up = risk_state(feed.from)) out.push_back(up->current ? std::optional(up->current->score) : std::nullopt);
  return out;
}

std::unordered_map<std::string, std::pair<Risk, RiskState>> Store::existing_risks(const std::vector<std::string>& ids) {
  std::unordered_map<std::string, std::pair<Risk, RiskState>> out;
  for (const auto& id : ids)
    if (auto r = risk(id))
      if (auto s = risk_state(id)) out.emplace(id, std::pair(std::move(*r), std::move(*s)));
  return out;
}

Neighbourhood Store::downstream(const std::string& risk_id, int depth) {
  RegisterData all = load();
  if (!all.find_risk(risk_id)) throw Error(ErrorKind::NotFound, events::unknown_risk(risk_id));
  std::unordered_map<std::string, std::vector<const Feed*>> out;
  for (const auto& f : all.feeds) out[f.from].push_back(&f);
  // Breadth first: a risk's distance is the fewest links from `risk_id`.
  std::unordered_set<std::string> reached{risk_id};
  std::deque<std::pair<std::string, int>> queue{{risk_id, 0}};
  while (!queue.empty()) {
    auto [id, d] = queue.front();
    queue.pop_front();
    if (d >= depth) continue;
    for (const Feed* f : out[id])
      if (reached.insert(f->to).second) queue.emplace_back(f->to, d + 1);
  }
  Neighbourhood n;
  RegisterData& part = n.part;
  for (auto& r : all.risks)
    if (reached.count(r.id)) {
      if (auto s = risk_state(r.id); s && s->closed) n.closed.insert(r.id);
      part.risks.push_back(std::move(r));
    }
  for (auto& f : all.feeds)
    if (reached.count(f.from) && reached.count(f.to)) part.feeds.push_back(std::move(f));
  for (auto& p : all.priorities) {
    bool mitigates = false;
    for (const auto& r : p.risks) mitigates |= reached.count(r) > 0;
    if (mitigates) part.priorities.push_back(std::move(p));
  }
  return n;
}

}  // namespace riskreg
