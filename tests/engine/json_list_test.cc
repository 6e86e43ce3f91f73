// engine/records/json_list: the list column's encoding, and its fast path against the JSON library.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "records/json_list.h"

using namespace riskreg;

TEST_CASE("to_json writes what the JSON library writes, plain text or not, and reads back", "[json_list]") {
  const std::vector<std::vector<std::string>> lists = {
      {},
      {""},
      {"Funding", "Staff capacity"},
      {"a \"quoted\" word", "back\\slash"},
      {"line\nbreak", "tab\there", std::string("nul\0byte", 8), "\x1f"},
      {"caf\xc3\xa9", "\xe2\x82\xac 5", "del\x7f"},
      {"=SUM(A1)", "plain", "+1"}};
  for (const auto& l : lists) {
    INFO(nlohmann::json(l).dump());
    CHECK(to_json(l) == nlohmann::json(l).dump());
    CHECK(from_json(to_json(l)) == l);
  }
  CHECK_THROWS(to_json({"bad \xff utf-8"}));  // refused as the library refuses it
}

TEST_CASE("append_plain_json_string takes only text it can write as it stands", "[json_list]") {
  std::string out = "x";
  CHECK(append_plain_json_string(out, "R5 capacity"));
  CHECK(out == "x\"R5 capacity\"");
  for (std::string_view t : {"a\"b", "a\\b", "a\nb", "\xc3\xa9", "\x7f"}) {
    INFO(t);
    CHECK_FALSE(append_plain_json_string(out, t));
  }
  CHECK(out == "x\"R5 capacity\"");
}

TEST_CASE("an import digest line is the JSON library's, plain text or not", "[json_list][audit]") {
  // Two digests of the same rows, one through the fast path: equal digests, equal lines.
  AssessmentRow plain{42, "R5", {"C", "3"}, "alice", "2026-11-23T09:00:00Z", "import risks.csv"};
  AssessmentRow escaped{43,
                        "R\"6",
                        {"C", "3"},
                        "b\xc3\xb6"
                        "b",
                        "2026-11-23T09:00:00Z",
                        "line\nbreak"};
  OwnerChange owner{7, "R5", "Head of Service", "alice", "2026-11-23T09:00:00Z", "import"};
  auto digest_of = [](auto&&... rows) {
    RowDigest d;
    (d.add(rows), ...);
    return d.hex();
  };
  auto by_library = [](const std::vector<std::string>& lines) {
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    return sha256_hex(all);
  };
  CHECK(digest_of(plain, escaped) ==
        by_library(
            {nlohmann::json::array({42, "R5", "C", "3", "alice", "2026-11-23T09:00:00Z", "import risks.csv"}).dump(),
             nlohmann::json::array({43, "R\"6", "C", "3",
                                    "b\xc3\xb6"
                                    "b",
                                    "2026-11-23T09:00:00Z", "line\nbreak"})
                 .dump()}));
  CHECK(digest_of(owner) ==
        by_library(
            {nlohmann::json::array({7, "R5", "Head of Service", "alice", "2026-11-23T09:00:00Z", "import"}).dump()}));
}
