// Golden tests of the graph commands on the Darlington register.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;

TEST_CASE("trace 5 (golden)", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "trace", "5"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("trace-r5.txt", r.out);
  auto s = run_riskreg({"--db", db, "trace", "R5", "--stated-only"});
  REQUIRE(s.exit_code == 0);
  check_golden("trace-r5-stated.txt", s.out);
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "trace", "5", "--json"}).out);
  CHECK(j["downstream"][0]["id"] == "R1");
  CHECK(j["upstream"].size() == 3);
  auto p = run_riskreg({"--db", db, "trace", "P3.1-A2"});
  REQUIRE(p.exit_code == 0);
  check_golden("trace-p3.1-a2.txt", p.out);
  auto bad = run_riskreg({"--db", db, "trace", "R55"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("did you mean 'R5'") != std::string::npos);
}

TEST_CASE("trace, cascade, rules explain and network fit the terminal's width", "[cli][graph][network][rules]") {
  TempDir dir;
  auto db = init_darlington(dir);
  const std::vector<std::vector<std::string>> commands = {
      {"trace", "5"},
      {"trace", "R5", "--stated-only"},
      {"trace", "P3.1-A2"},
      {"cascade", "5", "B1"},
      {"rules", "explain", "5"},
      {"network", "--threads", "2", "--runs", "2000", "--seed", "1", "--zero", "R2"},
      {"network", "--rank", "--threads", "2"},
      {"network", "--rank", "--pairs", "--top", "5", "--threads", "2", "--runs", "2000", "--seed", "1"}};
  for (const auto& c : commands) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), c.begin(), c.end());
    INFO(args[2] + " " + args[3]);
    // Off a terminal without COLUMNS: 80 columns.
    auto narrow = run_riskreg(args);
    INFO(narrow.err);
    REQUIRE(narrow.exit_code == 0);
    CHECK(widest(narrow.out) <= 80);
    auto wide = run_riskreg(args, {{"COLUMNS", "160"}});
    REQUIRE(wide.exit_code == 0);
    CHECK(widest(wide.out) <= 160);
    // Wider lines where there is room: the width is used, not only a cap.
    if (c[0] == "trace" || c[0] == "rules") CHECK(widest(wide.out) > 80);
    // Wrapping moves words between lines, never loses them (the same words in the same order).
    auto words = [](const std::string& text) {
      std::vector<std::string> w;
      std::istringstream in(text);
      for (std::string word; in >> word;) w.push_back(word);
      return w;
    };
    if (c[0] == "trace" || c[0] == "cascade") CHECK(words(narrow.out) == words(wide.out));
    if (c[0] == "rules") {  // a wrapped cell's continuation comes after its row's value
      auto a = words(narrow.out), b = words(wide.out);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      CHECK(a == b);
    }
  }
  // --json does not depend on the width.
  for (const auto& c : std::vector<std::vector<std::string>>{{"trace", "5"}, {"cascade", "5", "B1"}}) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), c.begin(), c.end());
    args.push_back("--json");
    CHECK(run_riskreg(args).out == run_riskreg(args, {{"COLUMNS", "160"}}).out);
  }
}

TEST_CASE("trace and cascade write a band by its name, not its label", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto t = run_riskreg({"--db", db, "trace", "5"}, {{"COLUMNS", "300"}});
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.rfind("R5  Capacity to deliver MTFP  [C2 high, above appetite]\n", 0) == 0);
  CHECK(t.out.find("[B3 high, above appetite]") != std::string::npos);
  CHECK(t.out.find("High") == std::string::npos);
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "trace", "5", "--json"}).out);
  CHECK(j["band"] == "high");
  auto c = run_riskreg({"--db", db, "cascade", "5", "B1"}, {{"COLUMNS", "300"}});
  REQUIRE(c.exit_code == 0);
  CHECK(c.out.find("C2 -> B1  band very-high  ABOVE appetite") != std::string::npos);
  CHECK(c.out.find("  R1  C3 -> B3  high -> high (0 bands)  already above appetite") != std::string::npos);
  CHECK(c.out.find("Very high") == std::string::npos);
  CHECK(c.out.find("High") == std::string::npos);
  auto dot = run_riskreg({"--db", db, "graph", "--dot", "5", "--risks-only"});
  REQUIRE(dot.exit_code == 0);
  CHECK(dot.out.find("C2 high") != std::string::npos);
  CHECK(dot.out.find("High") == std::string::npos);
}

