// engine/io/csv_reader: RFC 4180 records, positions, and the exact errors.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "io/csv.h"
#include "io/csv_reader.h"

using namespace riskreg;

namespace {
std::vector<CsvRecord> read_all(std::string_view text) {
  CsvReader r(text, "f.csv");
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (r.next(rec)) out.push_back(rec);
  return out;
}

std::string error_of(std::string_view text) {
  try {
    read_all(text);
  } catch (const FileError& e) {
    return std::string(e.what()) + "\n" + e.detail();
  }
  return "no error";
}
}  // namespace

TEST_CASE("csv reader: quotes, doubled quotes, CRLF and line breaks inside fields", "[import][csv]") {
  auto recs = read_all("id,text\r\nR1,\"a, \"\"b\"\"\r\nsecond line\"\r\n\r\nR2,plain\nR3,\n");
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].fields == std::vector<std::string>{"id", "text"});
  CHECK(recs[1].fields == std::vector<std::string>{"R1", "a, \"b\"\r\nsecond line"});
  CHECK(recs[1].line == 2);
  CHECK(recs[1].columns == std::vector<int>{1, 4});
  // The blank line 4 is skipped; line numbers still count it.
  CHECK(recs[2].line == 5);
  CHECK(recs[2].fields == std::vector<std::string>{"R2", "plain"});
  CHECK(recs[3].fields == std::vector<std::string>{"R3", ""});
}

TEST_CASE("csv reader: a byte-order mark is skipped, columns count characters", "[import][csv]") {
  auto recs = read_all("\xEF\xBB\xBFid,title\nR1,\xC3\xA9t\xC3\xA9,x\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].fields[0] == "id");
  CHECK(recs[0].columns == std::vector<int>{1, 4});
  CHECK(recs[1].columns == std::vector<int>{1, 4, 8});
}

TEST_CASE("csv reader: the last record needs no line end", "[import][csv]") {
  auto recs = read_all("a,b\n1,\"2\"");
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].fields == std::vector<std::string>{"1", "2"});
}

TEST_CASE("csv reader errors name file, line and column", "[import][csv]") {
  CHECK(error_of("id,title\nR1,\"never closed\nR2,x\n") ==
        "f.csv:2:4: the quoted field opened here is never closed\n  R1,\"never closed\n     ^");
  CHECK(error_of("id,title\nR1,\"quoted\"tail\n") ==
        "f.csv:2:12: expected ',' or the end of the line after the closing quote; a quote inside a field is written "
        "\"\"\n  R1,\"quoted\"tail\n             ^");
  CHECK(error_of("id,title\nR1,say \"hi\"\n") ==
        "f.csv:2:8: a quote inside an unquoted field; quote the whole field and write the quote as \"\"\n"
        "  R1,say \"hi\"\n         ^");
  CHECK(error_of("id,title\nR1,caf\xE9\n") == "f.csv:2:7: byte 0xE9 is not UTF-8; save the file as UTF-8 CSV\n");
  CHECK(error_of(std::string_view("id\nR\0", 5)) == "f.csv:2:2: a NUL byte; the file is not text\n");
}

TEST_CASE("csv_unneutralise undoes what csv_field adds against formula injection", "[import][csv]") {
  for (std::string v : {"=SUM(A1)", "+1", "-2", "@cmd", "\tx", "plain", "'quoted", ""}) {
    std::string field = csv_field(v);
    auto recs = read_all("h\r\n" + field + "\r\n");
    if (v.empty()) {
      CHECK(recs.size() == 1);  // an empty single-field line is a blank line
      continue;
    }
    REQUIRE(recs.size() == 2);
    CHECK(csv_unneutralise(recs[1].fields[0]) == v);
  }
  CHECK(csv_field("=1").front() == '\'');
}
