#pragma once
/// The HTML export's "Where mitigation pays most" section (issue 23): the register's five
/// single mitigations that reduce its total expected impact most (graph/rank_register.h).
#include <optional>
#include <ostream>
#include <string>

#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg::exporting {

inline constexpr size_t kMitigationRows = 5;

/// Writes the whole <section>. For an as-of export it says the ranking is of the current
/// register only and shows none.
void write_mitigation_section(std::ostream& out, Store& store, const Matrix& m,
                              const std::optional<std::string>& as_of);

}  // namespace riskreg::exporting
