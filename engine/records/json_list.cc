#include "records/json_list.h"

#include <nlohmann/json.hpp>

#include "domain/register.h"

namespace riskreg {

bool append_plain_json_string(std::string& out, std::string_view text) {
  for (char c : text)
    if (c < 0x20 || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f) return false;
  out += '"';
  out.append(text);
  out += '"';
  return true;
}

void to_json(const std::vector<std::string>& list, std::string& out) {
  out.assign("[");
  for (const auto& item : list) {
    if (out.size() > 1) out += ',';
    if (!append_plain_json_string(out, item)) {
      out = nlohmann::json(list).dump();
      return;
    }
  }
  out += ']';
}

std::string to_json(const std::vector<std::string>& list) {
  std::string out;
  to_json(list, out);
  return out;
}

void encode_lists(const Risk& r, ListsJson& lists) {
  to_json(r.triggers, lists[0]);
  to_json(r.consequences, lists[1]);
  to_json(r.controls, lists[2]);
  to_json(r.notes, lists[3]);
}

std::string change_drivers_json(const std::vector<ChangeDriverRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) a.push_back({{"seed_line", r.seed_line}, {"issues", r.issues}, {"response", r.response}});
  return a.dump();
}

std::vector<ChangeDriverRow> change_drivers_from_json(std::string_view column) {
  std::vector<ChangeDriverRow> out;
  if (column.empty()) return out;
  for (const auto& j : nlohmann::json::parse(column)) {
    ChangeDriverRow r;
    r.seed_line = j.at("seed_line").get<int>();
    r.issues = j.at("issues").get<std::vector<std::string>>();
    r.response = j.at("response").get<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> from_json(std::string_view column) {
  if (column.empty()) return {};
  return nlohmann::json::parse(column).get<std::vector<std::string>>();
}

}  // namespace riskreg
