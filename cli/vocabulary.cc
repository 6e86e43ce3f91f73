#include "vocabulary.h"

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

bool same_owner(std::string_view a, std::string_view b) { return to_lower(trim(a)) == to_lower(trim(b)); }

}  // namespace riskreg::cli
