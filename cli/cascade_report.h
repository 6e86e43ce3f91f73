#pragma once
/// Rendering a cascade (engine/graph/cascade.h) as text and JSON: shared by `riskreg
/// cascade` (what-if) and `riskreg score` (after a real re-score).
#include <nlohmann/json.hpp>
#include <ostream>

#include "domain/matrix.h"
#include "graph/cascade.h"

namespace riskreg::cli {

/// The cascade's lines, each prefixed by `indent` and wrapped to `width` columns.
void print_cascade(std::ostream& out, const Matrix& m, const CascadeResult& c, const std::string& indent, size_t width);
nlohmann::json cascade_json(const Matrix& m, const CascadeResult& c);

}  // namespace riskreg::cli