TEST_CASE("cascade 5 B1 (golden) writes nothing", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "cascade", "5", "B1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("cascade-r5-b1.txt", r.out);
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "cascade", "R5", "B1", "--json"}).out);
  CHECK(j["steps"].size() == 2);
  CHECK(j["steps"][0]["path"] == nlohmann::json({"R5", "R1"}));
  auto show = run_riskreg({"--db", db, "show", "5", "--json"});
  CHECK(nlohmann::json::parse(show.out)["current"] == "C2");
}

TEST_CASE("score prints the cascade of a real re-score", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "score", "2", "A1", "--reason", "placements failing", "--as", "tester"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("cascade-score-r2-a1.txt", r.out);
}

TEST_CASE("graph check (golden) and --dot", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "graph", "check"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("graph-check.txt", r.out);
  auto d = run_riskreg({"--db", db, "graph", "--dot", "5"});
  REQUIRE(d.exit_code == 0);
  CHECK(d.out.rfind("digraph register {", 0) == 0);
  CHECK(d.out.find("\"risk:R5\" -> \"risk:R1\" [label=\"feeds\", penwidth=2]") != std::string::npos);
  CHECK(d.out.find("fillcolor=\"#fdae61\"") != std::string::npos);
  CHECK(d.out.find("\"risk:R6\"") == std::string::npos);  // not in R5's neighbourhood
  auto all = run_riskreg({"--db", db, "graph", "--dot"});
  CHECK(all.out.find("\"risk:R6\"") != std::string::npos);
}

namespace {
size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}
}  // namespace

TEST_CASE("graph --dot --risks-only and --depth N", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto risks = run_riskreg({"--db", db, "graph", "--dot", "--risks-only"});
  INFO(risks.err);
  REQUIRE(risks.exit_code == 0);
  CHECK(count(risks.out, "[shape=box") == 9);  // the nine risks, nothing else
  CHECK(risks.out.find("\"priority:") == std::string::npos);
  CHECK(risks.out.find("\"action:") == std::string::npos);
  CHECK(risks.out.find("\"risk:R5\" -> \"risk:R1\" [label=\"feeds\", penwidth=2]") != std::string::npos);

  // From R5: at depth 1 the risks one feed link away either way (JSON says which they are).
  auto j = nlohmann::json::parse(run_riskreg({"--db", db, "graph", "--json"}).out);
  std::set<std::string> near{"R5"};
  for (const auto& e : j["edges"])
    if (e["kind"] == "feeds") {
      if (e["from"] == "R5") near.insert(e["to"].get<std::string>());
      if (e["to"] == "R5") near.insert(e["from"].get<std::string>());
    }
  REQUIRE(near.size() < 9);  // so that depth 1 leaves some out
  auto d1 = run_riskreg({"--db", db, "graph", "--dot", "5", "--depth", "1", "--risks-only"});
  REQUIRE(d1.exit_code == 0);
  for (int i = 1; i <= 9; ++i) {
    std::string id = "R" + std::to_string(i);
    INFO(id);
    CHECK((d1.out.find("\"risk:" + id + "\" [") != std::string::npos) == (near.count(id) == 1));
  }
  auto d0 = run_riskreg({"--db", db, "graph", "--dot", "5", "--depth", "0", "--risks-only"});
  REQUIRE(d0.exit_code == 0);
  CHECK(count(d0.out, "[shape=box") == 1);
  // Without --risks-only the depth-1 neighbourhood brings its priorities and actions.
  auto full = run_riskreg({"--db", db, "graph", "--dot", "5", "--depth", "1"});
  CHECK(full.out.find("\"priority:") != std::string::npos);

  auto bad = run_riskreg({"--db", db, "graph", "--dot", "--depth", "2"});
  CHECK(bad.exit_code == 2);
  auto neg = run_riskreg({"--db", db, "graph", "--dot", "5", "--depth", "-1"});
  CHECK(neg.exit_code == 2);
}

