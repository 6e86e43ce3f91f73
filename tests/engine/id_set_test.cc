// engine/core/id_set: the import's "appears twice" check, against a standard map.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <unordered_map>

#include "core/id_set.h"

using riskreg::IdSet;

TEST_CASE("IdSet gives the first line of an id seen before, as a map would, as it grows", "[import][id_set]") {
  IdSet set;
  std::unordered_map<std::string, int> map;
  std::mt19937 rng(7);
  // Ids of every length from 0 to ~40 bytes, many repeated, some differing only past the
  // first bytes, some with NUL bytes: 50,000 insertions grow the table several times.
  std::uniform_int_distribution<int> pick(0, 29999), len(0, 40);
  for (int line = 1; line <= 50000; ++line) {
    const int n = pick(rng);
    std::string id = "R" + std::to_string(n);
    if (n % 7 == 0) id = std::string(static_cast<size_t>(len(rng)) % 3, '\0') + id;
    if (n % 5 == 0) id = std::string(static_cast<size_t>(n % 40), 'x') + id;
    const auto [it, fresh] = map.emplace(id, line);
    const auto first = set.insert(id, line);
    if (fresh) {
      REQUIRE_FALSE(first);
    } else {
      REQUIRE(first);
      REQUIRE(*first == it->second);
    }
  }
  CHECK(set.size() == map.size());
  CHECK(set.size() > 10000);
  CHECK(set.insert("", 1).has_value() == (map.count("") == 1));
}

TEST_CASE("IdSet tells apart ids that share a prefix, and the empty id", "[import][id_set]") {
  IdSet set;
  CHECK_FALSE(set.insert("R1", 2));
  CHECK_FALSE(set.insert("R10", 3));
  CHECK_FALSE(set.insert("R", 4));
  CHECK_FALSE(set.insert("", 5));
  CHECK(set.insert("R10", 9) == std::optional<int>(3));
  CHECK(set.insert("", 10) == std::optional<int>(5));
  CHECK(set.insert("R1", 11) == std::optional<int>(2));
  CHECK(set.size() == 4);
}
