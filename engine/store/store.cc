#include "store/store.h"

#include <deque>
#include <unordered_map>
#include <unordered_set>

namespace riskreg {

void Store::scan_register(const std::function<void(const RiskBrief&)>& risk,
                          const std::function<void(size_t from, size_t to)>& feed) {
  std::unordered_map<std::string, size_t> position;
  RiskBrief b;
  for_each_risk([&](const RiskState& s) {
    b.id = s.id;
    b.title = s.title;
    b.owner = s.owner;
    b.target = s.target;
    b.current = s.current ? std::optional(s.current->score) : std::nullopt;
    b.previous = s.previous ? std::optional(s.previous->score) : std::nullopt;
    b.assessed_at = s.current ? s.current->at : std::string();
    b.priorities = s.priorities;
    b.actions = s.actions;
    position.emplace(s.id, position.size());
    risk(b);
  });
  for_each_feed([&](const Feed& f) {
    auto from = position.find(f.from), to = position.find(f.to);
    if (from != position.end() && to != position.end()) feed(from->second, to->second);
  });
}

std::vector<std::optional<ScoreCodes>> Store::feeder_scores(const std::string& risk_id) {
  std::vector<std::optional<ScoreCodes>> out;
  for (const auto& feed : links(risk_id).feeds_in)
    if (auto up = risk_state(feed.from)) out.push_back(up->current ? std::optional(up->current->score) : std::nullopt);
  return out;
}

RegisterData Store::downstream(const std::string& risk_id, int depth) {
  RegisterData all = load();
  if (!all.find_risk(risk_id)) throw Error(ErrorKind::NotFound, "unknown risk '" + risk_id + "'");
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
  RegisterData part;
  for (auto& r : all.risks)
    if (reached.count(r.id)) part.risks.push_back(std::move(r));
  for (auto& f : all.feeds)
    if (reached.count(f.from) && reached.count(f.to)) part.feeds.push_back(std::move(f));
  for (auto& p : all.priorities) {
    bool mitigates = false;
    for (const auto& r : p.risks) mitigates |= reached.count(r) > 0;
    if (mitigates) part.priorities.push_back(std::move(p));
  }
  return part;
}

}  // namespace riskreg
