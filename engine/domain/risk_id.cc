#include "domain/risk_id.h"

#include "core/text.h"

namespace riskreg {

namespace {
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
}  // namespace

std::string_view canonical_risk_id(std::string_view text, std::string& buffer) {
  std::string_view t = trim_view(text);
  std::string_view digits = t;
  if (!digits.empty() && (digits[0] == 'R' || digits[0] == 'r')) digits.remove_prefix(1);
  if (!all_digits(digits)) return t;
  // Leading zeros go, but the number keeps one digit ("R0", "R00" -> "R0").
  size_t zeros = 0;
  while (zeros + 1 < digits.size() && digits[zeros] == '0') ++zeros;
  digits.remove_prefix(zeros);
  if (t[0] == 'R' && t.size() == digits.size() + 1) return t;  // already canonical: no copy
  buffer.assign("R");
  buffer.append(digits);
  return buffer;
}

std::string canonical_risk_id(std::string_view text) {
  std::string buffer;
  return std::string(canonical_risk_id(text, buffer));
}

bool is_numbered_risk_id(std::string_view id) { return id.size() >= 2 && id[0] == 'R' && all_digits(id.substr(1)); }

}  // namespace riskreg
