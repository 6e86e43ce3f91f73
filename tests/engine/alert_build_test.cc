// Building and rendering the monthly alert from a real Darlington register with a history:
// newly above, still above, dropped below; movement, flags, upstream risks, mitigations;
// HTML escaping of register text.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>

#include "alert/address.h"
#include "alert/build.h"
#include "alert/config.h"
#include "alert/deliver.h"
#include "alert/render.h"
#include "alert/send.h"
#include "core/error.h"
#include "data/register_loader.h"
#include "register/rules_bundle.h"
#include "rules/matrix_file.h"
#include "rules/rule_set.h"
#include "store/sqlite_store.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::source_path;
using riskreg::test::TempDir;

namespace {
Timestamp at(const char* s) { return *parse_timestamp(s); }

/// Darlington created on 15 September (all nine above appetite); R1 drops below in October
/// and comes back in November; R3 drops below and R5 worsens in November.
struct Fixture {
  TempDir dir;
  std::vector<RulesFile> rules = read_rules_dir(source_path("rules"));
  Matrix matrix = matrix_from(rules);
  SqliteStore store{dir.file("r.db"), SqliteStore::Mode::Create};
  rules::RuleSet rule_set;
  Fixture() {
    store.create(load_register_dir(source_path("data/darlington-2009"), matrix), rules, "loader", at("2026-09-15"),
                 "initial");
    rule_set = rules::rule_set_from(store.rules(), matrix);
    score("R1", "F", "4", "2026-10-10");
    score("R1", "B", "2", "2026-11-05");
    score("R3", "F", "4", "2026-11-06");
    score("R5", "B", "2", "2026-11-07");
    store.assign_owner("R5", "O'Brien & <Sons>", "manager", at("2026-11-01"), "named");
    store.assign_owner("R2", "Jan Lefevre", "manager", at("2026-11-01"), "named");
  }
  void score(const char* id, const char* l, const char* i, const char* when) {
    store.append_assessment({id, {l, i}, "tester", at(when), "review", std::nullopt});
  }
};

std::vector<std::string> ids(const std::vector<alert::AlertRisk>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r.id);
  return out;
}

const alert::AlertRisk& find(const std::vector<alert::AlertRisk>& v, const std::string& id) {
  auto it = std::find_if(v.begin(), v.end(), [&](const auto& r) { return r.id == id; });
  REQUIRE(it != v.end());
  return *it;
}
}  // namespace

TEST_CASE("periods: YYYY-MM, the month of a time, and bad text", "[alert]") {
  auto p = alert::parse_period("2026-02");
  CHECK(p.name == "2026-02");
  CHECK(format_timestamp(p.start) == "2026-02-01T00:00:00Z");
  CHECK(format_timestamp(p.next) == "2026-03-01T00:00:00Z");
  CHECK(alert::period_of(at("2026-12-31T23:59:59Z")).name == "2026-12");
  CHECK(format_timestamp(alert::period_of(at("2026-12-31T23:59:59Z")).next) == "2027-01-01T00:00:00Z");
  CHECK(alert::previous_period(alert::parse_period("2026-01")).name == "2025-12");
  for (auto bad : {"2026-13", "2026-1", "26-11", "2026/11", "november"}) {
    INFO(bad);
    CHECK_THROWS_AS(alert::parse_period(bad), Error);
  }
}

