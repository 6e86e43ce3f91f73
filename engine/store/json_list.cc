#include "store/json_list.h"

#include <nlohmann/json.hpp>

namespace riskreg {

bool append_plain_json_string(std::string& out, std::string_view text) {
  for (char c : text)
    if (c < 0x20 || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f) return false;
  out += '"';
  out.append(text);
  out += '"';
  return true;
}

std::string to_json(const std::vector<std::string>& list) {
  std::string out = "[";
  for (const auto& item : list) {
    if (out.size() > 1) out += ',';
    if (!append_plain_json_string(out, item)) return nlohmann::json(list).dump();
  }
  out += ']';
  return out;
}

std::vector<std::string> from_json(std::string_view column) {
  if (column.empty()) return {};
  return nlohmann::json::parse(column).get<std::vector<std::string>>();
}

}  // namespace riskreg
