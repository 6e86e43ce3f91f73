// riskreg export on a real Darlington register: CSV folder, JSON file, manifest, links,
// --as-of, refusal to overwrite.
#include <filesystem>
#include <map>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;

namespace {
/// Records end in CRLF; line breaks inside a cell are bare LF.
int count_lines(const std::string& s) {
  int n = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) n += s[i] == '\r' && s[i + 1] == '\n';
  return n;
}

std::string rescored_darlington(const TempDir& dir) {
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "score", "5", "B2", "--reason", "=HYPERLINK(\"x\")", "--as", "alice"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return db;
}
}  // namespace

TEST_CASE("export --format csv writes risks, history and manifest", "[cli][export]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto out = dir.file("exp");
  auto r = run_riskreg({"--db", db, "export", "--format", "csv", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto man = nlohmann::json::parse(read_file(out + "/manifest.json"));
  auto risks = read_file(out + "/risks.csv");
  auto hist = read_file(out + "/assessments.csv");
  CHECK(risks.rfind("id,title,owner,current,target,band,above_appetite,controls,heading,vulnerability,triggers,"
                    "consequences,notes,priorities,actions,feeds_to,flags,status,response,response_terms\r\n",
                    0) == 0);
  CHECK(read_file(out + "/feeds.csv").rfind("from,to,basis,transition_probability\r\n", 0) == 0);
  CHECK(count_lines(read_file(out + "/feeds.csv")) == man["rows"]["feeds"].get<int>() + 1);
  CHECK(man["rows"]["feeds"] > 0);
  CHECK(man["as_of"].is_null());
  CHECK(hist.rfind("id,risk,score,likelihood,impact,band,by,at,reason\r\n", 0) == 0);
  int64_t n_risks = man["rows"]["risks"], n_hist = man["rows"]["assessments"];
  CHECK(n_risks > 0);
  CHECK(count_lines(risks) == n_risks + 1);
  CHECK(count_lines(hist) == n_hist + 1);
  CHECK(n_hist == n_risks + 1);  // one first assessment each, plus the re-score
  // The re-score, with its formula neutralised.
  CHECK(hist.find(",R5,B2,B,2,") != std::string::npos);
  CHECK(hist.find(",alice,2026-11-23T09:00:00Z,\"'=HYPERLINK(\"\"x\"\")\"\r\n") != std::string::npos);
  CHECK(man["riskreg_version"].is_string());
  CHECK(man["format"] == "csv");
  REQUIRE(man["rules"].size() > 0);
  CHECK(man["rules"][0]["sha256"].get<std::string>().size() == 64);
  auto log = nlohmann::json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out);
  CHECK(man["audit_head"] == log.back()["hash"]);
}

TEST_CASE("export --format json writes one file with the same rows", "[cli][export]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto out = dir.file("exp.json");
  auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(read_file(out));
  CHECK(j["manifest"]["rows"]["risks"] == j["risks"].size());
  CHECK(j["manifest"]["rows"]["assessments"] == j["assessments"].size());
  CHECK(j["manifest"]["format"] == "json");
  nlohmann::json r5;
  for (const auto& e : j["risks"])
    if (e["id"] == "R5") r5 = e;
  REQUIRE(r5.is_object());
  CHECK(r5["current"] == "B2");
  CHECK(r5["controls"].is_array());
  nlohmann::json latest_r5;
  for (const auto& a : j["assessments"])
    if (a["risk"] == "R5") latest_r5 = a;
  CHECK(latest_r5["reason"] == "=HYPERLINK(\"x\")");
  CHECK(r.out == "exported " + std::to_string(j["risks"].size()) + " risks and " +
                     std::to_string(j["assessments"].size()) + " assessments to " + out + "\n");
}

TEST_CASE("export refuses to overwrite without --force (exit 8)", "[cli][export]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto out = dir.file("exp.json");
  write_file(out, "keep me");
  auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", out});
  CHECK(r.exit_code == 8);
  CHECK(r.err == "riskreg: " + out + " already exists; use --force to overwrite it\n");
  CHECK(read_file(out) == "keep me");
  auto f = run_riskreg({"--db", db, "export", "--format", "json", "--out", out, "--force"});
  CHECK(f.exit_code == 0);
  CHECK(nlohmann::json::parse(read_file(out))["risks"].size() > 0);
  CHECK_FALSE(std::filesystem::exists(out + ".riskreg-export-tmp"));
}

namespace {
nlohmann::json risk_in(const nlohmann::json& j, const std::string& id) {
  for (const auto& e : j["risks"])
    if (e["id"] == id) return e;
  return nullptr;
}
}  // namespace

TEST_CASE("export --as-of rebuilds the register as it stood at that date", "[cli][export]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto at = [&](const std::string& date, const std::string& name) {
    auto out = dir.file(name);
    auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", out, "--as-of", date});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return std::make_pair(r.out, nlohmann::json::parse(read_file(out)));
  };
  auto [said, before] = at("2026-11-30", "nov30.json");
  CHECK(said == "exported 9 risks and 9 assessments as of 2026-11-30T23:59:59Z to " + dir.file("nov30.json") + "\n");
  CHECK(risk_in(before, "R5")["current"] == "C2");  // the seed's own score
  CHECK(before["manifest"]["as_of"] == "2026-11-30T23:59:59Z");
  CHECK(before["manifest"]["rows"]["assessments"] == 9);

  // The day of the first re-score counts whole.
  auto [said1, dec1] = at("2026-12-01", "dec1.json");
  CHECK(risk_in(dec1, "R5")["current"] == "B2");
  CHECK(dec1["assessments"].size() == 10);
  int by_alice = 0;
  for (const auto& a : dec1["assessments"]) by_alice += a["by"] == "alice";
  CHECK(by_alice == 1);
  for (const auto& a : dec1["assessments"]) CHECK(a["at"].get<std::string>() <= "2026-12-01T23:59:59Z");

  auto [said2, dec5] = at("2026-12-05T10:00:00Z", "dec5.json");
  CHECK(risk_in(dec5, "R5")["current"] == "A1");
  CHECK(dec5["assessments"].size() == 11);
  // The chain head then: not today's when later entries exist.
  auto log = nlohmann::json::parse(run_riskreg({"--db", db, "audit", "log", "--json"}).out);
  CHECK(dec5["manifest"]["audit_head_as_of"] == log.back()["hash"]);
  CHECK(dec1["manifest"]["audit_head_as_of"] != log.back()["hash"]);
  CHECK(dec1["manifest"]["audit_head"] == log.back()["hash"]);

  // Before the register existed: nothing.
  auto [said3, empty] = at("2020-01-01", "empty.json");
  CHECK(empty["risks"].empty());
  CHECK(empty["feeds"].empty());
  CHECK(empty["manifest"]["rows"]["risks"] == 0);
}