TEST_CASE("the November alert: newly above, still above, dropped below, against the end of October", "[alert]") {
  Fixture f;
  auto a =
      alert::build_alert(f.store, f.matrix, f.rule_set, alert::parse_period("2026-11"), at("2026-11-23T09:00:00Z"));
  CHECK(a.period == "2026-11");
  CHECK(a.as_of == "2026-11-23T09:00:00Z");
  CHECK(a.previous_as_of == "2026-10-31T23:59:59Z");
  CHECK(ids(a.newly_above) == std::vector<std::string>{"R1"});
  auto still = ids(a.still_above);
  std::sort(still.begin(), still.end());
  CHECK(still == std::vector<std::string>{"R2", "R4", "R5", "R6", "R7", "R8", "R9"});
  CHECK(a.still_above.front().id == "R5");  // B2, very high: the most severe
  CHECK(ids(a.dropped_below) == std::vector<std::string>{"R3"});
  const auto& r1 = a.newly_above[0];
  CHECK(r1.score == "B2");
  CHECK(r1.previous_score == "F4");
  CHECK(r1.movement == "worsened from F4");
  // R1 is fed by R5, which R2, R7 and R8 feed: all above appetite.
  REQUIRE(r1.upstream.size() == 4);
  CHECK(r1.upstream[0].text().rfind("R5 (B2) ", 0) == 0);
  CHECK(r1.upstream[0].via.empty());
  // R2 feeds R1 through R5: said, not left for the reader to guess.
  CHECK(r1.upstream[1].via == std::vector<std::string>{"R5"});
  CHECK(r1.upstream[1].text().ends_with(", via R5"));
  // Who re-scored R1 in November, and why.
  REQUIRE(r1.rescore);
  CHECK(r1.rescore->by == "tester");
  CHECK(r1.rescore->at == "2026-11-05T00:00:00Z");
  // The headline: what changed, before the detail.
  REQUIRE(a.changes.size() == 3);
  CHECK(a.changes[0].what == "newly above appetite");
  CHECK(a.changes[0].ids == std::vector<std::string>{"R1"});
  CHECK(a.changes[1].what == "worsened");
  CHECK(a.changes[1].ids == std::vector<std::string>{"R5"});
  CHECK(a.changes[2].what == "dropped below appetite");
  // ABOVE_APPETITE is carried by every risk above appetite: named once, not under each.
  // (no risk has a target, and no decision is recorded)
  CHECK(a.common_flags == std::vector<std::string>{"ABOVE_APPETITE", "NO_RESPONSE", "NO_TARGET"});
  for (const auto& f : r1.flags) CHECK(f.rfind("ABOVE_APPETITE", 0) != 0);
  CHECK_FALSE(r1.flags.empty());
  // Most severe first: each list by band, then cell.
  for (const auto* list : {&a.newly_above, &a.still_above, &a.dropped_below})
    for (size_t i = 1; i < list->size(); ++i) CHECK((*list)[i - 1].severity >= (*list)[i].severity);
  // Actions dated "June 2009" are past due in 2026; "Spring Term 09" cannot be read as a month.
  int overdue = 0, unread = 0;
  for (const auto& p : r1.priorities)
    for (const auto& act : p.actions) {
      if (act.due == "June 2009") CHECK(act.overdue);
      if (act.due == "Spring Term 09") {
        CHECK_FALSE(act.overdue);
        ++unread;
      }
      overdue += act.overdue;
    }
  CHECK(overdue == r1.overdue_actions);
  CHECK(overdue > 0);
  CHECK(unread == 1);
  // The heat map counts the risks above appetite in their cells.
  int counted = 0;
  for (const auto& row : a.heat)
    for (const auto& c : row.cells) counted += c.count;
  CHECK(counted == 8);
  CHECK(a.heat.front().likelihood == "A");
  CHECK(a.heat.front().cells.front().score == "A1");
  const auto& r5 = find(a.still_above, "R5");
  CHECK(r5.movement == "worsened from C2");
  CHECK(r5.owner == "O'Brien & <Sons>");
  CHECK(r5.priorities.empty());  // the plan names no priority for R5
  REQUIRE_FALSE(r1.priorities.empty());
  CHECK(r1.priorities[0].id == "P1");
  bool has_action_with_officer = false;
  for (const auto& p : r1.priorities)
    for (const auto& act : p.actions) has_action_with_officer |= !act.lead_officers.empty() && !act.id.empty();
  CHECK(has_action_with_officer);
  CHECK(find(a.still_above, "R4").movement == "unchanged");
  CHECK(a.dropped_below[0].movement == "improved from D2");
  CHECK(a.owners() == std::vector<std::string>{"Jan Lefevre", "O'Brien & <Sons>"});
  auto jan = a.for_owner("Jan Lefevre");
  CHECK(ids(jan.still_above) == std::vector<std::string>{"R2"});
  CHECK(jan.newly_above.empty());
}

TEST_CASE("the October alert: R1 dropped below, nothing new", "[alert]") {
  Fixture f;
  auto a =
      alert::build_alert(f.store, f.matrix, f.rule_set, alert::parse_period("2026-10"), at("2026-11-23T09:00:00Z"));
  CHECK(a.as_of == "2026-10-31T23:59:59Z");
  CHECK(a.newly_above.empty());
  CHECK(ids(a.dropped_below) == std::vector<std::string>{"R1"});
  CHECK(a.still_above.size() == 8);
}

