#include "render.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "domain/matrix.h"

namespace riskreg::cli {

namespace {
const char* nonempty_env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

struct Rgb {
  int r = 128, g = 128, b = 128;
};

Rgb rgb_of(const std::string& hex) {
  Rgb c;
  unsigned r = 128, g = 128, b = 128;
  if (hex.size() == 7 && hex[0] == '#' && std::sscanf(hex.c_str() + 1, "%02x%02x%02x", &r, &g, &b) == 3)
    c = {static_cast<int>(r), static_cast<int>(g), static_cast<int>(b)};
  return c;
}

int dist2(const Rgb& a, const Rgb& b) {
  return (a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b);
}

/// The xterm 256-colour index nearest to `c` (the 6x6x6 cube or the grey ramp).
int nearest_256(const Rgb& c) {
  auto level = [](int v) { return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40; };
  static constexpr int kSteps[6] = {0, 95, 135, 175, 215, 255};
  int r = level(c.r), g = level(c.g), b = level(c.b);
  Rgb cube{kSteps[r], kSteps[g], kSteps[b]};
  int grey = std::min(23, std::max(0, ((c.r + c.g + c.b) / 3 - 3) / 10));
  int gv = 8 + grey * 10;
  Rgb ramp{gv, gv, gv};
  return dist2(c, ramp) < dist2(c, cube) ? 232 + grey : 16 + 36 * r + 6 * g + b;
}

/// The index (0-15) of the nearest basic ANSI colour (xterm's default palette).
int nearest_16(const Rgb& c) {
  static constexpr std::array<Rgb, 16> kBasic = {{{0, 0, 0},
                                                  {205, 0, 0},
                                                  {0, 205, 0},
                                                  {205, 205, 0},
                                                  {0, 0, 238},
                                                  {205, 0, 205},
                                                  {0, 205, 205},
                                                  {229, 229, 229},
                                                  {127, 127, 127},
                                                  {255, 0, 0},
                                                  {0, 255, 0},
                                                  {255, 255, 0},
                                                  {92, 92, 255},
                                                  {255, 0, 255},
                                                  {0, 255, 255},
                                                  {255, 255, 255}}};
  int best = 0;
  for (int i = 1; i < 16; ++i)
    if (dist2(c, kBasic[i]) < dist2(c, kBasic[best])) best = i;
  return best;
}
}  // namespace

size_t text_width(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0x1b && i + 1 < s.size() && s[i + 1] == '[') {  // an SGR sequence: no width
      size_t j = i + 2;
      while (j < s.size() && s[j] != 'm') ++j;
      i = j;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++w;
  }
  return w;
}

std::string clip(const std::string& s, size_t width) {
  if (text_width(s) <= width) return s;
  if (width == 0) return "";
  std::string out;
  size_t w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (w + 1 >= width) break;
      ++w;
    }
    out += s[i];
  }
  return out + "…";
}

std::string pad(const std::string& s, size_t width) {
  size_t w = text_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string wrap(const std::string& text, size_t width, size_t indent, size_t first_indent, Spaces spaces) {
  if (width <= indent + 10) width = indent + 10;  // never wrap into a sliver
  std::string out, word;
  size_t col = first_indent;
  size_t gap = 0;  // blanks since the last word on this line
  bool line_empty = true;
  auto new_line = [&] {
    out += "\n" + std::string(indent, ' ');
    col = indent;
    line_empty = true;
  };
  auto put_word = [&] {
    if (word.empty()) return;
    if (col >= width && col > indent) new_line();  // the first line is already full
    size_t w = text_width(word);
    size_t sep = spaces == Spaces::Keep ? std::max<size_t>(gap, 1) : 1;
    if (!line_empty && col + sep + w > width) new_line();
    if (!line_empty) {
      out += std::string(sep, ' ');
      col += sep;
    }
    // A word longer than a whole line is cut into line-sized pieces.
    while (col + w > width && w > width - indent) {
      std::string piece;
      size_t pw = 0, i = 0;
      for (; i < word.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(word[i]);
        if ((c & 0xC0) != 0x80 && pw == width - col) break;
        if ((c & 0xC0) != 0x80) ++pw;
        piece += word[i];
      }
      out += piece + "\n" + std::string(indent, ' ');
      word = word.substr(i);
      w = text_width(word);
      col = indent;
    }
    out += word;
    col += w;
    line_empty = false;
    gap = 0;
    word.clear();
  };
  for (char ch : text) {
    if (ch == ' ' || ch == '\t') {
      put_word();
      ++gap;
    } else if (ch == '\n') {
      put_word();
      new_line();
      gap = 0;
    } else {
      word += ch;
    }
  }
  put_word();
  return out;
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = text_width(header[i]);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], text_width(r[i]));
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t i = 0; i < r.size(); ++i) {
      s += r[i];
      if (i + 1 < r.size()) s += std::string(width[i] - text_width(r[i]) + 2, ' ');
    }
    out << s << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

