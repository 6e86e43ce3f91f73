// engine/core/text: UTF-8 validation (what the data loader and `score --reason` accept).
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/text.h"

using riskreg::valid_utf8;

TEST_CASE("valid_utf8 accepts well-formed text at every sequence length and boundary", "[text]") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("plain ASCII \x7F"));
  CHECK(valid_utf8("caf\xC3\xA9"));       // U+00E9
  CHECK(valid_utf8("\xC2\x80"));          // U+0080, the smallest 2-byte form
  CHECK(valid_utf8("\xDF\xBF"));          // U+07FF
  CHECK(valid_utf8("\xE0\xA0\x80"));      // U+0800, the smallest 3-byte form
  CHECK(valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  CHECK(valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
  CHECK(valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
  CHECK(valid_utf8("\xF0\x90\x80\x80"));  // U+10000, the smallest 4-byte form
  CHECK(valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  CHECK(valid_utf8("\xEF\xBB\xBFrisk"));  // a byte-order mark is text
}

TEST_CASE("valid_utf8 rejects overlong encodings", "[text]") {
  CHECK_FALSE(valid_utf8("\xC0\xAF"));             // '/' in two bytes
  CHECK_FALSE(valid_utf8("\xC1\xBF"));             // U+007F in two bytes
  CHECK_FALSE(valid_utf8("\xC0\x80"));             // "modified UTF-8" NUL
  CHECK_FALSE(valid_utf8("\xE0\x80\xAF"));         // '/' in three bytes
  CHECK_FALSE(valid_utf8("\xE0\x9F\xBF"));         // U+07FF in three bytes
  CHECK_FALSE(valid_utf8("\xF0\x80\x80\xAF"));     // '/' in four bytes
  CHECK_FALSE(valid_utf8("\xF0\x8F\xBF\xBF"));     // U+FFFF in four bytes
  CHECK_FALSE(valid_utf8("ok \xC0\xAF then ok"));  // in the middle of text
}

TEST_CASE("valid_utf8 rejects UTF-16 surrogates and code points past U+10FFFF", "[text]") {
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));              // U+D800
  CHECK_FALSE(valid_utf8("\xED\xBF\xBF"));              // U+DFFF
  CHECK_FALSE(valid_utf8("\xED\xA0\xBD\xED\xB2\xA9"));  // a CESU-8 surrogate pair
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));          // U+110000
  CHECK_FALSE(valid_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(valid_utf8("\xF7\xBF\xBF\xBF"));          // U+1FFFFF
  CHECK_FALSE(valid_utf8("\xF8\x88\x80\x80\x80"));      // 5-byte form
  CHECK_FALSE(valid_utf8("\xFC\x84\x80\x80\x80\x80"));  // 6-byte form
  CHECK_FALSE(valid_utf8("\xFE"));
  CHECK_FALSE(valid_utf8("\xFF"));
}

TEST_CASE("valid_utf8 rejects truncated sequences, stray continuation bytes and NUL", "[text]") {
  CHECK_FALSE(valid_utf8("\xC3"));
  CHECK_FALSE(valid_utf8("\xE2\x82"));
  CHECK_FALSE(valid_utf8("\xF0\x9F\x98"));
  CHECK_FALSE(valid_utf8("\xC3x"));
  CHECK_FALSE(valid_utf8("\x80"));
  CHECK_FALSE(valid_utf8("a\xBF"));
  CHECK_FALSE(valid_utf8("caf\xE9"));  // Latin-1
  CHECK_FALSE(valid_utf8(std::string("a\0b", 3)));
}

TEST_CASE("find_control: C0, DEL and C1 controls, tabs and line breaks only in multi-line text", "[text]") {
  using riskreg::find_control;
  using riskreg::TextLines;
  CHECK_FALSE(find_control("Ann O'Brien – café", TextLines::Single));
  CHECK(find_control("Ann\tLee", TextLines::Single) == 3u);
  CHECK_FALSE(find_control("line one\r\nline\ttwo\n", TextLines::Multi));
  CHECK(find_control("Ann\x1b[2J", TextLines::Multi) == 3u);
  CHECK(find_control("a\x7f", TextLines::Multi) == 1u);
  CHECK(find_control("a\xc2\x9b"
                     "31m",
                     TextLines::Multi) == 1u);  // U+009B, the C1 CSI
  CHECK_FALSE(
      find_control("a\xc2\xa0"
                   "b",
                   TextLines::Single));  // U+00A0 is not a control
  CHECK(find_control(std::string("a\0b", 3), TextLines::Multi) == 1u);
}

TEST_CASE("escape_controls shows every control as an escape, and nothing else changes", "[text]") {
  using riskreg::escape_controls;
  CHECK(escape_controls("plain – text") == "plain – text");
  CHECK(escape_controls("a\x1b]0;t\x07"
                        "b") == "a\\x1b]0;t\\x07b");
  CHECK(escape_controls("one\r\ntwo") == "one\\r\\ntwo");
  CHECK(escape_controls("a\xc2\x9b"
                        "b") == "a\\u009bb");
  CHECK(escape_controls("a\tb") == "a\\tb");
  CHECK(escape_controls("a\tb", true) == "a\tb");
}

TEST_CASE("require_text names the control and its character position", "[text]") {
  try {
    riskreg::require_text("R5: the owner's name", "Zoë\nX", riskreg::TextLines::Single);
    FAIL("accepted a line break in a one-line field");
  } catch (const riskreg::Error& e) {
    CHECK(e.kind() == riskreg::ErrorKind::InvalidInput);
    CHECK(std::string(e.what()) ==
          "R5: the owner's name holds a control character (\\n) at character 4; it is one line of text: no tabs, line "
          "breaks or other controls");
  }
  CHECK_NOTHROW(riskreg::require_text("reason", "two\nlines\tok", riskreg::TextLines::Multi));
}
