#include "io/csv.h"

namespace riskreg {

std::string csv_field(std::string_view value) {
  std::string v(value);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v.insert(v.begin(), '\'');
  bool quote = v.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out << ',';
    out << csv_field(fields[i]);
  }
  out << "\r\n";
}

namespace {

/// csv_field's rules, written straight to `out`.
void put_field(std::ostream& out, std::string_view v) {
  bool neutralise =
      !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    if (neutralise) out.put('\'');
    out.write(v.data(), static_cast<std::streamsize>(v.size()));
    return;
  }
  out.put('"');
  if (neutralise) out.put('\'');
  size_t start = 0;
  for (size_t q; (q = v.find('"', start)) != std::string_view::npos; start = q + 1) {
    out.write(v.data() + start, static_cast<std::streamsize>(q + 1 - start));
    out.put('"');
  }
  out.write(v.data() + start, static_cast<std::streamsize>(v.size() - start));
  out.put('"');
}

}  // namespace

void write_csv_record(std::ostream& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (auto f : fields) {
    if (!first) out.put(',');
    first = false;
    put_field(out, f);
  }
  out.write("\r\n", 2);
}

}  // namespace riskreg