namespace {
struct PngSize {
  unsigned width = 0, height = 0;
};

/// `dot -Tpng` (Graphviz's own binary, as a user would run it) of the DOT file, with extra
/// options; the PNG's size from its IHDR chunk.
PngSize render_png(const TempDir& dir, const std::string& dot_file, const std::string& options) {
  REQUIRE(std::filesystem::exists("/usr/bin/dot"));  // Debian's graphviz package (scripts/setup.sh)
  auto png = dir.file("graph.png");
  std::filesystem::remove(png);
  REQUIRE(std::system(("/usr/bin/dot -Tpng " + options + " " + dot_file + " -o " + png).c_str()) == 0);
  std::string bytes = read_file(png);
  REQUIRE(bytes.size() > 24);
  REQUIRE(bytes.compare(1, 3, "PNG") == 0);
  REQUIRE(bytes.compare(12, 4, "IHDR") == 0);
  auto be32 = [&](size_t at) {
    unsigned v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}
}  // namespace

TEST_CASE("graph --dot of the whole register renders at most 1600 px wide with legible text", "[cli][graph]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto d = run_riskreg({"--db", db, "graph", "--dot"});
  INFO(d.err);
  REQUIRE(d.exit_code == 0);
  auto dot_file = dir.file("graph.dot");
  write_file(dot_file, d.out);

  // As the DOT says (its size attribute): at most 1600 px wide, not taller than 2400 px.
  PngSize page = render_png(dir, dot_file, "");
  INFO("rendered " << page.width << "x" << page.height << " px (was 2858x8576 before issue 22)");
  CHECK(page.width <= 1600);
  CHECK(page.height <= 2400);
  CHECK(page.width >= 1200);  // the page is used, not a strip

  // Legible: the layout's own size (size lifted), the factor the size attribute scales it by, and
  // the smallest font the DOT sets (points; 96 px to 72 pt) at that factor: at least 10 px.
  PngSize natural = render_png(dir, dot_file, "-Gsize=1000,1000");
  REQUIRE(natural.width >= page.width);
  double scale = static_cast<double>(page.width) / natural.width;
  double smallest = 1e9;
  std::regex fontsize("fontsize=([0-9.]+)");
  for (std::sregex_iterator i(d.out.begin(), d.out.end(), fontsize), end; i != end; ++i)
    smallest = std::min(smallest, std::stod((*i)[1]));
  REQUIRE(smallest < 1e9);
  INFO("natural " << natural.width << "x" << natural.height << " px, scale " << scale << ", smallest font " << smallest
                  << " pt");
  CHECK(smallest * scale * 96 / 72 >= 10.0);
  CHECK(static_cast<double>(natural.height) * scale <= page.height + 1);  // one factor for both sides

  // The columns that keep it on a page: risks and objectives ranked together first, top-level
  // priorities together next, and actions reaching up to three columns beyond them.
  CHECK(d.out.find("{rank=same; \"risk:R1\"") != std::string::npos);
  CHECK(d.out.find("\"objective:O6\"}") != std::string::npos);
  CHECK(d.out.find("{rank=same; \"priority:P1\"") != std::string::npos);
  CHECK(d.out.find("minlen=3") != std::string::npos);
  CHECK(d.out.find("size=\"16.5,25\"") != std::string::npos);
}

TEST_CASE("network on the register and on a file (golden)", "[cli][network]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "network", "--threads", "2", "--runs", "20000", "--seed", "1", "--zero", "R2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_golden("network-darlington-zero-r2.txt", r.out);
  auto f = run_riskreg({"network", "--file", source_path("tests/fixtures/networks/diamond.toml"), "--threads", "2",
                        "--runs", "20000", "--seed", "1", "--cut", "B:D"});
  INFO(f.err);
  REQUIRE(f.exit_code == 0);
  check_golden("network-diamond-cut.txt", f.out);
}
