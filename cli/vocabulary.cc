#include "vocabulary.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "core/text.h"

namespace riskreg::cli {

namespace {
/// Lower case, with blanks, '_' and '-' all read as '-': "Very high" = "very-high" = "VERY_HIGH".
std::string key(std::string_view s) {
  std::string k;
  for (char c : trim(s)) k += (c == ' ' || c == '_' || c == '-') ? '-' : c;
  return to_lower(k);
}
}  // namespace

const Band& band_named(const Matrix& m, std::string_view text, std::string_view option) {
  std::string want = key(text);
  for (const auto& b : m.bands)
    if (key(b.name) == want || key(b.label) == want) return b;
  std::vector<std::string> names;
  for (auto it = m.bands.rbegin(); it != m.bands.rend(); ++it) names.push_back(it->name);
  std::string shown = trim(text);
  throw Error(ErrorKind::InvalidInput, std::string(option) + " '" + shown + "' is not a band of this matrix (valid: " +
                                           join(names, ", ") + ")" + did_you_mean_suffix(want, names));
}

std::string owner_named(const std::vector<std::string>& owners, std::string_view text, std::string_view option) {
  for (const auto& o : owners)
    if (same_owner(o, text)) return o;
  std::string shown = trim(text);
  std::string valid;
  if (owners.empty()) {
    valid = "no risk has an owner yet";
  } else {
    std::vector<std::string> first(owners.begin(), owners.begin() + std::min(owners.size(), kOwnersShown));
    valid = "owners: " + join(first, ", ");
    if (owners.size() > first.size()) valid += " and " + std::to_string(owners.size() - first.size()) + " more";
  }
  throw Error(ErrorKind::InvalidInput, std::string(option) + " '" + shown + "' owns no risk of this register (" +
                                           valid + ")" + did_you_mean_suffix(shown, owners));
}

bool same_owner(std::string_view a, std::string_view b) { return to_lower(trim(a)) == to_lower(trim(b)); }

}  // namespace riskreg::cli
