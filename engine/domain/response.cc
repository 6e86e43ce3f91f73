#include "domain/response.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace riskreg {

const std::vector<std::string>& response_kinds() {
  static const std::vector<std::string> k = {"treat", "tolerate", "transfer", "terminate"};
  return k;
}

std::optional<Response> parse_response(const std::string& stored) {
  if (stored.empty()) return std::nullopt;
  auto j = nlohmann::json::parse(stored, nullptr, false);
  if (!j.is_object() || !j.contains("decision") || !j["decision"].is_string()) return std::nullopt;
  Response r;
  r.decision = j["decision"].get<std::string>();
  const auto& kinds = response_kinds();
  if (std::find(kinds.begin(), kinds.end(), r.decision) == kinds.end()) return std::nullopt;
  auto text = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
  r.approver = text("approver");
  r.until = text("until");
  r.score = text("score");
  r.to = text("to");
  return r;
}

std::string response_value(const Response& r) {
  nlohmann::json j{{"decision", r.decision}};
  if (!r.approver.empty()) j["approver"] = r.approver;
  if (!r.until.empty()) j["until"] = r.until;
  if (!r.score.empty()) j["score"] = r.score;
  if (!r.to.empty()) j["to"] = r.to;
  return j.dump();
}

}  // namespace riskreg
