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
        case '"':
          item += '"';
          break;
        case '\\':
          item += '\\';
          break;
        case '/':
          item += '/';
          break;
        case 'b':
          item += '\b';
          break;
        case 'f':
          item += '\f';
          break;
        case 'n':
          item += '\n';
          break;
        case 'r':
          item += '\r';
          break;
        case 't':
          item += '\t';
          break;
        default:
          return false;  // \u: the JSON parser decodes it
      }
    }
    if (i >= t.size()) return false;
    char c = t[i++];
    if (c == ']') return i == t.size();
    if (c != ',') return false;
  }
}

}  // namespace

void assign_text(SQLite::Statement& st, int i, std::string& out) {
  SQLite::Column c = st.getColumn(i);
  const char* text = c.getText("");
  out.assign(text, static_cast<size_t>(c.getBytes()));
}

void assign_opt_text(SQLite::Statement& st, int i, std::optional<std::string>& out) {
  if (st.getColumn(i).isNull())
    out.reset();
  else
    assign_text(st, i, out ? *out : out.emplace());
}

void assign_opt_codes(SQLite::Statement& st, int i, std::optional<ScoreCodes>& out) {
  if (st.getColumn(i).isNull()) {
    out.reset();
    return;
  }
  ScoreCodes& c = out ? *out : out.emplace();
  assign_text(st, i, c.likelihood);
  assign_text(st, i + 1, c.impact);
}

void assign_assessment(SQLite::Statement& st, int first, const std::string& risk_id,
                       std::optional<AssessmentRow>& out) {
  if (st.getColumn(first).isNull()) {
    out.reset();
    return;
  }
  AssessmentRow& a = out ? *out : out.emplace();
  a.id = st.getColumn(first).getInt64();
  a.risk_id = risk_id;
  assign_text(st, first + 1, a.score.likelihood);
  assign_text(st, first + 2, a.score.impact);
  assign_text(st, first + 3, a.by);
  assign_text(st, first + 4, a.at);
  assign_text(st, first + 5, a.reason);
}

void read_state_into(SQLite::Statement& st, RiskState& s) {
  assign_text(st, 0, s.id);
  assign_text(st, 1, s.title);
  assign_opt_text(st, 2, s.owner);
  assign_opt_codes(st, 3, s.target);
  assign_assessment(st, 5, s.id, s.current);
  assign_assessment(st, 11, s.id, s.previous);
}

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
