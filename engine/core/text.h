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

/// Whether a text field may hold line breaks and tabs: a reason may span lines, a name or a
/// title may not.
enum class TextLines { Single, Multi };

/// The byte offset of the first control character `s` may not hold, or nullopt: C0 controls
/// (U+0000-U+001F), DEL and C1 controls (U+0080-U+009F), except tab, CR and LF in a
/// TextLines::Multi field. Controls in a name reach terminals, logs and mail headers raw.
std::optional<size_t> find_control(std::string_view s, TextLines lines);

/// Throws Error(InvalidInput) when `value` is not valid UTF-8 or holds a control character a
/// `lines` field may not hold: "WHAT holds a control character (\x1b) at character 4; ...".
void require_text(const std::string& what, std::string_view value, TextLines lines);

/// How a control character is shown in a message: `\n`, `\t`, `\r`, else `\xNN` (C1 controls
/// as `\u0085`).
std::string describe_control(std::string_view s, size_t at);

/// `s` with every control character (as find_control, line breaks included) written as an
/// escape (`\n`, `\x1b`, `\u009b`), for one-line messages on a terminal or in a log.
/// `keep_tabs` leaves tabs (a caret line under a tabbed source line).
std::string escape_controls(std::string_view s, bool keep_tabs = false);

}  // namespace riskreg
