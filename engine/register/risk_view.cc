#include "register/risk_view.h"

#include <algorithm>
#include <cctype>

#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "domain/risk_id.h"

namespace riskreg {

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
  std::string msg = events::unknown_risk(text);
  auto m = did_you_mean(to_upper(t), ids);
  if (!m && !t.empty() && std::isdigit(static_cast<unsigned char>(t[0]))) m = did_you_mean("R" + t, ids);
  if (m)
    msg += "; did you mean '" + *m + "'?";
  else if (ids.size() <= 20)
    msg += " (risks: " + join(ids, ", ") + ")";
  throw Error(ErrorKind::NotFound, msg);
}

}  // namespace riskreg
