#pragma once
/// Closed risks (`riskreg close`) leave the register's live graph: a cascade neither starts
/// from one nor moves one, `trace` leaves them out, and the network model and its mitigation
/// ranking do not count them. Their history stays (`show`, `log`, the exports).
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "domain/register.h"
#include "graph/build.h"
#include "store/store.h"

namespace riskreg {

/// The ids of every closed risk, in one pass over the register's states.
std::set<std::string> closed_risks(Store& store);

/// Marks the closed risks of `net` (RegisterNetwork::closed_of): those in `closed` (for a
/// cascade, Store::downstream's Neighbourhood::closed).
void mark_closed(RegisterNetwork& net, const std::set<std::string>& closed);

/// Takes the closed risks out of `data`: the risks, every feed link from or to one, and their
/// ids from the priorities' risk lists. Returns the ids taken out, in the register's order.
std::vector<std::string> drop_closed(RegisterData& data, const std::set<std::string>& closed);

/// The refusal for a closed risk named where only open risks take part, one line, exit 4:
/// "R3 is closed: closed risks take no part in <part> (riskreg reopen R3 brings it back)".
Error closed_risk_error(const std::string& id, const std::string& part);

}  // namespace riskreg
