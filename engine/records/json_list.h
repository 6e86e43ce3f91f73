#pragma once
/// Lists of text (triggers, controls, notes, PIs …) are stored as JSON arrays in a TEXT
/// column on both backends; these are the one encoding and decoding of that column.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

struct Risk;

/// `["a","b"]`; `[]` for an empty list.
std::string to_json(const std::vector<std::string>& list);
/// The same into `out`, reusing its buffer.
void to_json(const std::vector<std::string>& list, std::string& out);

/// Appends `"text"` as nlohmann::json's dump writes it, when that is the text between quotes
/// as it stands (printable ASCII, no quote or backslash) and returns true; else appends
/// nothing and returns false, for the caller to leave the escaping to the JSON library. The
/// fast path of the large writes (an import's lists and digests), byte for byte the same.
bool append_plain_json_string(std::string& out, std::string_view text);
/// A risk's list columns as stored: triggers, consequences, controls, notes.
using ListsJson = std::array<std::string, 4>;
/// Encodes `r`'s four lists into `lists`, reusing its buffers.
void encode_lists(const Risk& r, ListsJson& lists);

struct ChangeDriverRow;
/// A priority's Change Drivers rows as stored: `[{"seed_line":280,"issues":[...],"response":"..."}]`.
std::string change_drivers_json(const std::vector<ChangeDriverRow>& rows);
/// The rows a column holds; an empty column is none. Throws nlohmann::json's exception on
/// anything else (the stores report a damaged register).
std::vector<ChangeDriverRow> change_drivers_from_json(std::string_view column);

/// The list a column holds; an empty column (or NULL, read as empty) is an empty list.
std::vector<std::string> from_json(std::string_view column);

}  // namespace riskreg
