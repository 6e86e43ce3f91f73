#pragma once
/// Naming a risk from the command line: its id in any of the forms a person types. The view
/// of a risk against the matrix is rules/risk_view.h.
#include <string>

#include "rules/risk_view.h"
#include "store/store.h"

namespace riskreg {

/// "R5", "r5", "5" and "R05" all name risk R5 (domain/risk_id.h). Throws Error(NotFound)
/// with a "did you mean".
std::string resolve_risk_id(Store& store, const std::string& text);
/// The same, with the state it read of the risk (one read when the text is its id).
RiskState resolve_risk(Store& store, const std::string& text);

}  // namespace riskreg