TEST_CASE("export --as-of with csv filters the history and records the time", "[cli][export]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  auto out = dir.file("exp");
  auto r = run_riskreg({"--db", db, "export", "--format", "csv", "--out", out, "--as-of", "2026-12-02"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto hist = read_file(out + "/assessments.csv");
  CHECK(hist.find(",bob,") == std::string::npos);
  CHECK(hist.find(",alice,2026-12-01T10:00:00Z,Savings target raised\r\n") != std::string::npos);
  auto man = nlohmann::json::parse(read_file(out + "/manifest.json"));
  CHECK(man["as_of"] == "2026-12-02T23:59:59Z");
  CHECK(man["rows"]["assessments"] == 10);
}

TEST_CASE("export --as-of refuses what is not a date (exit 2)", "[cli][export]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", dir.file("x.json"), "--as-of", "last week"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "riskreg: --as-of 'last week' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n");
  CHECK_FALSE(std::filesystem::exists(dir.file("x.json")));
}

TEST_CASE("export carries links to priorities, actions and fed risks", "[cli][export]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto out = dir.file("exp.json");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", out}).exit_code == 0);
  auto j = nlohmann::json::parse(read_file(out));
  auto r5 = risk_in(j, "R5");
  REQUIRE(r5.is_object());
  CHECK(r5["triggers"].is_array());
  CHECK_FALSE(r5["vulnerability"].get<std::string>().empty());
  CHECK(r5["feeds_to"] == nlohmann::json::array({"R1", "R3"}));  // the seed's stated links
  // Priorities and their actions, as `show` links them.
  nlohmann::json linked;
  for (const auto& r : j["risks"])
    if (!r["priorities"].empty() && linked.is_null()) linked = r;
  REQUIRE(linked.is_object());
  CHECK_FALSE(linked["actions"].empty());
  auto show = run_riskreg({"--db", db, "show", linked["id"].get<std::string>()});
  for (const auto& p : linked["priorities"]) CHECK(show.out.find(p.get<std::string>()) != std::string::npos);
  // Every feed is between exported risks, and each risk's feeds_to matches the feed table.
  size_t feeds_to = 0;
  for (const auto& r : j["risks"]) feeds_to += r["feeds_to"].size();
  CHECK(feeds_to == j["feeds"].size());
  CHECK(j["manifest"]["rows"]["feeds"] == j["feeds"].size());
  for (const auto& p : r5["priorities"]) CHECK(show.out.find(p.get<std::string>()) != std::string::npos);
}

