#include "alert/address.h"

#include <cstdio>

#include "core/error.h"

namespace riskreg::alert {

namespace {
bool atext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char k : std::string_view("!#$%&'*+/=?^_`{|}~-"))
    if (c == static_cast<unsigned char>(k)) return true;
  return false;
}
bool label_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}
}  // namespace

bool valid_address(std::string_view s) {
  if (s.size() > 254) return false;
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 == s.size()) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  // Dot-atom: atext runs separated by single dots.
  if (local.front() == '.' || local.back() == '.') return false;
  for (size_t i = 0; i < local.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(local[i]);
    if (c == '.') {
      if (local[i + 1] == '.') return false;
    } else if (!atext(c)) {
      return false;
    }
  }
  // Labels of 1-63 letters, digits and hyphens, not starting or ending with a hyphen.
  size_t start = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i < domain.size() && domain[i] != '.') {
      if (!label_char(static_cast<unsigned char>(domain[i]))) return false;
      continue;
    }
    std::string_view label = domain.substr(start, i - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    start = i + 1;
  }
  return true;
}

int first_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return c;
  return -1;
}

std::string escape_controls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void require_no_controls(std::string_view what, std::string_view value) {
  int c = first_control(value);
  if (c < 0) return;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02X", c);
  throw Error(ErrorKind::InvalidInput, std::string(what) + " contains the control character U+00" + buf + " ('" +
                                           escape_controls(value) + "'): refused, nothing sent");
}

}  // namespace riskreg::alert
