#pragma once
/// Small text helpers shared by the loaders and commands.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskreg {

/// Edit distance (Levenshtein), for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b);

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// `"; did you mean 'x'?"` or "" — appended to error messages.
std::string did_you_mean_suffix(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b or c" (for "valid choices" in messages).
std::string join_choices(const std::vector<std::string>& items, std::string_view last_sep = " or ");

std::string join(const std::vector<std::string>& items, std::string_view sep);
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
std::string trim(std::string_view s);
/// `s` without its leading and trailing white space, as a view into it.
std::string_view trim_view(std::string_view s);

/// The n-th line (1-based) of a text, without its newline; "" past the end.
std::string line_of(std::string_view text, int line);

/// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF) with no NUL bytes.
bool valid_utf8(std::string_view s);

}  // namespace riskreg