TEST_CASE("rendering: plain text verbatim, HTML escaped, owners get only their risks", "[alert]") {
  Fixture f;
  auto a =
      alert::build_alert(f.store, f.matrix, f.rule_set, alert::parse_period("2026-11"), at("2026-11-23T09:00:00Z"));
  auto t = alert::load_templates(source_path("rules/templates"));
  alert::AlertConfig c;
  c.risk_manager = "rm@example.org";
  c.recipients = {{"Jan Lefevre", "jan@example.org"}};
  auto plan = alert::compose(a, t, c, std::nullopt, true);
  REQUIRE(plan.messages.size() == 2);  // the summary and Jan; O'Brien has no address
  REQUIRE(plan.warnings.size() == 1);
  CHECK(plan.warnings[0] == "no address for owner 'O'Brien & <Sons>' in [recipients]: their part is not sent");
  const auto& s = plan.messages[0];
  CHECK(s.address == "rm@example.org");
  CHECK(s.subject ==
        "[riskreg] Darlington Children's Services Departmental Plan 2009-2013 2026-11: "
        "8 risks above appetite (1 new)");
  CHECK(s.text.find("== Newly above appetite (1), most severe first ==") != std::string::npos);
  CHECK(s.text.find("== Dropped below appetite since last period (1), most severe first ==") != std::string::npos);
  CHECK(s.text.find("owner O'Brien & <Sons>") != std::string::npos);
  CHECK(s.html.find("O&#39;Brien &amp; &lt;Sons&gt;") != std::string::npos);
  CHECK(s.html.find("<Sons>") == std::string::npos);
  const auto& j = plan.messages[1];
  CHECK(j.address == "jan@example.org");
  CHECK(j.text.find("For Jan Lefevre.") != std::string::npos);
  CHECK(j.text.find("R2  Recruitment and retention of foster carers") != std::string::npos);
  CHECK(j.text.find("R5  ") == std::string::npos);
  CHECK(j.sha256() != s.sha256());
  // Without addresses needed (stdout), O'Brien's part is composed too.
  CHECK(alert::compose(a, t, c, std::nullopt, false).messages.size() == 3);
  // A register that names its risk manager wins over the configuration.
  CHECK(alert::compose(a, t, c, std::string("boss@example.org"), true).messages[0].address == "boss@example.org");
  alert::AlertConfig none;
  CHECK_THROWS_WITH(alert::compose(a, t, none, std::nullopt, true),
                    "the register names no risk manager: set risk_manager in the alert configuration");
}

TEST_CASE("retries: bounded, with doubling back-off, stopping at a permanent refusal", "[alert]") {
  alert::DeliveryPolicy p;
  p.attempts = 3;
  p.backoff = std::chrono::milliseconds(10);
  std::vector<long> slept;
  auto sleep = [&](std::chrono::milliseconds d) { slept.push_back(static_cast<long>(d.count())); };
  int calls = 0;
  auto o = alert::with_retries(
      p,
      [&] {
        return alert::Attempt{false, true, "try " + std::to_string(++calls)};
      },
      sleep);
  CHECK_FALSE(o.sent);
  CHECK(o.attempts == 3);
  CHECK(o.detail == "try 3");
  CHECK(slept == std::vector<long>{10, 20});
  calls = 0;
  slept.clear();
  o = alert::with_retries(
      p,
      [&] {
        return alert::Attempt{false, false, "550 refused"};
      },
      sleep);
  CHECK(o.attempts == 1);
  CHECK(slept.empty());
  o = alert::with_retries(
      p,
      [&] {
        return alert::Attempt{++calls == 2, true, "x"};
      },
      sleep);
  CHECK(o.sent);
  CHECK(o.attempts == 2);
}

