// riskreg export --format html on a real Darlington register: one self-contained page,
// rendered in headless Chromium (Debian `chromium`), with the register text escaped.
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <unordered_map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;

namespace {

std::string export_html(const std::string& db, const std::string& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--db", db, "export", "--format", "html", "--out", out};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_riskreg(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return read_file(out);
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

/// The text of one register table row, `<tr id="ID"...</tr>` (each ends a line; the history
/// table inside it has rows of its own).
std::string row_of(const std::string& html, const std::string& id) {
  auto b = html.find("<tr id=\"" + id + "\"");
  if (b == std::string::npos) return "";
  return html.substr(b, html.find("</tr>\n", b) - b);
}

}  // namespace

TEST_CASE("export --format html writes one self-contained page with every risk and the manifest",
          "[cli][export][html]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto out = dir.file("register.html");
  auto r = run_riskreg({"--db", db, "export", "--format", "html", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "exported 9 risks and 11 assessments to " + out + "\n");
  auto html = read_file(out);
  CHECK(html.rfind("<!DOCTYPE html>\n", 0) == 0);
  CHECK(html.find("</html>\n") == html.size() - 8);
  // Self-contained: nothing fetched; one inline script, our own (sorting and filtering).
  CHECK(html.find("http:") == std::string::npos);
  CHECK(html.find("https:") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(count(html, "<script") == 1);
  CHECK(html.find("<script>\n(function(){") != std::string::npos);
  for (size_t p = html.find("url("); p != std::string::npos; p = html.find("url(", p + 1)) CHECK(html[p + 4] == '#');
  for (size_t p = html.find("href=\""); p != std::string::npos; p = html.find("href=\"", p + 1))
    CHECK(html[p + 6] == '#');
  for (int i = 1; i <= 9; ++i) {
    auto row = row_of(html, "R" + std::to_string(i));
    INFO("R" << i);
    CHECK_FALSE(row.empty());
    CHECK(row.find("<svg class=\"spark\"") != std::string::npos);
  }
  CHECK(count(html, "<tr id=\"R") == 9);
  // R5's row: A1 now, very high, its history in the sparkline's title, its flags and links.
  auto r5 = row_of(html, "R5");
  CHECK(r5.find("<td class=\"score\">A1</td>") != std::string::npos);
  // One vocabulary (issue 21): a band is written by its name in the rows and the heat map's
  // tooltips; its label appears once, in the legend that explains the names.
  CHECK(r5.find(">very-high</span>") != std::string::npos);
  CHECK(r5.find("Very high") == std::string::npos);
  CHECK(r5.find("2026-12-05 A1 by bob: Budget cut") != std::string::npos);
  CHECK(r5.find("<a href=\"#R1\">R1</a>, <a href=\"#R3\">R3</a>") != std::string::npos);  // the seed's stated feeds
  CHECK(count(r5, "<circle ") == 3);                                                      // one point per assessment
  CHECK(r5.find("class=\"appetite\"") != std::string::npos);
  // The manifest, as the JSON export gives it.
  auto json_out = dir.file("register.json");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", json_out}).exit_code == 0);
  auto man = nlohmann::json::parse(read_file(json_out))["manifest"];
  CHECK(html.find("<table class=\"manifest\" id=\"manifest\">") != std::string::npos);
  CHECK(html.find("<td>riskreg version</td><td>" + man["riskreg_version"].get<std::string>() + "</td>") !=
        std::string::npos);
  REQUIRE(man["rules"].size() > 0);
  for (const auto& f : man["rules"])
    CHECK(html.find(f["name"].get<std::string>() + " <code>sha256:" + f["sha256"].get<std::string>() + "</code>") !=
          std::string::npos);
  CHECK(html.find("<td>rows</td><td>9 risks, 11 assessments, " + std::to_string(man["rows"]["feeds"].get<int>()) +
                  " feed links</td>") != std::string::npos);
  CHECK(html.find("<code>" + man["audit_head"].get<std::string>() + "</code>") != std::string::npos);
  auto name = man["register"].get<std::string>();  // "Darlington Children's ..."
  REQUIRE(name.find('\'') != std::string::npos);
  CHECK(html.find("<h1>" + std::regex_replace(name, std::regex("'"), "&#39;") + "</h1>") != std::string::npos);
  // The heat map: every cell, the counts, and an appetite line.
  CHECK(count(html, "<g class=\"cell\">") == 24);
  CHECK(html.find("<path id=\"appetite-line\" d=\"M") != std::string::npos);
  CHECK(html.find("A1: very-high, above appetite, 1 risk") != std::string::npos);
  CHECK(html.find("B2: very-high, above appetite, 2 risks") != std::string::npos);
  CHECK(html.find("C3: high, above appetite, 3 risks") != std::string::npos);
  CHECK(html.find("Very high, above") == std::string::npos);
  CHECK(count(html, "very-high (Very high)") == 1);  // the heat map's legend
  CHECK(count(html, "Very high") == 1);
  CHECK_FALSE(fs::exists(out + ".riskreg-export-tmp"));
  CHECK_FALSE(fs::exists(out + ".riskreg-export-tmp.assessments"));
}

TEST_CASE("export --format html renders in headless Chromium: a coloured page with the risks and SVG in the DOM",
          "[cli][export][html]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto out = dir.file("register.html");
  export_html(db, out);

  auto png = dir.file("shot.png");
  chromium(dir, out, "--screenshot=" + png + " --window-size=1400,2000 --hide-scrollbars");
  REQUIRE(fs::exists(png));
  auto img = decode_png(read_file(png));
  CHECK(img.width == 1400);
  CHECK(img.height == 2000);
  std::set<uint32_t> colours;
  std::unordered_map<uint32_t, size_t> pixels;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3) {
    uint32_t c = (uint32_t(img.rgb[i]) << 16) | (uint32_t(img.rgb[i + 1]) << 8) | img.rgb[i + 2];
    colours.insert(c);
    ++pixels[c];
  }
  INFO(colours.size() << " colours");
  CHECK(colours.size() > 50);  // a blank page has one
  // Each band colour fills heat map cells: thousands of pixels of it.
  auto bands = band_colours();
  REQUIRE(bands.size() == 4);
  for (uint32_t b : bands) {
    size_t near = 0;
    for (const auto& [c, n] : pixels) {
      int dr = int(c >> 16) - int(b >> 16), dg = int((c >> 8) & 255) - int((b >> 8) & 255),
          db_ = int(c & 255) - int(b & 255);
      if (std::abs(dr) <= 3 && std::abs(dg) <= 3 && std::abs(db_) <= 3) near += n;
    }
    INFO("band colour " << std::hex << b);
    CHECK(near > 3000);
  }

  auto dom = chromium(dir, out, "--dump-dom").out;
  for (int i = 1; i <= 9; ++i) CHECK(dom.find("<tr id=\"R" + std::to_string(i) + "\"") != std::string::npos);
  CHECK(dom.find("<svg id=\"heatmap\"") != std::string::npos);
  CHECK(dom.find("<path id=\"appetite-line\"") != std::string::npos);
  CHECK(dom.find("<svg id=\"feedgraph\"") != std::string::npos);
  CHECK(count(dom, "<svg class=\"spark\"") == 9);
  // Graphviz writes its own class first: class="node node above", class="edge feed stated".
  CHECK(count(dom, "node above\"") == 9);  // all nine are above the appetite line
  CHECK(count(dom, "feed stated\"") > 0);
  CHECK(count(dom, "feed inferred\"") > 0);
  CHECK(count(dom, "<script") == 1);
  // Inferred links are dashed and grey, stated ones solid; the legend says which is which.
  std::smatch m;
  size_t dashed = 0, solid = 0;
  for (auto it = dom.cbegin(); std::regex_search(
           it, dom.cend(), m, std::regex("class=\"edge feed (stated|inferred)\">[\\s\\S]*?<path ([^>]*)>"));
       it = m[0].second) {
    const bool dash = m[2].str().find("stroke-dasharray") != std::string::npos;
    INFO(m[0].str());
    CHECK(dash == (m[1] == "inferred"));
    (dash ? dashed : solid) += 1;
  }
  CHECK(dashed == count(dom, "feed inferred\""));
  CHECK(solid == count(dom, "feed stated\""));
  CHECK(dom.find("</svg> stated in the plan</span>") != std::string::npos);
  CHECK(dom.find("</svg> inferred</span>") != std::string::npos);
  CHECK(dom.find("</svg> above appetite</span>") != std::string::npos);
}

TEST_CASE("export --format html: a crowded heat-map cell shows its count, the ids in its tooltip",
          "[cli][export][html]") {
  TempDir dir;
  auto db = dir.file("big.db");
  REQUIRE(run_riskreg({"--db", db, "generate", "--risks", "300", "--seed", "1", "--force"}).exit_code == 0);
  auto page = export_html(db, dir.file("big.html"));
  auto map = page.substr(page.find("<svg id=\"heatmap\""));
  map = map.substr(0, map.find("</svg>"));
  // Each cell: its tooltip, its rectangle, then its ids (a few) or its count (crowded).
  std::smatch m;
  int crowded = 0, named = 0, cut = 0;
  std::regex cell(
      "<title>([A-F][1-4]): [^,<]+, [^<]*?([0-9]+) risks?: ([^<]*)</title><rect[^>]*>"
      "<text[^>]*>[A-F][1-4]</text>(<text class=\"(ids|count)\"[^>]*>([^<]*)</text>)?");
  for (auto it = map.cbegin(); std::regex_search(it, map.cend(), m, cell); it = m[0].second) {
    INFO(m[0].str());
    const int n = std::stoi(m[2]);
    const std::string listed = m[3], kind = m[5], shown = m[6];
    if (kind == "count") {
      ++crowded;
      CHECK(shown == std::to_string(n));  // the count, written in the cell
      CHECK(n > 3);
      CHECK(listed.find("R") == 0);  // and the ids in the tooltip
      if (n > 40) {
        ++cut;
        CHECK(listed.find(" and " + std::to_string(n - 40) + " more") != std::string::npos);
      }
    } else if (kind == "ids") {
      ++named;
      CHECK(n <= 3);
      CHECK(listed.find(shown.substr(0, shown.find(' '))) == 0);
    }
  }
  CHECK(crowded > 0);
  CHECK(cut > 0);  // some cell holds more than the 40 ids a tooltip names
}

TEST_CASE("export --format html escapes register text: a script title stays text", "[cli][export][html]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto csv = dir.file("hostile.csv");
  write_file(
      csv,
      "id,title,current,owner,controls\r\n"
      "R10,\"<script>alert(1)</script> & \"\"quotes\"\"\",B2,<b>Mallory</b>,\"<img src=x onerror=alert(2)>\"\r\n");
  auto imp = run_riskreg({"--db", db, "import", csv, "--as", "tester"});
  INFO(imp.err);
  REQUIRE(imp.exit_code == 0);
  auto out = dir.file("register.html");
  auto html = export_html(db, out);
  auto r10 = row_of(html, "R10");
  REQUIRE_FALSE(r10.empty());
  CHECK(r10.find("<td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</td>") != std::string::npos);
  CHECK(r10.find("<td>&lt;b&gt;Mallory&lt;/b&gt;</td>") != std::string::npos);
  CHECK(r10.find("<li>&lt;img src=x onerror=alert(2)&gt;</li>") != std::string::npos);
  CHECK(count(html, "<script") == 1);  // riskreg's own, at the end
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>Mallory") == std::string::npos);

  // The browser sees text, not elements.
  auto dom = chromium(dir, out, "--dump-dom").out;
  CHECK(dom.find("<tr id=\"R10\"") != std::string::npos);
  CHECK(dom.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"quotes\"") != std::string::npos);
  CHECK(count(dom, "<script") == 1);
  CHECK(dom.find("<script>alert") == std::string::npos);
  CHECK(dom.find("<img") == std::string::npos);
  CHECK(dom.find("<b>Mallory") == std::string::npos);
}

TEST_CASE("export --format html --as-of drops later assessments", "[cli][export][html]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto out = dir.file("dec2.html");
  auto r = run_riskreg({"--db", db, "export", "--format", "html", "--out", out, "--as-of", "2026-12-02"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "exported 9 risks and 10 assessments as of 2026-12-02T23:59:59Z to " + out + "\n");
  auto html = read_file(out);
  CHECK(html.find("As of <time>2026-12-02T23:59:59Z</time>") != std::string::npos);
  CHECK(html.find("<td>as of</td><td>2026-12-02T23:59:59Z</td>") != std::string::npos);
  auto r5 = row_of(html, "R5");
  CHECK(r5.find("<td class=\"score\">B2</td>") != std::string::npos);
  CHECK(r5.find("2026-12-01 B2 by alice: Savings target raised") != std::string::npos);
  CHECK(count(r5, "<circle ") == 2);
  CHECK(html.find("Budget cut") == std::string::npos);
  CHECK(html.find("by bob") == std::string::npos);
  CHECK(html.find("A1: very-high, above appetite, 0 risks") != std::string::npos);
  CHECK(html.find("audit chain head as of then") != std::string::npos);

  auto now = export_html(db, dir.file("now.html"));
  CHECK(now.find("2026-12-05 A1 by bob: Budget cut") != std::string::npos);
}

TEST_CASE("export --format html refuses to overwrite without --force (exit 8)", "[cli][export][html]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto out = dir.file("register.html");
  write_file(out, "keep me");
  auto r = run_riskreg({"--db", db, "export", "--format", "html", "--out", out});
  CHECK(r.exit_code == 8);
  CHECK(r.err == "riskreg: " + out + " already exists; use --force to overwrite it\n");
  CHECK(read_file(out) == "keep me");
  auto f = run_riskreg({"--db", db, "export", "--format", "html", "--out", out, "--force"});
  INFO(f.err);
  CHECK(f.exit_code == 0);
  CHECK(count(read_file(out), "<tr id=\"R") == 9);
  CHECK_FALSE(fs::exists(out + ".riskreg-export-tmp"));
  CHECK_FALSE(fs::exists(out + ".riskreg-export-tmp.assessments"));
}

TEST_CASE("export --format html bounds the feed graph on a large register and says what it left out",
          "[cli][export][html]") {
  TempDir dir;
  auto db = dir.file("big.db");
  auto g = run_riskreg({"--db", db, "generate", "--risks", "2000", "--seed", "1"});
  INFO(g.err);
  REQUIRE(g.exit_code == 0);
  auto html = export_html(db, dir.file("big.html"));
  CHECK(count(html, "<tr id=\"") == 2000);  // the table is whole
  CHECK(count(html, "<svg class=\"spark\"") == 2000);
  auto nodes = count(html, "class=\"node");
  CHECK(nodes > 24);
  CHECK(nodes <= 40);
  CHECK(count(html, "class=\"feed ") <= 200);
  auto note_at = html.find("<p class=\"note\" id=\"graph-note\">");
  REQUIRE(note_at != std::string::npos);
  auto note = html.substr(note_at, html.find("</p>", note_at) - note_at);
  INFO(note);
  CHECK(note.find("Drawn: " + std::to_string(nodes) + " risks") != std::string::npos);
  CHECK(std::regex_search(note, std::regex("Left out:</strong> [0-9]+ less severe above-appetite risks")));
}

TEST_CASE(
    "export --format html: the heat map names its risks, targets and last period's cells, the table has "
    "severity flags, folded controls, each risk's history and dated trends",
    "[cli][export][html]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  // R5 gets a target (import appends; the register keeps its history).
  auto csv = dir.file("target.csv");
  write_file(csv, "id,target\r\nR5,D2\r\n");
  auto imp = run_riskreg({"--db", db, "import", csv, "--as", "tester"}, {{"RISKREG_NOW", "2026-12-05T11:00:00Z"}});
  INFO(imp.err);
  REQUIRE(imp.exit_code == 0);
  auto out = dir.file("register.html");
  auto html = export_html(db, out, {});
  auto at6 = dir.file("dec6.html");
  auto r =
      run_riskreg({"--db", db, "export", "--format", "html", "--out", at6}, {{"RISKREG_NOW", "2026-12-06T00:00:00Z"}});
  REQUIRE(r.exit_code == 0);
  auto page = read_file(at6);

  // A cell with few risks names them; its tooltip lists them.
  CHECK(page.find("A1: very-high, above appetite, 1 risk: R5</title>") != std::string::npos);
  CHECK(std::regex_search(page, std::regex("<text class=\"ids\"[^>]*>R5</text>")));
  // The target: a hollow marker in D2, an arrow from A1 to it.
  CHECK(page.find("D2 is the target of R5</title></circle>") != std::string::npos);
  CHECK(page.find("<g class=\"to-target\"><title>R5: now A1, target D2</title><line ") != std::string::npos);
  // Last period (before 1 December) R5 was C2, its seed score.
  CHECK(page.find("<g class=\"from-previous\"><title>Last period in C2, now A1: R5</title>") != std::string::npos);
  CHECK(page.find("last period's cell (before 2026-12-01)") != std::string::npos);

  auto r5 = row_of(page, "R5");
  // Flags by severity: ABOVE_APPETITE and NO_OWNER are warnings in rules/flags.toml.
  CHECK(r5.find("<span class=\"flag sev-warning\" title=\"warning\">ABOVE_APPETITE</span>") != std::string::npos);
  CHECK(r5.find("<span class=\"flag sev-warning\" title=\"warning\">NO_OWNER</span>") != std::string::npos);
  // ... and NO_RESPONSE (above appetite, no decision) is critical: its own, distinct colour.
  CHECK(r5.find("<span class=\"flag sev-critical\" title=\"critical\">NO_RESPONSE</span>") != std::string::npos);
  CHECK(page.find(".flag.sev-critical{background:#fde0e3;") != std::string::npos);
  CHECK(page.find(".flag.sev-warning{background:#fff3cd;") != std::string::npos);
  // The history as a table, newest first.
  CHECK(r5.find("<summary>History (3)</summary>") != std::string::npos);
  auto newest = r5.find("<tr><td>2026-12-05</td><td>bob</td><td class=\"score\">A1</td><td>Budget cut</td></tr>");
  auto older =
      r5.find("<tr><td>2026-12-01</td><td>alice</td><td class=\"score\">B2</td><td>Savings target raised</td></tr>");
  CHECK(newest != std::string::npos);
  CHECK(older != std::string::npos);
  CHECK(newest < older);
  // The trend's time axis: first and last dates written, points placed by date (1 Dec is 4/5 of the
  // way from 23 Nov to 5 Dec... the seed was assessed at init, 2026-11-23).
  CHECK(std::regex_search(r5, std::regex("<text class=\"date\"[^>]*>2026-11-23</text>")));
  CHECK(std::regex_search(r5, std::regex("<text class=\"date\"[^>]*>2026-12-05</text>")));
  std::smatch m;
  std::vector<double> xs;
  for (auto it = r5.cbegin(); std::regex_search(it, r5.cend(), m, std::regex("<circle cx=\"([0-9.]+)\""));
       it = m[0].second)
    xs.push_back(std::stod(m[1]));
  REQUIRE(xs.size() == 3);
  // 23 Nov 09:00 -> 1 Dec 10:00 -> 5 Dec 10:00: the middle point sits two thirds of the way along.
  double frac = (xs[1] - xs[0]) / (xs[2] - xs[0]);
  CHECK(frac > 0.64);
  CHECK(frac < 0.70);
  // Controls past three fold under "N more"; the first three stay in view.
  auto json_out = dir.file("register.json");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", json_out}).exit_code == 0);
  auto j = nlohmann::json::parse(read_file(json_out));
  int folded = 0;
  for (const auto& risk : j["risks"]) {
    auto row = row_of(page, risk["id"].get<std::string>());
    size_t n = risk["controls"].size();
    INFO(risk["id"] << " has " << n << " controls");
    if (n > 3) {
      ++folded;
      CHECK(row.find("<details class=\"more\"><summary>" + std::to_string(n - 3) + " more</summary>") !=
            std::string::npos);
    } else {
      CHECK(row.find("<details class=\"more\">") == std::string::npos);
    }
  }
  CHECK(folded > 0);
  // The above-appetite table lists the above-appetite risks, the most severe (R5, A1) first.
  auto above_at = page.find("<section id=\"above-appetite\">");
  REQUIRE(above_at != std::string::npos);
  auto above = page.substr(above_at, page.find("</section>", above_at) - above_at);
  CHECK(count(above, "<tr class=\"r-above\">") == 9);
  CHECK(above.find("<a href=\"#R5\">R5</a>") < above.find("<a href=\"#R1\">R1</a>"));
  CHECK(html.find("<svg id=\"feedgraph\"") != std::string::npos);
}

TEST_CASE("export --format html: the table sorts and filters with its script, and is whole without it",
          "[cli][export][html]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto out = dir.file("register.html");
  export_html(db, out);
  auto order = [](const std::string& dom) {
    std::vector<std::string> ids;
    std::smatch m;
    auto body = dom.substr(dom.find("<table id=\"register-table\">"));
    for (auto it = body.cbegin(); std::regex_search(it, body.cend(), m, std::regex("<tr id=\"(R[0-9]+)\"([^>]*)>"));
         it = m[0].second)
      ids.push_back(m[1].str() + (m[2].str().find("hidden") != std::string::npos ? "-" : ""));
    return ids;
  };
  // Scripts off: the page is its markup as written (Chromium's --dump-dom needs scripts, so the
  // file itself is read): every row, in id order, and the controls hidden.
  auto off = read_file(out);
  CHECK(order(off) == std::vector<std::string>{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"});
  CHECK(off.find("<div class=\"tools\" id=\"table-tools\" hidden>") != std::string::npos);
  // Scripts on: the controls show, and count the rows.
  auto on = chromium(dir, out, "--dump-dom").out;
  CHECK(on.find("<div class=\"tools\" id=\"table-tools\">") != std::string::npos);
  CHECK(on.find("9 of 9 risks shown") != std::string::npos);
  CHECK(on.find("class=\"sortable\"") != std::string::npos);
  // Sorted by Current (column 3), most severe first: R5 is at A1, the only one.
  auto sorted = chromium(dir, out + "?sort=3\\&desc=1", "--dump-dom").out;
  auto ids = order(sorted);
  REQUIRE(ids.size() == 9);
  CHECK(ids[0] == "R5");
  CHECK(sorted.find("aria-sort=\"descending\"") != std::string::npos);
  // Filtered on the Id column: only R5 stays shown.
  auto filtered = chromium(dir, out + "?q=R5\\&col=0", "--dump-dom").out;
  ids = order(filtered);
  REQUIRE(ids.size() == 9);
  for (const auto& id : ids) CHECK((id == "R5" || id.back() == '-'));
  CHECK(filtered.find("1 of 9 risks shown") != std::string::npos);
}

TEST_CASE("export --format html prints as an A4 committee paper", "[cli][export][html][print]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto out = dir.file("register.html");
  export_html(db, out);
  auto pdf = dir.file("paper.pdf");
  chromium(dir, out, "--no-pdf-header-footer --print-to-pdf=" + pdf);
  REQUIRE(fs::exists(pdf));
  auto info = shell("pdfinfo " + pdf).out;
  INFO(info);
  std::smatch m;
  REQUIRE(std::regex_search(info, m, std::regex("Pages:\\s+([0-9]+)")));
  const int pages = std::stoi(m[1]);
  // A4: 595 x 842 points.
  CHECK(std::regex_search(info, std::regex("Page size:\\s+59[45]\\.[0-9]+ x 84[12]\\.[0-9]+ pts \\(A4\\)")));
  CHECK(pages >= 3);
  CHECK(pages <= 8);
  std::vector<std::string> text(static_cast<size_t>(pages) + 1);
  for (int p = 1; p <= pages; ++p)
    text[static_cast<size_t>(p)] =
        shell("pdftotext -layout -f " + std::to_string(p) + " -l " + std::to_string(p) + " " + pdf + " -").out;
  // Page 1: the manifest, the heat map and the above-appetite table, and nothing after them.
  CHECK(text[1].find("audit chain head") != std::string::npos);
  CHECK(text[1].find("Heat map") != std::string::npos);
  CHECK(text[1].find("Above appetite") != std::string::npos);
  CHECK(text[1].find("Feed graph") == std::string::npos);
  auto first_page_rows = 0;
  for (int i = 1; i <= 9; ++i) first_page_rows += text[1].find("R" + std::to_string(i) + " ") != std::string::npos;
  CHECK(first_page_rows == 9);  // all nine risks are above appetite, each in page 1's table
  // Each section starts a page: the feed graph on page 2, the register on the page after it.
  CHECK(text[2].find("Feed graph") != std::string::npos);
  CHECK(text[2].find("Register") == std::string::npos);
  int register_page = 0;
  for (int p = 3; p <= pages && !register_page; ++p)
    if (text[static_cast<size_t>(p)].find("Register") != std::string::npos) register_page = p;
  REQUIRE(register_page == 3);
  // No row cut across pages: each risk's row, from its id to the last line of its history, is on one page.
  auto json_out = dir.file("register.json");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", json_out}).exit_code == 0);
  auto j = nlohmann::json::parse(read_file(json_out));
  for (const auto& risk : j["risks"]) {
    const auto id = risk["id"].get<std::string>();
    // The oldest assessment's date and who, the last line of the row's history table.
    std::string first_at, first_by;
    for (const auto& a : j["assessments"])
      if (a["risk"] == id && first_at.empty()) {
        first_at = a["at"].get<std::string>().substr(0, 10);
        first_by = a["by"].get<std::string>();
      }
    REQUIRE_FALSE(first_at.empty());
    std::regex starts("(^|\\n)\\s*" + id + "\\s");
    std::regex ends(first_at + "\\s+" + first_by);
    int start_page = 0, end_hits = 0;
    for (int p = register_page; p <= pages; ++p) {
      const auto& t = text[static_cast<size_t>(p)];
      if (!start_page && std::regex_search(t, starts)) start_page = p;
      if (start_page == p)
        end_hits =
            static_cast<int>(std::distance(std::sregex_iterator(t.begin(), t.end(), ends), std::sregex_iterator()));
    }
    INFO(id << " starts on page " << start_page);
    CHECK(start_page >= register_page);
    CHECK(end_hits >= 1);
  }
  // The pages as images (pdftoppm): page 1 carries the heat map's band colours.
  REQUIRE(shell("pdftoppm -png -r 40 -f 1 -l 1 " + pdf + " " + dir.file("page")).exit_code == 0);
  std::string png_path;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("page", 0) == 0 && e.path().extension() == ".png") png_path = e.path();
  REQUIRE_FALSE(png_path.empty());
  auto img = decode_png(read_file(png_path));
  CHECK(std::abs(double(img.height) / img.width - 297.0 / 210.0) < 0.02);
  size_t banded = 0;
  for (uint32_t b : band_colours())
    for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
      if (std::abs(int(img.rgb[i]) - int(b >> 16)) <= 6 && std::abs(int(img.rgb[i + 1]) - int((b >> 8) & 255)) <= 6 &&
          std::abs(int(img.rgb[i + 2]) - int(b & 255)) <= 6)
        ++banded;
  CHECK(banded > 500);
}

TEST_CASE(
    "export --format html: a closed risk stays in the table, marked closed, and leaves the heat map, the "
    "above-appetite table and the feed graph",
    "[cli][export][html][closed]") {
  TempDir dir;
  auto db = darlington_with_history(dir);  // R5 is A1, alone in its cell, and feeds R1 and R3
  auto c = run_riskreg({"--db", db, "close", "R5", "--reason", "Merged into R1", "--as", "manager"},
                       {{"RISKREG_NOW", "2026-12-06T09:00:00Z"}});
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  auto out = dir.file("register.html");
  auto html = export_html(db, out);
  auto section = [](const std::string& page, const std::string& id) {
    auto at = page.find("<section id=\"" + id + "\">");
    REQUIRE(at != std::string::npos);
    return page.substr(at, page.find("</section>", at) - at);
  };

  // The table keeps it, with its history, marked closed (not "Above").
  auto r5 = row_of(html, "R5");
  REQUIRE_FALSE(r5.empty());
  CHECK(r5.rfind("<tr id=\"R5\" class=\"r-closed\">", 0) == 0);
  CHECK(count(r5, "<span class=\"status-closed\">closed</span>") == 2);
  CHECK(r5.find("<span class=\"above\">Above</span>") == std::string::npos);
  CHECK(r5.find("2026-12-05 A1 by bob: Budget cut") != std::string::npos);
  CHECK(count(html, "<tr id=\"R") == 9);
  CHECK(html.find("<b>1</b>closed</div>") != std::string::npos);
  CHECK(html.find("<b class=\"above\">8</b>above appetite") != std::string::npos);

  // Not on the heat map: A1 is empty, and the page says why.
  auto heat = section(html, "heat-map");
  CHECK(heat.find("A1: very-high, above appetite, 0 risks") != std::string::npos);
  CHECK(heat.find("R5") == std::string::npos);
  CHECK(heat.find("1 closed risk is not plotted (riskreg close): the register table keeps it, marked closed.") !=
        std::string::npos);
  // Not among the above-appetite risks, nor in the feed graph.
  auto above = section(html, "above-appetite");
  CHECK(count(above, "<tr class=\"r-above\">") == 8);
  CHECK(above.find("#R5") == std::string::npos);
  auto graph = section(html, "feed-graph");
  CHECK(graph.find("fg&#45;R5") == std::string::npos);  // Graphviz writes the dash as &#45;
  CHECK(graph.find("fg&#45;R1") != std::string::npos);
  CHECK(graph.find("R5 feeds") == std::string::npos);

  // In Chromium's DOM: eight live nodes, all above appetite; the closed row is there, greyed.
  auto dom = chromium(dir, out, "--dump-dom").out;
  CHECK(count(dom, "node above\"") == 8);
  CHECK(dom.find("id=\"fg-R5\"") == std::string::npos);
  CHECK(dom.find("<tr id=\"R5\" class=\"r-closed\">") != std::string::npos);
  CHECK(count(dom, "<svg class=\"spark\"") == 9);

  // As of the day before it was closed, R5 is a live risk again (point-in-time).
  auto then = export_html(db, dir.file("then.html"), {"--as-of", "2026-12-05"});
  CHECK(row_of(then, "R5").find("r-closed") == std::string::npos);
  CHECK(then.find("A1: very-high, above appetite, 1 risk: R5</title>") != std::string::npos);
  CHECK(then.find("fg&#45;R5") != std::string::npos);
  CHECK(then.find("closed risk") == std::string::npos);
}
