#include "store/json_list.h"

#include <nlohmann/json.hpp>

namespace riskreg {

std::string to_json(const std::vector<std::string>& list) { return nlohmann::json(list).dump(); }

std::vector<std::string> from_json(std::string_view column) {
  if (column.empty()) return {};
  return nlohmann::json::parse(column).get<std::vector<std::string>>();
}

}  // namespace riskreg
