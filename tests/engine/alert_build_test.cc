// Building and rendering the monthly alert from a real Darlington register with a history:
// newly above, still above, dropped below; movement, flags, upstream risks, mitigations;
// HTML escaping of register text.
#include <sys/stat.h>

#include <algorithm>

#include <catch2/catch.hpp>

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
  CHECK(ids(a.still_above) == std::vector<std::string>{"R2", "R4", "R5", "R6", "R7", "R8", "R9"});
  CHECK(ids(a.dropped_below) == std::vector<std::string>{"R3"});
  const auto& r1 = a.newly_above[0];
  CHECK(r1.score == "B2");
  CHECK(r1.previous_score == "F4");
  CHECK(r1.movement == "worsened from F4");
  // R1 is fed by R5, which R2, R7 and R8 feed: all above appetite.
  CHECK(r1.upstream.size() == 4);
  CHECK(r1.upstream[0].rfind("R5 (B2) ", 0) == 0);
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
  CHECK(s.text.find("== Newly above appetite (1) ==") != std::string::npos);
  CHECK(s.text.find("== Dropped below appetite since last period (1) ==") != std::string::npos);
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
