// engine/domain/risk_id: one spelling per risk id, shared by the CLI and import.
#include <catch2/catch.hpp>

#include "domain/risk_id.h"

using riskreg::canonical_risk_id;
using riskreg::is_numbered_risk_id;

TEST_CASE("canonical_risk_id: R5, r5, 5, R05 and padded forms are all R5", "[risk-id]") {
  for (const char* s : {"R5", "r5", "5", "R05", "r005", "005", " R5 ", "\tr05"}) {
    INFO(s);
    CHECK(canonical_risk_id(s) == "R5");
  }
  CHECK(canonical_risk_id("R10") == "R10");
  CHECK(canonical_risk_id("100") == "R100");
  CHECK(canonical_risk_id("R0") == "R0");
  CHECK(canonical_risk_id("000") == "R0");
}

TEST_CASE("canonical_risk_id keeps ids of another form as written (trimmed)", "[risk-id]") {
  CHECK(canonical_risk_id("RISK-5") == "RISK-5");
  CHECK(canonical_risk_id("x5") == "x5");
  CHECK(canonical_risk_id(" R5a ") == "R5a");
  CHECK(canonical_risk_id("R") == "R");
  CHECK(canonical_risk_id("") == "");
  CHECK(canonical_risk_id("R-5") == "R-5");
}

TEST_CASE("canonical_risk_id returns the text itself when it is canonical (no copy)", "[risk-id]") {
  std::string buffer = "untouched";
  std::string text = "R123";
  auto v = canonical_risk_id(text, buffer);
  CHECK(v.data() == text.data());
  CHECK(buffer == "untouched");
  auto w = canonical_risk_id("r0123", buffer);
  CHECK(w == "R123");
  CHECK(is_numbered_risk_id("R123"));
  CHECK_FALSE(is_numbered_risk_id("r123"));
  CHECK_FALSE(is_numbered_risk_id("R"));
  CHECK_FALSE(is_numbered_risk_id("RISK-1"));
}