namespace {
/// Runs a script with Debian's python3 (python3-openpyxl reads the workbook back); its stdout.
std::string python(const std::string& script, const TempDir& dir) {
  auto path = dir.file("check.py");
  write_file(path, script);
  std::string out;
  FILE* p = popen(("/usr/bin/python3 " + path + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}
}  // namespace

TEST_CASE("export --format xlsx: sheets with frozen headers and filters, a coloured heat map", "[cli][export]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto out = dir.file("exp.xlsx");
  auto r = run_riskreg({"--db", db, "export", "--format", "xlsx", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "exported 9 risks and 10 assessments to " + out + "\n");
  auto got = python(R"py(
import openpyxl
wb = openpyxl.load_workbook(")py" +
                        out + R"py(")
print(",".join(wb.sheetnames))
for name in ("Risks", "Assessments", "Feeds"):
    ws = wb[name]
    print(name, ws.max_row - 1, ws.freeze_panes, ws.auto_filter.ref)
risks = wb["Risks"]
head = [c.value for c in risks[1]]
r5 = [row for row in risks.iter_rows(min_row=2, values_only=True) if row[0] == "R5"][0]
print("R5", r5[head.index("current")], r5[head.index("band")])
hist = wb["Assessments"]
print("reason", [row[-1] for row in hist.iter_rows(min_row=2, values_only=True) if row[6] == "alice"][0])
hm = wb["Heat map"]
fills = set()
for row in hm.iter_rows(min_row=3, max_row=8, min_col=2, max_col=5):
    for c in row:
        fills.add(c.fill.fgColor.rgb)
print("colours", len(fills))
print("b2", [c.value for row in hm.iter_rows() for c in row if c.value and str(c.value).startswith("B2")])
)py",
                    dir);
  INFO(got);
  CHECK(got.find("Risks,Assessments,Feeds,Heat map,Manifest,Owner history,Field history,Decisions\n") == 0);
  CHECK(got.find("Risks 9 A2 A1:T10\n") != std::string::npos);
  CHECK(got.find("Assessments 10 A2 A1:I11\n") != std::string::npos);
  CHECK(got.find("R5 B2 ") != std::string::npos);
  // Stored as text, so a spreadsheet shows it and does not run it.
  CHECK(got.find("reason =HYPERLINK(\"x\")\n") != std::string::npos);
  CHECK(got.find("colours 1\n") == std::string::npos);
  CHECK(got.find("colours") != std::string::npos);
  CHECK(got.find("b2 ['B2 (") != std::string::npos);
}

TEST_CASE("export carries each risk's rule flags, as riskreg flags computes them", "[cli][export][flags]") {
  TempDir dir;
  auto db = darlington_with_history(dir);
  // The flags of each risk, by `riskreg flags` (at the same clock).
  std::map<std::string, nlohmann::json> want;
  auto flags = run_riskreg({"--db", db, "flags", "--json"}, {{"RISKREG_NOW", "2026-12-06T00:00:00Z"}});
  REQUIRE(flags.exit_code == 0);
  for (const auto& f : nlohmann::json::parse(flags.out)) want[f["risk"]].push_back(f["rule"]);
  REQUIRE(want.size() == 9);
  CHECK(want["R5"] ==
        nlohmann::json::array({"ABOVE_APPETITE", "NO_TARGET", "NO_RESPONSE", "UNMITIGATED", "WORSENED", "NO_OWNER"}));

  auto out = dir.file("now.json");
  REQUIRE(
      run_riskreg({"--db", db, "export", "--format", "json", "--out", out}, {{"RISKREG_NOW", "2026-12-06T00:00:00Z"}})
          .exit_code == 0);
  auto j = nlohmann::json::parse(read_file(out));
  for (const auto& r : j["risks"]) CHECK(r["flags"] == want[r["id"]]);

  auto csv = dir.file("now-csv");
  REQUIRE(
      run_riskreg({"--db", db, "export", "--format", "csv", "--out", csv}, {{"RISKREG_NOW", "2026-12-06T00:00:00Z"}})
          .exit_code == 0);
  CHECK(read_file(csv + "/risks.csv")
            .find(",\"ABOVE_APPETITE\nNO_TARGET\nNO_RESPONSE\nUNMITIGATED\nWORSENED\nNO_OWNER\",open,,\r\n") !=
        std::string::npos);

  // As of 30 November R5 had its seed score only: not worsened then.
  auto then = dir.file("then.json");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", then, "--as-of", "2026-11-30"}).exit_code ==
          0);
  auto r5 = risk_in(nlohmann::json::parse(read_file(then)), "R5");
  CHECK(r5["flags"] ==
        nlohmann::json::array({"ABOVE_APPETITE", "NO_TARGET", "NO_RESPONSE", "UNMITIGATED", "NO_OWNER"}));
}

TEST_CASE(
    "export --format xlsx: dates as dates, band fills, severity colours, widths to content, the manifest as "
    "rows and the owner history",
    "[cli][export][xlsx]") {
  TempDir dir;
  auto db = rescored_darlington(dir);
  auto own = run_riskreg({"--db", db, "owner", "5", "Jan Lefevre", "--as", "manager"},
                         {{"RISKREG_NOW", "2026-12-02T08:30:00Z"}});
  INFO(own.err);
  REQUIRE(own.exit_code == 0);
  auto out = dir.file("exp.xlsx");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "xlsx", "--out", out}).exit_code == 0);
  auto json_out = dir.file("exp.json");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", json_out}).exit_code == 0);
  auto man = nlohmann::json::parse(read_file(json_out))["manifest"];
  auto got = python(R"py(
import openpyxl, datetime
wb = openpyxl.load_workbook(")py" +
                        out + R"py(")
print(",".join(wb.sheetnames))
hist = wb["Assessments"]
head = [c.value for c in hist[1]]
at = hist.cell(row=2, column=head.index("at") + 1).value
print("at-type", type(at).__name__, at.isoformat() if isinstance(at, datetime.datetime) else at)
print("at-format", hist.cell(row=2, column=head.index("at") + 1).number_format)
risks = wb["Risks"]
rh = [c.value for c in risks[1]]
for row in risks.iter_rows(min_row=2):
    if row[0].value == "R5":
        band = row[rh.index("band")]
        print("band-fill", band.value, band.fill.fgColor.rgb)
        flags = row[rh.index("flags")]
        print("flags-ink", flags.font.color.rgb if flags.font.color else None, flags.font.b)
w = {k: risks.column_dimensions[k].width for k in ("A", "B")}
print("widths", w["A"] < w["B"], w["B"] <= 61)  # 60 characters, plus the padding libxlsxwriter adds
m = {r[0]: r[1] for r in wb["Manifest"].iter_rows(min_row=2, values_only=True)}
print("manifest-risks", m.get("rows.risks"))
print("manifest-head", m.get("audit_head"))
print("manifest-rule0", m.get("rules[0].name"), m.get("rules[0].sha256"))
print("manifest-truncated", m.get("xlsx_truncated"))
oh = wb["Owner history"]
print("owners", [c.value for c in oh[1]], [(r[0], r[1], r[2], r[3].isoformat() if r[3] else None) for r in oh.iter_rows(min_row=2, values_only=True)])
)py",
                    dir);
  INFO(got);
  CHECK(got.find("Risks,Assessments,Feeds,Heat map,Manifest,Owner history,Field history,Decisions\n") == 0);
  CHECK(got.find("at-type datetime ") != std::string::npos);
  CHECK(got.find("at-format yyyy-mm-dd hh:mm:ss\n") != std::string::npos);
  // R5 at B2 is Very high: its band cell is filled with that band's colour from rules/matrix.toml.
  CHECK(got.find("band-fill very-high FFD7191C\n") != std::string::npos);
  // ABOVE_APPETITE is critical: R5's flags are red and bold.
  CHECK(got.find("flags-ink FFB00020 True\n") != std::string::npos);
  CHECK(got.find("widths True True\n") != std::string::npos);
  CHECK(got.find("manifest-risks 9\n") != std::string::npos);
  CHECK(got.find("manifest-head " + man["audit_head"].get<std::string>() + "\n") != std::string::npos);
  CHECK(got.find("manifest-rule0 " + man["rules"][0]["name"].get<std::string>() + " " +
                 man["rules"][0]["sha256"].get<std::string>() + "\n") != std::string::npos);
  CHECK(got.find("manifest-truncated []\n") != std::string::npos);
  CHECK(got.find("owners ['risk', 'owner', 'by', 'at', 'reason'] [('R5', 'Jan Lefevre', 'manager', "
                 "'2026-12-02T08:30:00')]") != std::string::npos);
}

