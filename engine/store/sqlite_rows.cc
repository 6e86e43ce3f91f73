#include "store/sqlite_rows.h"

namespace riskreg::sqlite_rows {

namespace {

/// Parses `["a","b\n"]` with the simple escapes; false on anything else (\u, numbers,
/// white space between tokens...), for the caller to fall back to the JSON parser.
bool read_plain_list(std::string_view t, std::vector<std::string>& out, size_t& n) {
  n = 0;
  size_t i = 0;
  if (t.size() < 2 || t[i++] != '[') return false;
  if (t[i] == ']') return i + 1 == t.size();
  for (;;) {
    if (i >= t.size() || t[i++] != '"') return false;
    std::string& item = n < out.size() ? out[n] : out.emplace_back();
    ++n;
    item.clear();
    for (;;) {
      size_t run = i;
      while (i < t.size() && t[i] != '"' && t[i] != '\\') ++i;
      item.append(t.data() + run, i - run);
      if (i >= t.size()) return false;
      if (t[i] == '"') {
        ++i;
        break;
      }
      if (++i >= t.size()) return false;
      switch (t[i++]) {
        case '"': item += '"'; break;
        case '\\': item += '\\'; break;
        case '/': item += '/'; break;
        case 'b': item += '\b'; break;
        case 'f': item += '\f'; break;
        case 'n': item += '\n'; break;
        case 'r': item += '\r'; break;
        case 't': item += '\t'; break;
        default: return false;  // \u: the JSON parser decodes it
      }
    }
    if (i >= t.size()) return false;
    char c = t[i++];
    if (c == ']') return i == t.size();
    if (c != ',') return false;
  }
}

}  // namespace

void read_list(std::string_view text, std::vector<std::string>& out) {
  if (text.empty()) {
    out.clear();
    return;
  }
  size_t n = 0;
  if (read_plain_list(text, out, n)) {
    out.resize(n);
    return;
  }
  out = nlohmann::json::parse(text).get<std::vector<std::string>>();
}

}  // namespace riskreg::sqlite_rows
