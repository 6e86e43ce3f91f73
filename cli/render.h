#pragma once
/// Terminal rendering shared by commands: aligned tables and band colours.
#include <ostream>
#include <string>
#include <vector>

namespace riskreg::cli {

/// Prints rows as left-aligned columns separated by two spaces (widths by characters).
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

/// Width of a UTF-8 string in characters.
size_t text_width(const std::string& s);
/// Cuts to `width` characters, ending with "…" when cut.
std::string clip(const std::string& s, size_t width);

/// An ANSI 24-bit background for a "#rrggbb" colour, and the reset.
std::string ansi_background(const std::string& hex);
inline const char* kAnsiReset = "\x1b[0m";

}  // namespace riskreg::cli
