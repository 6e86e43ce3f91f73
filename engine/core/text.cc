#include "core/text.h"

#include <cstdio>

#include "core/error.h"

#include <algorithm>
#include <cctype>

namespace riskreg {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                          std::tolower(static_cast<unsigned char>(b[j - 1]))
                                      ? 0
                                      : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_d = 0;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  // Plausible typo: at most a third of the word changed (and at least one edit allowed).
  size_t limit = std::max<size_t>(1, (word.size() + 2) / 3);
  if (best && best_d <= limit && best_d > 0) return best;
  return std::nullopt;
}

std::string did_you_mean_suffix(std::string_view word, const std::vector<std::string>& candidates) {
  auto m = did_you_mean(word, candidates);
  return m ? "; did you mean '" + *m + "'?" : "";
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::string join_choices(const std::vector<std::string>& items, std::string_view last_sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += (i + 1 == items.size()) ? std::string(last_sep) : std::string(", ");
    out += items[i];
  }
  return out;
}

std::string to_upper(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}

std::string to_lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::string_view trim_view(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string trim(std::string_view s) { return std::string(trim_view(s)); }

std::string line_of(std::string_view text, int line) {
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string l(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  if (!l.empty() && l.back() == '\r') l.pop_back();
  return l;
}

bool valid_utf8(std::string_view s) {
  // Well-formed UTF-8 as RFC 3629 (and Unicode's Table 3-7) defines it: no overlong forms
  // (C0, C1; E0 80-9F; F0 80-8F), no UTF-16 surrogates (ED A0-BF), nothing past U+10FFFF
  // (F4 90-BF; F5-FF), no stray continuation bytes, no truncated sequences.
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto in = [&](size_t k, unsigned char lo, unsigned char hi) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = byte(i);
    if (c == 0) return false;
    if (c < 0x80) {
      i += 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      if (!in(i + 1, 0x80, 0xBF)) return false;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
      if (!in(i + 1, lo, hi) || !in(i + 2, 0x80, 0xBF)) return false;
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
      if (!in(i + 1, lo, hi) || !in(i + 2, 0x80, 0xBF) || !in(i + 3, 0x80, 0xBF)) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

std::optional<size_t> find_control(std::string_view s, TextLines lines) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      if (lines == TextLines::Multi && (c == '\t' || c == '\n' || c == '\r')) continue;
      return i;
    }
    // C1 controls are U+0080-U+009F: C2 80 to C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
        static_cast<unsigned char>(s[i + 1]) >= 0x80)
      return i;
  }
  return std::nullopt;
}

void require_text(const std::string& what, std::string_view value, TextLines lines) {
  if (!valid_utf8(value)) throw Error(ErrorKind::InvalidInput, what + " is not valid UTF-8 text");
  auto at = find_control(value, lines);
  if (!at) return;
  size_t character = 1;
  for (size_t i = 0; i < *at; ++i) character += (static_cast<unsigned char>(value[i]) & 0xC0) != 0x80;
  throw Error(ErrorKind::InvalidInput,
              what + " holds a control character (" + describe_control(value, *at) + ") at character " +
                  std::to_string(character) +
                  (lines == TextLines::Single ? "; it is one line of text: no tabs, line breaks or other controls"
                                              : "; only tabs and line breaks are allowed"));
}

std::string describe_control(std::string_view s, size_t at) {
  unsigned char c = static_cast<unsigned char>(s[at]);
  char buf[8];
  if (c == '\n') return "\\n";
  if (c == '\r') return "\\r";
  if (c == '\t') return "\\t";
  if (c == 0xC2 && at + 1 < s.size()) {
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(s[at + 1]));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

std::string escape_controls(std::string_view s, bool keep_tabs) {
  if (!find_control(s, keep_tabs ? TextLines::Multi : TextLines::Single)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size(); ++i) {
    auto rest = s.substr(i);
    auto at = find_control(rest.substr(0, std::min<size_t>(2, rest.size())), TextLines::Single);
    if (at && *at == 0 && !(keep_tabs && s[i] == '\t')) {
      out += describe_control(s, i);
      if (static_cast<unsigned char>(s[i]) == 0xC2) ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace riskreg