TEST_CASE(
    "export --format xlsx cuts text past Excel's cell limit, marks it, lists it in the manifest, CSV and "
    "JSON keep it whole",
    "[cli][export][xlsx]") {
  TempDir dir;
  auto db = init_darlington(dir);
  // 40,000 characters, some of them two bytes long, ending with a word that must not survive the cut.
  std::string reason;
  while (reason.size() < 39000) reason += "Budget pressure é ";
  reason += "TAIL-WORD";
  const size_t chars = [&] {
    size_t n = 0;
    for (unsigned char c : reason) n += (c & 0xC0) != 0x80;
    return n;
  }();
  REQUIRE(chars > 32767);
  auto sc = run_riskreg({"--db", db, "score", "5", "B2", "--reason", reason, "--as", "alice"});
  INFO(sc.err);
  REQUIRE(sc.exit_code == 0);
  auto out = dir.file("long.xlsx");
  auto r = run_riskreg({"--db", db, "export", "--format", "xlsx", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto got = python(R"py(
import openpyxl
wb = openpyxl.load_workbook(")py" +
                        out + R"py(")
hist = wb["Assessments"]
for row in hist.iter_rows(min_row=2, values_only=True):
    if row[1] == "R5" and row[6] == "alice":
        v = row[-1]
        print("len", len(v), len(v.encode("utf-16-le")) // 2 <= 32767)
        print("tail", "TAIL-WORD" in v)
        print("mark", v[v.rfind("\n") + 1:])
        print("row", hist.max_row)
m = {r[0]: r[1] for r in wb["Manifest"].iter_rows(min_row=2, values_only=True)}
for k in ("sheet", "row", "column", "risk", "characters"):
    print("cut", k, m.get("xlsx_truncated[0]." + k))
print("cut-count", sum(1 for k in m if k.startswith("xlsx_truncated[") and k.endswith("].sheet")))
)py",
                    dir);
  INFO(got);
  CHECK(got.find("len ") != std::string::npos);
  CHECK(got.find(" True\n") != std::string::npos);
  CHECK(got.find("tail False\n") != std::string::npos);
  CHECK(got.find("mark [... cut by riskreg: " + std::to_string(chars) +
                 " characters in all, more than an Excel cell holds; the whole text is in the CSV and JSON exports]") !=
        std::string::npos);
  CHECK(got.find("cut sheet Assessments\n") != std::string::npos);
  CHECK(got.find("cut column reason\n") != std::string::npos);
  CHECK(got.find("cut risk R5\n") != std::string::npos);
  CHECK(got.find("cut characters " + std::to_string(chars) + "\n") != std::string::npos);
  CHECK(got.find("cut-count 1\n") != std::string::npos);
  // The row named is the sheet's row holding the cut cell.
  std::smatch m;
  REQUIRE(std::regex_search(got, m, std::regex("cut row ([0-9]+)\n")));
  CHECK(std::stoi(m[1]) >= 2);

  auto csv = dir.file("long-csv");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "csv", "--out", csv}).exit_code == 0);
  CHECK(read_file(csv + "/assessments.csv").find(reason) != std::string::npos);
  auto js = dir.file("long.json");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", js}).exit_code == 0);
  bool whole = false;
  const auto exported = nlohmann::json::parse(read_file(js));  // kept alive for the loop
  for (const auto& a : exported["assessments"]) whole = whole || a["reason"].get<std::string>() == reason;
  CHECK(whole);
}

TEST_CASE("export --format xlsx: a closed risk stays in the Risks sheet and leaves the heat map", "[cli][export]") {
  TempDir dir;
  auto db = init_darlington(dir);
  // R6 and R9 are both at B2; R6 is closed.
  REQUIRE(run_riskreg({"--db", db, "close", "R6", "--reason", "Merged into R9"}).exit_code == 0);
  auto out = dir.file("closed.xlsx");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "xlsx", "--out", out}).exit_code == 0);
  auto got = python(R"py(
import openpyxl
wb = openpyxl.load_workbook(")py" +
                        out + R"py(")
risks = wb["Risks"]
head = [c.value for c in risks[1]]
r6 = [row for row in risks.iter_rows(min_row=2, values_only=True) if row[0] == "R6"][0]
print("R6", r6[head.index("status")])
hm = wb["Heat map"]
print("b2", [c.value for row in hm.iter_rows() for c in row if c.value and str(c.value).startswith("B2")])
)py",
                    dir);
  INFO(got);
  CHECK(got.find("R6 closed\n") != std::string::npos);
  CHECK(got.find("b2 ['B2 (1)']") != std::string::npos);
}