namespace {
/// A cell's text wrapped to `width`: its leading blanks kept, continuation lines indented four
/// more (at most half the width, so that a deep cell still has room).
std::vector<std::string> wrapped_cell(const std::string& text, size_t width) {
  if (text_width(text) <= width) return {text};
  size_t lead = text.find_first_not_of(' ');
  if (lead == std::string::npos) return {text};
  size_t indent = std::min(lead + 4, width / 2);
  std::string w = std::string(lead, ' ') + wrap(text.substr(lead), width, indent, lead, Spaces::Keep);
  std::vector<std::string> lines;
  for (size_t start = 0;;) {
    size_t nl = w.find('\n', start);
    lines.push_back(w.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::string trim_right(std::string s) {
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}
}  // namespace

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows, const TableFit& fit) {
  const size_t n = header.size();
  std::vector<size_t> width(n);
  for (size_t i = 0; i < n; ++i) width[i] = text_width(header[i]);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < n; ++i) width[i] = std::max(width[i], text_width(r[i]));
  auto span = [&](const std::vector<size_t>& cols) {
    size_t total = 0;
    for (size_t c : cols) total += width[c];
    return total + 2 * (cols.size() - 1);
  };
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  if (n == 0 || span(all) <= fit.width) return print_table(out, header, rows);

  const std::optional<size_t> wc = fit.wrap_column && *fit.wrap_column < n ? fit.wrap_column : std::nullopt;
  if (wc) {
    size_t over = span(all) - fit.width;
    size_t& w = width[*wc];
    w -= std::min(over, w > fit.min_wrap ? w - fit.min_wrap : 0);
  }
  // Consecutive columns in groups that fit, each group after the first led by column 0.
  std::vector<std::vector<size_t>> groups{{0}};
  for (size_t i = 1; i < n; ++i) {
    auto& g = groups.back();
    g.push_back(i);
    if (span(g) > fit.width && g.size() > 2) {
      g.pop_back();
      groups.push_back({0, i});
    }
  }
  auto print_row = [&](const std::vector<size_t>& cols, const std::vector<std::string>& r) {
    std::vector<std::vector<std::string>> cells;
    size_t lines = 1;
    for (size_t c : cols) {
      const std::string text = c < r.size() ? r[c] : "";
      cells.push_back(wc && c == *wc ? wrapped_cell(text, width[c]) : std::vector<std::string>{text});
      lines = std::max(lines, cells.back().size());
    }
    for (size_t k = 0; k < lines; ++k) {
      std::string s;
      for (size_t j = 0; j < cols.size(); ++j) {
        const std::string text = k < cells[j].size() ? cells[j][k] : "";
        s += text;
        size_t w = text_width(text);
        if (j + 1 < cols.size()) s += std::string((width[cols[j]] > w ? width[cols[j]] - w : 0) + 2, ' ');
      }
      out << (k == 0 ? s : trim_right(s)) << "\n";
    }
  };
  for (size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) out << "\n";
    print_row(groups[g], header);
    for (const auto& r : rows) print_row(groups[g], r);
  }
}

ColourDepth colour_depth_from_env(bool stdout_is_terminal) {
  if (!stdout_is_terminal || nonempty_env("NO_COLOR")) return ColourDepth::None;
  const char* term = nonempty_env("TERM");
  if (!term || std::strcmp(term, "dumb") == 0) return ColourDepth::None;
  if (const char* ct = nonempty_env("COLORTERM");
      ct && (std::strcmp(ct, "truecolor") == 0 || std::strcmp(ct, "24bit") == 0))
    return ColourDepth::TrueColour;
  if (std::strstr(term, "256color")) return ColourDepth::Ansi256;
  return ColourDepth::Basic16;
}

size_t terminal_width_from_env(bool stdout_is_terminal, int fd) {
  struct winsize ws {};
  if (stdout_is_terminal && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = nonempty_env("COLUMNS")) {
    char* end = nullptr;
    long n = std::strtol(c, &end, 10);
    if (end && *end == '\0' && n >= 20 && n <= 1000) return static_cast<size_t>(n);
  }
  return 80;
}

std::string colour_code(const std::string& hex, ColourDepth depth, bool background) {
  if (depth == ColourDepth::None) return "";
  Rgb c = rgb_of(hex);
  std::string code;
  switch (depth) {
    case ColourDepth::TrueColour:
      code = std::string(background ? "48;2;" : "38;2;") + std::to_string(c.r) + ";" + std::to_string(c.g) + ";" +
             std::to_string(c.b);
      break;
    case ColourDepth::Ansi256:
      code = std::string(background ? "48;5;" : "38;5;") + std::to_string(nearest_256(c));
      break;
    default: {
      int i = nearest_16(c);
      code = std::to_string((background ? 40 : 30) + (i % 8) + (i >= 8 ? 60 : 0));
    }
  }
  if (background) code += ";30";  // black text on the band's colour
  return "\x1b[" + code + "m";
}

std::string alarm_code(ColourDepth depth) { return depth == ColourDepth::None ? "" : "\x1b[1;31m"; }

std::string paint(const std::string& text, const std::string& hex, ColourDepth depth, bool background) {
  if (depth == ColourDepth::None) return text;
  return colour_code(hex, depth, background) + text + kAnsiReset;
}

std::string alarm(const std::string& text, ColourDepth depth) {
  if (depth == ColourDepth::None) return text;
  return alarm_code(depth) + text + kAnsiReset;
}

std::string band_text(const Band& b, ColourDepth depth) { return paint(b.name, b.colour, depth); }

std::string band_legend(const Matrix& m, ColourDepth depth) {
  std::string s = "Bands:";
  for (auto it = m.bands.rbegin(); it != m.bands.rend(); ++it) s += " " + band_text(*it, depth);
  return s;
}

}  // namespace riskreg::cli
