#pragma once
/// One spelling per risk id. `R5`, `r5`, `5`, `R05` and ` r005 ` all name risk R5: the
/// canonical form is `R` followed by the number without leading zeros. Every place that takes
/// an id from a person (the CLI's arguments, an import file, a future `add`) goes through here,
/// so two spellings can never become two risks.
#include <string>
#include <string_view>

namespace riskreg {

/// The canonical form of `text` (trimmed): `R<number>` for an optional `R`/`r` followed by
/// digits; any other id (the synthetic registers' or a spreadsheet's own) as it is written.
/// Returns a view into `text` when it is already canonical, else into `buffer`.
std::string_view canonical_risk_id(std::string_view text, std::string& buffer);

/// The same, as a string.
std::string canonical_risk_id(std::string_view text);

/// True when `id` has the numbered form (`R` and digits after canonicalisation).
bool is_numbered_risk_id(std::string_view id);

}  // namespace riskreg
