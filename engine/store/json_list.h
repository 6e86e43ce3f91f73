#pragma once
/// Lists of text (triggers, controls, notes, PIs …) are stored as JSON arrays in a TEXT
/// column on both backends; these are the one encoding and decoding of that column.
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

/// `["a","b"]`; `[]` for an empty list.
std::string to_json(const std::vector<std::string>& list);
/// The list a column holds; an empty column (or NULL, read as empty) is an empty list.
std::vector<std::string> from_json(std::string_view column);

}  // namespace riskreg
