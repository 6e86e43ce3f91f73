#pragma once
/// Terminal rendering shared by commands: aligned tables, word wrapping to the terminal's
/// width, and colours at the depth the terminal supports.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace riskreg {
struct Band;
class Matrix;
}  // namespace riskreg

namespace riskreg::cli {

/// Prints rows as left-aligned columns separated by two spaces (widths by characters).
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

/// How print_table fits a table to the terminal.
struct TableFit {
  size_t width = 0;  ///< the columns to fit in
  /// The free-text column narrowed first, down to `min_wrap`: its cells wrap at word
  /// boundaries inside it, continuation lines indented four past the cell's own leading
  /// blanks. None: no column wraps.
  std::optional<size_t> wrap_column = {};
  size_t min_wrap = 20;
};

/// print_table fitted to `fit.width`. A table that fits prints exactly as print_table prints
/// it. Else the wrap column is narrowed; a table still too wide is split into tables of
/// consecutive columns printed one below the other (a blank line between), each repeating
/// the first column. No cell is cut.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows, const TableFit& fit);

/// Width of a UTF-8 string in characters (ANSI colour sequences count for nothing).
size_t text_width(const std::string& s);
/// Cuts to `width` characters, ending with "…" when cut.
std::string clip(const std::string& s, size_t width);
/// `s` padded with spaces to `width` characters (never cut).
std::string pad(const std::string& s, size_t width);

/// Whether wrap() keeps the blanks between words as they are (fields separated by two
/// spaces stay so) or writes one space for each run of blanks. A break swallows the run.
enum class Spaces { Collapse, Keep };

/// Breaks `text` at word boundaries into lines of at most `width` characters; the first
/// line starts after `first_indent` characters already printed, the rest with `indent`
/// spaces. A word longer than a line is cut into pieces. Returns the text with "\n" between
/// lines and none at the end.
std::string wrap(const std::string& text, size_t width, size_t indent = 0, size_t first_indent = 0,
                 Spaces spaces = Spaces::Collapse);

/// How many colours the terminal shows. None when stdout is not a terminal, NO_COLOR is
/// set or TERM is "dumb" or unset; 24-bit only when COLORTERM says "truecolor" or "24bit";
/// 256 when TERM names a 256-colour terminal; else the 16 basic colours.
enum class ColourDepth { None, Basic16, Ansi256, TrueColour };

/// The depth from the environment, given whether stdout is a terminal.
ColourDepth colour_depth_from_env(bool stdout_is_terminal);
/// The width to fit output to: the window size of stdout when it is a terminal, else
/// $COLUMNS when set to a number from 20 to 1000 (so a pipe can ask for wider), else 80.
size_t terminal_width_from_env(bool stdout_is_terminal, int fd);

/// Paints text: a foreground (or background, with black text) colour given as "#rrggbb",
/// at `depth` (nearest of the 256 or 16 colours). Nothing is added at ColourDepth::None.
std::string paint(const std::string& text, const std::string& hex, ColourDepth depth, bool background = false);
/// The SGR sequence that starts `hex` as a foreground (or background) colour at `depth`;
/// "" at ColourDepth::None. End it with kAnsiReset.
std::string colour_code(const std::string& hex, ColourDepth depth, bool background = false);
/// The SGR sequence of alarm(); "" at ColourDepth::None.
std::string alarm_code(ColourDepth depth);
/// Bold red, for "ABOVE" and critical severities.
std::string alarm(const std::string& text, ColourDepth depth);
/// A band's name painted in its colour.
std::string band_text(const Band& b, ColourDepth depth);
/// "Bands: very-high high medium low", each in its colour (most severe first).
std::string band_legend(const Matrix& m, ColourDepth depth);

inline const char* kAnsiReset = "\x1b[0m";

}  // namespace riskreg::cli
