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

std::string wrap(const std::string& text, size_t width, size_t indent, size_t first_indent) {
  if (width <= indent + 10) width = indent + 10;  // never wrap into a sliver
  std::string out, word;
  size_t col = first_indent;
  bool line_empty = true;
  auto put_word = [&] {
    if (word.empty()) return;
    if (col >= width && col > indent) {  // the first line is already full
      out += "\n" + std::string(indent, ' ');
      col = indent;
      line_empty = true;
    }
    size_t w = text_width(word);
    if (!line_empty && col + 1 + w > width) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++col;
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
    word.clear();
  };
  for (char ch : text) {
    if (ch == ' ' || ch == '\t') {
      put_word();
    } else if (ch == '\n') {
      put_word();
      out += "\n" + std::string(indent, ' ');
      col = indent;
      line_empty = true;
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