TEST_CASE("the SMTP message: headers, encoded subject, base64 parts", "[alert]") {
  alert::Message m{"owner", "Zoë", "zoe@example.org", "Risks — Zoë", "plain text\n", "<p>html</p>\n"};
  auto mime = alert::mime_message(m, "riskreg@example.org", at("2026-11-23T09:00:00Z"));
  CHECK(mime.find("Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n") != std::string::npos);
  CHECK(mime.find("From: <riskreg@example.org>\r\nTo: <zoe@example.org>\r\n") != std::string::npos);
  CHECK(mime.find("Subject: =?UTF-8?B?") != std::string::npos);
  CHECK(mime.find("cGxhaW4gdGV4dAo=") != std::string::npos);  // base64("plain text\n")
  CHECK(mime.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
}

TEST_CASE("periods are local months: BST/GMT boundaries and a zone east of UTC", "[alert]") {
  // 00:05 BST on 1 October is 23:05 UTC on 30 September: in London it is October.
  auto oct = alert::period_of(at("2026-09-30T23:05:00Z"), "Europe/London");
  CHECK(oct.name == "2026-10");
  CHECK(format_timestamp(oct.start) == "2026-09-30T23:00:00Z");  // midnight BST
  CHECK(format_timestamp(oct.next) == "2026-11-01T00:00:00Z");   // midnight GMT: the clocks went back
  CHECK(alert::previous_period(oct).name == "2026-09");
  CHECK(alert::period_of(at("2026-09-30T22:59:59Z"), "Europe/London").name == "2026-09");
  // Into summer time: March starts in GMT and ends in BST.
  auto mar = alert::parse_period("2026-03", "Europe/London");
  CHECK(format_timestamp(mar.start) == "2026-03-01T00:00:00Z");
  CHECK(format_timestamp(mar.next) == "2026-03-31T23:00:00Z");
  // East of UTC, the 1st begins the evening before in UTC.
  auto nov = alert::period_of(at("2026-10-31T15:00:00Z"), "Asia/Tokyo");
  CHECK(nov.name == "2026-11");
  CHECK(format_timestamp(nov.start) == "2026-10-31T15:00:00Z");
  CHECK(alert::period_of(at("2026-10-31T14:59:59Z"), "Asia/Tokyo").name == "2026-10");
  CHECK(alert::local_time(at("2026-10-31T15:00:00Z"), "Asia/Tokyo") == "2026-11-01 00:00 JST");
  CHECK_THROWS_WITH(alert::parse_period("2026-11", "Mars/Olympus"),
                    Catch::Contains("unknown time zone 'Mars/Olympus'"));
}

TEST_CASE("a month before the register held any assessment says so", "[alert]") {
  Fixture f;
  auto a =
      alert::build_alert(f.store, f.matrix, f.rule_set, alert::parse_period("2026-08"), at("2026-11-23T09:00:00Z"));
  CHECK_FALSE(a.held_assessment);
  CHECK(a.empty());
  auto t = alert::load_templates(source_path("rules/templates"));
  auto s = alert::render_summary(a, t);
  CHECK(s.text.find("The register held no assessment by the end of 2026-08") != std::string::npos);
  CHECK(s.text.find("No risk is above appetite") == std::string::npos);
  CHECK(s.subject.ends_with("2026-08: no assessment held yet"));
  auto sep =
      alert::build_alert(f.store, f.matrix, f.rule_set, alert::parse_period("2026-09"), at("2026-11-23T09:00:00Z"));
  CHECK(sep.held_assessment);
  CHECK_FALSE(sep.held_previous);
}

TEST_CASE("templates: a broken one is refused at file:line:col", "[alert]") {
  alert::Template ok{"t.mustache", "{{#a}}x{{/a}} {{{b}}} {{! a\ncomment }}"};
  CHECK_NOTHROW(alert::check_template(ok));
  auto message = [](const std::string& text) {
    try {
      alert::check_template({"t.mustache", text});
    } catch (const FileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("line 1\n  {{#risks}}\n{{/risk}}\n") ==
        "t.mustache:3:1: '{{/risk}}' closes 'risks', opened at line 2; expected '{{/risks}}'");
  CHECK(message("a\nb {{#x}}\n") == "t.mustache:2:3: section 'x' is never closed (expected '{{/x}}')");
  CHECK(message("{{title\n}}") == "t.mustache:1:1: a tag opened here is not closed on its line with '}}'");
  CHECK(message("x {{{title}}") == "t.mustache:1:3: a tag opened here is never closed with '}}}'");
  CHECK(message("{{/x}}") == "t.mustache:1:1: '{{/x}}' closes a section that was never opened");
  CHECK(message("{{> part}}") == "t.mustache:1:1: partials ({{> name}}) are not supported in alert templates");
}

TEST_CASE("addresses: only plain local@domain, headers refuse controls", "[alert]") {
  for (auto good : {"jan@example.org", "o'brien+alerts@mail.example.co.uk", "a@localhost"})
    CHECK(alert::valid_address(good));
  for (auto bad : {"Jan Lefevre", "a@b@c", "<a@b.org>", "a@b.org\r\nRCPT TO:<evil@x.org>", "a b@c.org", "a@-b.org",
                   "a..b@c.org", ".a@c.org", "a@c..org", "\"a\"@c.org", "a@c.org>", "@c.org", "a@"})
    CHECK_FALSE(alert::valid_address(bad));
  CHECK_FALSE(alert::valid_address(std::string(65, 'a') + "@c.org"));
  alert::Message m{"owner", "x", "x@example.org", "Subject\r\nBcc: evil@example.org", "t", "h"};
  CHECK_THROWS_WITH(alert::mime_message(m, "riskreg@example.org", at("2026-11-23")),
                    Catch::StartsWith("the Subject header contains the control character U+000D"));
  m.subject = "fine";
  m.address = "x@example.org>\r\nRCPT TO:<evil@example.org";
  CHECK_THROWS_AS(alert::mime_message(m, "riskreg@example.org", at("2026-11-23")), Error);
  CHECK(alert::escape_controls("a\r\nb\x1b[2J") == "a\\r\\nb\\x1b[2J");
  // An owner whose name merely holds '@' gets no address from it.
  Fixture f;
  f.store.assign_owner("R4", "x@example.org>, <evil@example.org", "manager", at("2026-11-01"), "named");
  auto a =
      alert::build_alert(f.store, f.matrix, f.rule_set, alert::parse_period("2026-11"), at("2026-11-23T09:00:00Z"));
  alert::AlertConfig c;
  c.risk_manager = "rm@example.org";
  auto plan = alert::compose(a, alert::load_templates(source_path("rules/templates")), c, std::nullopt, true);
  for (const auto& msg : plan.messages) CHECK(msg.address == "rm@example.org");
  // A configuration address with a line break is refused where it is written.
  CHECK_THROWS_WITH(
      alert::parse_alert_config("[recipients]\n\"Jan\" = \"jan@example.org\\r\\nRCPT TO:<e@x.org>\"\n", "a.toml"),
      Catch::StartsWith("a.toml:2:"));
  CHECK_THROWS_WITH(alert::parse_alert_config("timezone = \"Europe/Londn\"\n", "a.toml"),
                    Catch::StartsWith("a.toml:1:"));
  CHECK(alert::parse_alert_config("timezone = \"Asia/Tokyo\"\n", "a.toml").timezone == "Asia/Tokyo");
}

TEST_CASE("file names: unique per message and bounded", "[alert]") {
  alert::FileTransport t("/tmp", "2026-11");
  alert::Message summary{"summary", "risk manager", "", "s", "", ""};
  alert::Message owner_rm{"owner", "risk manager", "", "s", "", ""};
  alert::Message slash{"owner", "Ann/Lee", "", "s", "", ""};
  alert::Message query{"owner", "Ann?Lee", "", "s", "", ""};
  alert::Message dots{"owner", "../../etc/passwd", "", "s", "", ""};
  alert::Message longer{"owner", std::string(5000, 'x'), "", "s", "", ""};
  CHECK(t.base_name(summary) == "2026-11-summary");
  CHECK(t.base_name(owner_rm) != t.base_name(summary));
  CHECK(t.base_name(slash) != t.base_name(query));
  CHECK(t.base_name(slash).rfind("2026-11-owner-Ann_Lee-", 0) == 0);
  CHECK(t.base_name(dots).find('/') == std::string::npos);
  CHECK(t.base_name(longer).size() < 100);
}

TEST_CASE("deliveries are keyed by message: a shared address, one part failed, the retry sends it", "[alert]") {
  Fixture f;
  auto a =
      alert::build_alert(f.store, f.matrix, f.rule_set, alert::parse_period("2026-11"), at("2026-11-23T09:00:00Z"));
  alert::AlertConfig c;
  c.risk_manager = "shared@example.org";
  c.recipients = {{"Jan Lefevre", "shared@example.org"}};
  auto plan = alert::compose(a, alert::load_templates(source_path("rules/templates")), c, std::nullopt, false);
  REQUIRE(plan.messages.size() == 3);
  std::string dir = f.dir.file("out");
  alert::FileTransport t(dir, "2026-11");
  const auto& jan = plan.messages[1];
  REQUIRE(jan.recipient == "Jan Lefevre");
  // Jan's file cannot be written (a directory is in the way): his part fails, the rest go.
  std::filesystem::create_directories(dir + "/" + t.base_name(jan) + ".txt");
  FixedClock clock(at("2026-11-23T09:00:00Z"));
  auto first = alert::send_all(f.store, t, "2026-11", plan.messages, false, false, "test", clock);
  CHECK(first.sent == 2);
  CHECK(first.failed == 1);
  std::filesystem::remove(dir + "/" + t.base_name(jan) + ".txt");
  auto retry = alert::send_all(f.store, t, "2026-11", plan.messages, false, false, "test", clock);
  CHECK(retry.sent == 1);
  CHECK(retry.already == 2);
  CHECK(retry.results[1].status == "sent");
  CHECK(retry.results[1].key == "owner: Jan Lefevre <shared@example.org>");
  CHECK(std::filesystem::exists(dir + "/" + t.base_name(jan) + ".txt"));
}
