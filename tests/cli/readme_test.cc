// The README's sample sessions are what riskreg prints: each ```text block that starts with
// "$ riskreg" is run, command by command, on a fresh Darlington register (the tests' clock,
// 2026-11-23T09:00:00Z, and user, tester; 80 columns), and every output compared line for line.
#include <catch2/catch.hpp>

#include <sstream>

#include "support.h"

using namespace riskreg::test;

namespace {

struct Step {
  std::vector<std::string> args;
  size_t head = 0;  ///< `| head -n N`: only the first N lines; 0 for all
  std::string expected;
  int line = 0;  ///< in README.md
};

/// A command line as a POSIX shell splits it: words, "double" and 'single' quotes.
std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ') {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

/// The sample sessions of a Markdown text: each block's steps, in order.
std::vector<std::vector<Step>> sessions_of(const std::string& md) {
  std::vector<std::vector<Step>> out;
  std::istringstream in(md);
  std::string line;
  bool in_block = false;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!in_block) {
      if (line == "```text") {
        in_block = true;
        out.emplace_back();
      }
      continue;
    }
    if (line == "```") {
      in_block = false;
      if (out.back().empty()) out.pop_back();  // a text block that is no session
      continue;
    }
    if (line.rfind("$ riskreg ", 0) == 0) {
      Step s;
      s.line = n;
      std::string cmd = line.substr(10);
      auto pipe = cmd.find(" | head -n ");
      if (pipe != std::string::npos) {
        s.head = std::stoul(cmd.substr(pipe + 11));
        cmd.resize(pipe);
      }
      s.args = split_words(cmd);
      out.back().push_back(std::move(s));
    } else if (!out.back().empty()) {
      out.back().back().expected += line + "\n";
    } else {
      in_block = false;  // a text block that does not start with a command: not a session
      out.pop_back();
    }
  }
  return out;
}

std::string first_lines(const std::string& text, size_t n) {
  if (n == 0) return text;
  size_t at = 0;
  for (size_t i = 0; i < n && at != std::string::npos; ++i) {
    at = text.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  return at == std::string::npos ? text : text.substr(0, at);
}

}  // namespace

TEST_CASE("README: the sample sessions print what riskreg prints", "[cli][readme]") {
  auto sessions = sessions_of(read_file(source_path("README.md")));
  // The tour's re-score and flags, and the decisions walk-through with its alert.
  REQUIRE(sessions.size() >= 2);
  size_t steps = 0;
  for (const auto& session : sessions) {
    TempDir dir;
    auto db = init_darlington(dir);
    for (const auto& step : session) {
      ++steps;
      std::vector<std::string> args = {"--db", db};
      args.insert(args.end(), step.args.begin(), step.args.end());
      auto r = run_riskreg(args);
      INFO("README.md:" << step.line << ": riskreg " << step.args.front() << "\n" << r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(first_lines(r.out, step.head) == step.expected);
    }
  }
  CHECK(steps >= 8);
}

TEST_CASE("README sessions: a block is split into commands, quoted words and head", "[cli][readme]") {
  auto s = sessions_of(
      "x\n```text\n$ riskreg score 2 A1 --reason \"placements failing\"\nR2 out\n  more\n"
      "$ riskreg alert --period 2026-11 | head -n 3\nSummary\n```\n```text\nnot a session\n```\n");
  REQUIRE(s.size() == 1);
  REQUIRE(s[0].size() == 2);
  CHECK(s[0][0].args == std::vector<std::string>{"score", "2", "A1", "--reason", "placements failing"});
  CHECK(s[0][0].expected == "R2 out\n  more\n");
  CHECK(s[0][0].line == 3);
  CHECK(s[0][1].head == 3);
  CHECK(s[0][1].args == std::vector<std::string>{"alert", "--period", "2026-11"});
  CHECK(first_lines("a\nb\nc\nd\n", 2) == "a\nb\n");
  CHECK(first_lines("a\nb\n", 0) == "a\nb\n");
}
