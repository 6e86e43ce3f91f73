// riskreg alert end to end, against real servers on loopback: Debian's aiosmtpd with a
// recording handler (tests/fixtures/alert/smtp_recorder.py) and a small http.server
// (tests/fixtures/alert/webhook_server.py), each a child process killed at scope end.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>
#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kPython = "/usr/bin/python3";  // Debian's, which has python3-aiosmtpd

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

/// A server child process on 127.0.0.1:port, killed (and reaped) at scope end.
class Server {
 public:
  Server(std::vector<std::string> args, int port) : port_(port) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setenv("PYTHONPATH", source_path("tests/fixtures/alert").c_str(), 1);
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      std::vector<char*> argv{const_cast<char*>(kPython)};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(kPython, argv.data());
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!accepts(port_)) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("server did not start: " + args[0]);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Server() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

 private:
  pid_t pid_ = -1;
  int port_;
};

/// aiosmtpd saving each message to `outdir` as JSON, refusing `refuse` with 550.
std::unique_ptr<Server> smtp_server(int port, const std::string& outdir, const std::string& refuse = "") {
  fs::create_directories(outdir);
  std::vector<std::string> args{
      "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c", "smtp_recorder.Recorder", outdir};
  if (!refuse.empty()) args.push_back(refuse);
  return std::make_unique<Server>(args, port);
}

std::unique_ptr<Server> http_server(int port, const std::string& outdir, int status = 200) {
  fs::create_directories(outdir);
  return std::make_unique<Server>(std::vector<std::string>{source_path("tests/fixtures/alert/webhook_server.py"),
                                                           std::to_string(port), outdir, std::to_string(status)},
                                  port);
}

/// The JSON files a server saved, in arrival order.
std::vector<json> received(const std::string& dir) {
  std::vector<std::string> names;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".json") names.push_back(e.path().string());
  std::sort(names.begin(), names.end());
  std::vector<json> out;
  for (const auto& n : names) out.push_back(json::parse(read_file(n)));
  return out;
}

const json* to(const std::vector<json>& msgs, const std::string& rcpt) {
  for (const auto& m : msgs)
    if (m["rcpt_tos"] == json::array({rcpt})) return &m;
  return nullptr;
}

int deliveries(const std::string& db, const std::string& where = "1") {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM alert_deliveries WHERE " + where).getInt();
}

/// Darlington created on 15 September; in November R1 is re-scored and R2, R5 and R9 get
/// owners (R9's has no address in the configuration).
struct Register {
  TempDir dir;
  std::string db = dir.file("register.db");
  std::string config = dir.file("alert.toml");
  int smtp_port = free_port();
  int http_port = free_port();
  Register() {
    auto i = run_riskreg({"--db", db, "init"}, {{"RISKREG_NOW", "2026-09-15T08:00:00Z"}});
    REQUIRE(i.exit_code == 0);
    std::map<std::string, std::string> nov = {{"RISKREG_NOW", "2026-11-02T10:00:00Z"}};
    REQUIRE(run_riskreg({"--db", db, "score", "R1", "F4", "--reason", "reviewed"}, {{"RISKREG_NOW", "2026-10-10"}})
                .exit_code == 0);
    REQUIRE(run_riskreg({"--db", db, "score", "R1", "B2", "--reason", "worse again"}, nov).exit_code == 0);
    REQUIRE(run_riskreg({"--db", db, "owner", "R5", "O'Brien & <Sons>"}, nov).exit_code == 0);
    REQUIRE(run_riskreg({"--db", db, "owner", "R2", "Jan Lefevre"}, nov).exit_code == 0);
    REQUIRE(run_riskreg({"--db", db, "owner", "R9", "Ann Nobody"}, nov).exit_code == 0);
    write_config();
  }
  void write_config(const std::string& smtp_extra = "", int attempts = 2) {
    write_file(config,
               "risk_manager = \"rm@example.org\"\n"
               "[recipients]\n\"Jan Lefevre\" = \"jan@example.org\"\n\"O'Brien & <Sons>\" = \"obrien@example.org\"\n"
               "[smtp]\nhost = \"127.0.0.1\"\nport = " +
                   std::to_string(smtp_port) + "\nsender = \"riskreg@example.org\"\n" + smtp_extra +
                   "[webhook]\nurl = \"http://127.0.0.1:" + std::to_string(http_port) +
                   "/hooks/T0KEN\"\n[delivery]\nattempts = " + std::to_string(attempts) +
                   "\nbackoff_ms = 10\ntimeout_seconds = 3\n");
  }
  RunResult alert(std::vector<std::string> args, std::map<std::string, std::string> env = {}) const {
    std::vector<std::string> all{"--db", db, "alert", "--config", config};
    if (std::find(args.begin(), args.end(), "--period") == args.end()) all.insert(all.end(), {"--period", "2026-11"});
    all.insert(all.end(), args.begin(), args.end());
    env.emplace("TZ", "UTC");  // months in UTC unless a test names a zone
    return run_riskreg(all, env);
  }
};

}  // namespace

TEST_CASE("alert to stdout: the summary and each owner's part, without a configuration", "[cli][alert][golden]") {
  Register r;
  auto a = run_riskreg({"--db", r.db, "alert", "--period", "2026-11"}, {{"HOME", r.dir.path()}, {"TZ", "UTC"}});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  check_golden("alert-2026-11.txt", a.out);
  CHECK(deliveries(r.db) == 0);
  // One vocabulary (issue 21): a band by its name, as `list` and `show` write it.
  CHECK(a.out.find("score B2 (very-high), worsened from F4") != std::string::npos);
  CHECK(a.out.find("score C2 (high), unchanged") != std::string::npos);
  CHECK(a.out.find("Very high") == std::string::npos);
  CHECK(a.out.find("(High)") == std::string::npos);
}

TEST_CASE("alert --to smtp: each recipient gets their message, once per period, again with --resend", "[cli][alert]") {
  Register r;
  std::string inbox = r.dir.file("inbox");
  auto server = smtp_server(r.smtp_port, inbox);
  auto a = r.alert({"--to", "smtp", "--as", "scheduler"});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(a.err.find("riskreg alert: warning: no address for owner 'Ann Nobody' in [recipients]") != std::string::npos);
  CHECK(a.err.find("riskreg alert: 3 sent for 2026-11\n") != std::string::npos);
  auto msgs = received(inbox);
  REQUIRE(msgs.size() == 3);
  const json* rm = to(msgs, "rm@example.org");
  const json* jan = to(msgs, "jan@example.org");
  const json* ob = to(msgs, "obrien@example.org");
  REQUIRE(rm);
  REQUIRE(jan);
  REQUIRE(ob);
  CHECK((*rm)["mail_from"] == "riskreg@example.org");
  CHECK((*rm)["subject"] ==
        "[riskreg] Darlington Children's Services Departmental Plan 2009-2013 2026-11: 9 risks above appetite (1 new)");
  CHECK((*jan)["subject"].get<std::string>().ends_with(" - Jan Lefevre"));
  std::string rm_text = (*rm)["text"], jan_text = (*jan)["text"], ob_html = (*ob)["html"], ob_text = (*ob)["text"];
  CHECK(rm_text.find("== Newly above appetite (1), most severe first ==\n\nR1  ") != std::string::npos);
  CHECK(rm_text.find("R9  ") != std::string::npos);
  CHECK(jan_text.find("R2  Recruitment and retention of foster carers") != std::string::npos);
  CHECK(jan_text.find("R5  ") == std::string::npos);
  CHECK(ob_text.find("owner O'Brien & <Sons>") != std::string::npos);
  CHECK(ob_html.find("owner O&#39;Brien &amp; &lt;Sons&gt;.") != std::string::npos);
  CHECK(ob_html.find("<Sons>") == std::string::npos);
  CHECK(deliveries(r.db, "status = 'sent' AND channel = 'smtp' AND period = '2026-11'") == 3);
  {
    SQLite::Database d(r.db, SQLite::OPEN_READONLY);
    CHECK(d.execAndGet("SELECT count(*) FROM audit WHERE action = 'alert' AND actor = 'scheduler'").getInt() == 3);
  }

  // A scheduler's retry: nothing twice.
  auto again = r.alert({"--to", "smtp"});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("riskreg alert: nothing to send for 2026-11") != std::string::npos);
  CHECK(received(inbox).size() == 3);
  CHECK(deliveries(r.db) == 3);

  auto resend = r.alert({"--to", "smtp", "--resend"});
  CHECK(resend.exit_code == 0);
  CHECK(received(inbox).size() == 6);
  CHECK(deliveries(r.db) == 6);
  CHECK(run_riskreg({"--db", r.db, "audit", "verify"}).exit_code == 0);
}

TEST_CASE("alert --to smtp --dry-run: shows the messages, sends and records nothing", "[cli][alert]") {
  Register r;
  std::string inbox = r.dir.file("inbox");
  auto server = smtp_server(r.smtp_port, inbox);
  auto a = r.alert({"--to", "smtp", "--dry-run"});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(a.out.rfind("Dry run: nothing below is sent or recorded (--to smtp would send 3 messages).\n\n"
                    "To: risk manager <rm@example.org>\nSubject: [riskreg] ",
                    0) == 0);
  CHECK(a.out.find("To: Jan Lefevre <jan@example.org>\n") != std::string::npos);
  CHECK(a.err.find("riskreg alert: dry run: 3 would be sent, nothing recorded\n") != std::string::npos);
  CHECK(received(inbox).empty());
  CHECK(deliveries(r.db) == 0);
}

TEST_CASE("alert --to smtp with a refused recipient: the others are sent, the refusal is kept and retried",
          "[cli][alert]") {
  Register r;
  std::string inbox = r.dir.file("inbox");
  auto server = smtp_server(r.smtp_port, inbox, "jan@example.org");
  auto a = r.alert({"--to", "smtp"});
  CHECK(a.exit_code == 10);
  CHECK(a.err.find("riskreg alert: 2026-11 smtp owner: Jan Lefevre <jan@example.org>: failed (1 attempt): ") !=
        std::string::npos);
  CHECK(a.err.find("550") != std::string::npos);
  CHECK(a.err.find("riskreg: 1 of 3 deliveries for 2026-11 failed (smtp); run again to retry them\n") !=
        std::string::npos);
  auto msgs = received(inbox);
  CHECK(msgs.size() == 2);
  CHECK_FALSE(to(msgs, "jan@example.org"));
  CHECK(deliveries(r.db, "status = 'sent'") == 2);
  CHECK(deliveries(r.db, "status = 'failed' AND recipient = 'owner: Jan Lefevre <jan@example.org>' AND attempts = 1") ==
        1);

  // The retry run attempts only Jan again.
  auto again = r.alert({"--to", "smtp"});
  CHECK(again.exit_code == 10);
  CHECK(received(inbox).size() == 2);
  CHECK(deliveries(r.db, "status = 'failed'") == 2);
  CHECK(deliveries(r.db, "status = 'sent'") == 2);
}

TEST_CASE("alert --to smtp with the server down: bounded retries, exit 10, nothing recorded as sent", "[cli][alert]") {
  Register r;  // no server on r.smtp_port
  auto start = std::chrono::steady_clock::now();
  auto a = r.alert({"--to", "smtp"});
  CHECK(a.exit_code == 10);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(a.err.find("riskreg alert: 2026-11 smtp summary: risk manager <rm@example.org>: failed (2 attempts): "
                   "smtp://127.0.0.1:") != std::string::npos);
  CHECK(a.err.find("riskreg: 3 of 3 deliveries for 2026-11 failed (smtp)") != std::string::npos);
  CHECK(deliveries(r.db, "status = 'sent'") == 0);
  CHECK(deliveries(r.db, "status = 'failed' AND attempts = 2") == 3);
}

TEST_CASE("alert --to webhook: one JSON POST per message, once per period, retried on 500", "[cli][alert]") {
  Register r;
  std::string posts = r.dir.file("posts");
  {
    auto server = http_server(r.http_port, posts);
    auto a = r.alert({"--to", "webhook"});
    INFO(a.err);
    REQUIRE(a.exit_code == 0);
    auto bodies = received(posts);
    REQUIRE(bodies.size() == 4);  // the summary, Ann Nobody, Jan Lefevre, O'Brien: a chat needs no address
    CHECK(bodies[0]["riskreg"]["kind"] == "summary");
    CHECK(bodies[0]["text"].get<std::string>().rfind("[riskreg] Darlington", 0) == 0);
    CHECK(a.err.find("T0KEN") == std::string::npos);
    CHECK(r.alert({"--to", "webhook"}).exit_code == 0);
    CHECK(received(posts).size() == 4);
    CHECK(deliveries(r.db, "channel = 'webhook' AND status = 'sent'") == 4);
  }
  Register r2;
  std::string failing = r2.dir.file("posts");
  auto server = http_server(r2.http_port, failing, 500);
  auto b = r2.alert({"--to", "webhook"});
  CHECK(b.exit_code == 10);
  CHECK(b.err.find("webhook: HTTP 500") != std::string::npos);
  CHECK(received(failing).size() == 8);  // 4 messages x 2 attempts
  CHECK(deliveries(r2.db, "status = 'sent'") == 0);
}

TEST_CASE("alert --to file writes text and HTML per recipient, once", "[cli][alert]") {
  Register r;
  std::string out = r.dir.file("alerts");
  auto a = r.alert({"--to", "file", "--out", out});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(fs::exists(out + "/2026-11-summary.txt"));
  std::string obrien;
  for (const auto& e : fs::directory_iterator(out))
    if (e.path().filename().string().rfind("2026-11-owner-O_Brien_Sons_-", 0) == 0 && e.path().extension() == ".html")
      obrien = e.path().string();
  REQUIRE_FALSE(obrien.empty());
  std::string html = read_file(obrien);
  CHECK(html.find("O&#39;Brien &amp; &lt;Sons&gt;") != std::string::npos);
  CHECK(deliveries(r.db, "channel = 'file'") == 4);
  CHECK(r.alert({"--to", "file", "--out", out}).err.find("nothing to send") != std::string::npos);
}

TEST_CASE("alert errors: bad period, bad config, unsafe password file, missing configuration", "[cli][alert][errors]") {
  Register r;
  auto p = r.alert({"--period", "2026-13"});
  CHECK(p.exit_code == 2);
  CHECK(p.err == "riskreg: --period: expected YYYY-MM (e.g. 2026-11), got '2026-13'\n");
  auto future = r.alert({"--period", "2027-01"});
  CHECK(future.exit_code == 2);
  write_file(r.dir.file("pw"), "hunter2\n");
  ::chmod(r.dir.file("pw").c_str(), 0644);
  r.write_config("username = \"riskreg\"\npassword_file = \"" + r.dir.file("pw") + "\"\n");
  auto pw = r.alert({"--to", "smtp"});
  CHECK(pw.exit_code == 4);
  CHECK(pw.err.find("is readable by others; make it readable by its owner only (chmod 600)") != std::string::npos);
  CHECK(pw.err.find("hunter2") == std::string::npos);
  r.write_config("username = \"riskreg\"\npassword_env = \"RISKREG_TEST_SMTP_PW\"\n");
  auto env = r.alert({"--to", "smtp"});
  CHECK(env.exit_code == 4);
  CHECK(env.err.find("riskreg: the SMTP password variable RISKREG_TEST_SMTP_PW is not set\n") != std::string::npos);
  write_file(r.config, "[smtp]\nhost = \"h\"\nsender = \"s\"\nprot = 25\n");
  auto bad = r.alert({"--to", "smtp"});
  CHECK(bad.exit_code == 5);
  CHECK(bad.err.rfind("riskreg: " + r.config + ":4:1: ", 0) == 0);
  auto none = run_riskreg({"--db", r.db, "alert", "--to", "smtp"}, {{"HOME", r.dir.path()}});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("--to smtp needs an alert configuration") != std::string::npos);
  CHECK(deliveries(r.db) == 0);
}

TEST_CASE("alert periods are local months: --period previous at the BST/GMT boundaries and east of UTC",
          "[cli][alert]") {
  Register r;
  auto subject_month = [&](const std::string& now, const std::string& tz) {
    auto a = r.alert({"--period", "previous"}, {{"RISKREG_NOW", now}, {"TZ", tz}});
    INFO(a.err);
    REQUIRE(a.exit_code == 0);
    size_t at = a.out.find("Plan 2009-2013 20");
    REQUIRE(at != std::string::npos);
    return a.out.substr(at + 15, 7);
  };
  // 00:05 BST on 1 October (23:05 UTC on 30 September): September, not August.
  CHECK(subject_month("2026-09-30T23:05:00Z", "Europe/London") == "2026-09");
  CHECK(subject_month("2026-09-30T23:05:00Z", "UTC") == "2026-08");
  // 06:00 GMT on 1 November, the day after the clocks went back: October.
  CHECK(subject_month("2026-11-01T06:00:00Z", "Europe/London") == "2026-10");
  // 06:00 BST on 1 April (05:00 UTC): March.
  CHECK(subject_month("2026-04-01T05:00:00Z", "Europe/London") == "2026-03");
  // 06:00 JST on 1 November is 21:00 UTC on 31 October: October, not September.
  CHECK(subject_month("2026-10-31T21:00:00Z", "Asia/Tokyo") == "2026-10");
  // The configuration's timezone wins over TZ.
  write_file(r.config, "timezone = \"Asia/Tokyo\"\n");
  CHECK(subject_month("2026-10-31T21:00:00Z", "UTC") == "2026-10");
  write_file(r.config, "");
  auto bad_tz = r.alert({}, {{"TZ", "Mars/Olympus"}});
  CHECK(bad_tz.exit_code == 4);
  CHECK(bad_tz.err.find("TZ='Mars/Olympus' is not a time zone name") != std::string::npos);
}

TEST_CASE("alert to stdout: no false reassurance, no invented risk manager, dry run said", "[cli][alert]") {
  Register r;
  auto aug = run_riskreg({"--db", r.db, "alert", "--period", "2026-08"},
                         {{"HOME", r.dir.path()}, {"TZ", "UTC"}, {"RISKREG_NOW", "2026-11-23T09:00:00Z"}});
  INFO(aug.err);
  REQUIRE(aug.exit_code == 0);
  CHECK(aug.out.find("The register held no assessment by the end of 2026-08") != std::string::npos);
  CHECK(aug.out.find("No risk is above appetite") == std::string::npos);
  CHECK(aug.out.find("To: risk manager") == std::string::npos);
  CHECK(aug.out.rfind("Summary (no risk manager configured: set risk_manager in the alert configuration)\n", 0) == 0);
  auto dry =
      run_riskreg({"--db", r.db, "alert", "--period", "2026-11", "--dry-run"}, {{"HOME", r.dir.path()}, {"TZ", "UTC"}});
  CHECK(dry.out.rfind("Dry run: nothing is sent or recorded", 0) == 0);
  auto nov = r.alert({});
  REQUIRE(nov.exit_code == 0);
  CHECK(nov.out.rfind("To: risk manager <rm@example.org>\n", 0) == 0);
  CHECK(nov.out.find("What changed:\n  1 newly above appetite: R1\n") != std::string::npos);
  CHECK(nov.out.find("re-scored by ") != std::string::npos);
  CHECK(nov.out.find("Every risk above appetite is flagged ABOVE_APPETITE, NO_RESPONSE, NO_TARGET (not repeated "
                     "below).") != std::string::npos);
  CHECK(nov.out.find("    - ABOVE_APPETITE") == std::string::npos);
  CHECK(nov.out.find(", via R5") != std::string::npos);
  CHECK(nov.out.find(", OVERDUE)") != std::string::npos);
}

TEST_CASE("alert --to smtp: a forged RCPT TO is impossible", "[cli][alert][security]") {
  Register r;
  std::string inbox = r.dir.file("inbox");
  auto server = smtp_server(r.smtp_port, inbox);
  // An owner whose name holds an address and angle brackets is never mailed at it.
  REQUIRE(run_riskreg({"--db", r.db, "owner", "R4", "x@example.org>, <evil@example.org"},
                      {{"RISKREG_NOW", "2026-11-03T10:00:00Z"}})
              .exit_code == 0);
  auto a = r.alert({"--to", "smtp"});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(a.err.find("no address for owner 'x@example.org>, <evil@example.org'") != std::string::npos);
  for (const auto& m : received(inbox)) {
    CHECK(m["rcpt_tos"].size() == 1);
    CHECK(m["rcpt_tos"].dump().find("evil") == std::string::npos);
  }
  CHECK(received(inbox).size() == 3);
  // A line break in a configured address is refused where it is written, before anything is sent.
  write_file(r.config,
             "risk_manager = \"rm@example.org\\r\\nRCPT TO:<evil@example.org>\"\n[smtp]\nhost = \"127.0.0.1\"\n"
             "port = " +
                 std::to_string(r.smtp_port) + "\nsender = \"riskreg@example.org\"\n");
  auto bad = r.alert({"--to", "smtp", "--resend"});
  CHECK(bad.exit_code == 5);
  CHECK(bad.err.rfind("riskreg: " + r.config + ":1:", 0) == 0);
  CHECK(received(inbox).size() == 3);
}

TEST_CASE("alert with a broken template: exit 5 at file:line:col, nothing recorded", "[cli][alert][errors]") {
  Register r;
  std::string dir = r.dir.file("templates");
  fs::copy(source_path("rules/templates"), dir);
  write_file(dir + "/alert-owner.txt.mustache", "Hello\n{{#sections}}\n{{/risks}}\n");
  auto a = r.alert({"--to", "file", "--out", r.dir.file("out"), "--templates", dir});
  CHECK(a.exit_code == 5);
  // The message, then the offending line with a caret under the tag.
  CHECK(a.err.rfind("riskreg: " + dir +
                        "/alert-owner.txt.mustache:3:1: '{{/risks}}' closes 'sections', opened at line 2; "
                        "expected '{{/sections}}'\n",
                    0) == 0);
  CHECK(a.err.find("{{/risks}}\n") != std::string::npos);
  CHECK(deliveries(r.db) == 0);
  CHECK_FALSE(fs::exists(r.dir.file("out")));
}

TEST_CASE("alert --to file: an owner called 'risk manager', 'Ann/Lee' beside 'Ann?Lee', a very long name",
          "[cli][alert]") {
  Register r;
  std::map<std::string, std::string> nov = {{"RISKREG_NOW", "2026-11-03T10:00:00Z"}};
  REQUIRE(run_riskreg({"--db", r.db, "owner", "R4", "risk manager"}, nov).exit_code == 0);
  REQUIRE(run_riskreg({"--db", r.db, "owner", "R6", "Ann/Lee"}, nov).exit_code == 0);
  REQUIRE(run_riskreg({"--db", r.db, "owner", "R7", "Ann?Lee"}, nov).exit_code == 0);
  REQUIRE(run_riskreg({"--db", r.db, "owner", "R8", std::string(400, 'L') + " Lee"}, nov).exit_code == 0);
  std::string out = r.dir.file("alerts");
  auto a = r.alert({"--to", "file", "--out", out});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  int files = 0;
  for (const auto& e : fs::directory_iterator(out)) files += e.path().extension() == ".txt";
  CHECK(files == 8);  // the summary and seven owners, none overwriting another
  CHECK(read_file(out + "/2026-11-summary.txt").find("To: risk manager <rm@example.org>\n") == 0);
  CHECK(deliveries(r.db, "channel = 'file' AND status = 'sent'") == 8);
}

TEST_CASE("the alert's HTML renders in headless Chromium: band colours, a heat map, the summary table",
          "[cli][alert][html]") {
  Register r;
  std::string out = r.dir.file("alerts");
  REQUIRE(r.alert({"--to", "file", "--out", out}).exit_code == 0);
  std::string html = out + "/2026-11-summary.html";
  std::string page = read_file(html);
  CHECK(page.find("<style") == std::string::npos);  // inline CSS only: mail clients drop style sheets
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("(very-high)") != std::string::npos);  // the band's name, not its label
  CHECK(page.find("Very high") == std::string::npos);
  auto png = r.dir.file("shot.png");
  chromium(r.dir, html, "--screenshot=" + png + " --window-size=1000,1400 --hide-scrollbars");
  REQUIRE(fs::exists(png));
  auto img = decode_png(read_file(png));
  CHECK(img.width == 1000);
  std::unordered_map<uint32_t, size_t> pixels;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
    ++pixels[(uint32_t(img.rgb[i]) << 16) | (uint32_t(img.rgb[i + 1]) << 8) | img.rgb[i + 2]];
  CHECK(pixels.size() > 20);
  // The band colours show: heat map cells and score badges.
  for (uint32_t b : band_colours()) {
    size_t near = 0;
    for (const auto& [c, n] : pixels) {
      int dr = int(c >> 16) - int(b >> 16), dg = int((c >> 8) & 255) - int((b >> 8) & 255),
          db_ = int(c & 255) - int(b & 255);
      if (std::abs(dr) <= 3 && std::abs(dg) <= 3 && std::abs(db_) <= 3) near += n;
    }
    INFO("band colour " << std::hex << b);
    CHECK(near > 300);
  }
  auto dom = chromium(r.dir, html, "--dump-dom").out;
  CHECK(dom.find("aria-label=\"heat map\"") != std::string::npos);
  CHECK(dom.find("aria-label=\"summary\"") != std::string::npos);
  CHECK(dom.find("What changed:") != std::string::npos);
}

TEST_CASE("alert: risks closed in the month, with who and why, and each owner's reviews due and overdue",
          "[cli][alert][closed]") {
  Register r;
  std::map<std::string, std::string> nov5 = {{"RISKREG_NOW", "2026-11-05T10:00:00Z"}};
  auto ok = [](const RunResult& x) {
    INFO(x.err);
    REQUIRE(x.exit_code == 0);
  };
  // R6 (Jan's) closed on 12 November; R4 closed in October (last month: not this month's news).
  ok(run_riskreg({"--db", r.db, "owner", "R6", "Jan Lefevre"}, nov5));
  ok(run_riskreg({"--db", r.db, "close", "R4", "--reason", "Superseded", "--as", "manager"},
                 {{"RISKREG_NOW", "2026-10-20T10:00:00Z"}}));
  ok(run_riskreg({"--db", r.db, "close", "R6", "--reason", "Merged into R5", "--as", "manager"},
                 {{"RISKREG_NOW", "2026-11-12T10:00:00Z"}}));
  // Reviews: Jan's R2 due 20 November (overdue by the month's end), O'Brien's R5 due on its last
  // day (due, not overdue), R1 due in December (not yet), R7 due 25 November but closed on the 26th
  // (a closed risk has no review due).
  ok(run_riskreg({"--db", r.db, "review", "R2", "--next", "2026-11-20", "--reason", "Q3 clinic"}, nov5));
  ok(run_riskreg({"--db", r.db, "review", "R5", "--next", "2026-11-30"}, nov5));
  ok(run_riskreg({"--db", r.db, "review", "R1", "--next", "2026-12-15"}, nov5));
  ok(run_riskreg({"--db", r.db, "review", "R7", "--next", "2026-11-25"}, nov5));
  ok(run_riskreg({"--db", r.db, "close", "R7", "--reason", "Scheme complete"},
                 {{"RISKREG_NOW", "2026-11-26T10:00:00Z"}}));

  std::string inbox = r.dir.file("inbox");
  auto server = smtp_server(r.smtp_port, inbox);
  // Sent on 1 December: November has ended, so its last day is what "overdue" is counted from.
  auto a = r.alert({"--to", "smtp"}, {{"RISKREG_NOW", "2026-12-01T06:00:00Z"}});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  auto msgs = received(inbox);
  const json* rm = to(msgs, "rm@example.org");
  const json* jan = to(msgs, "jan@example.org");
  const json* ob = to(msgs, "obrien@example.org");
  REQUIRE(rm);
  REQUIRE(jan);
  REQUIRE(ob);
  std::string rm_text = (*rm)["text"], rm_html = (*rm)["html"], jan_text = (*jan)["text"], ob_text = (*ob)["text"];

  // The headline names what was closed this month, in the order closed; R4 (October) is not news.
  CHECK(rm_text.find("  2 closed: R6, R7\n") != std::string::npos);
  CHECK(rm_text.find("R4") == std::string::npos);
  CHECK(rm_text.find("\n== Closed in 2026-11 (2): no longer managed, left out above ==\n\nR6  ") != std::string::npos);
  CHECK(rm_text.find("  closed on 2026-11-12 by manager: Merged into R5\n") != std::string::npos);
  CHECK(rm_text.find("; owner Jan Lefevre\n") != std::string::npos);
  // The closed risks left the above-appetite lists: each is named only in the headline and its entry.
  CHECK(rm_text.find("still above), 0 dropped below.") != std::string::npos);
  CHECK(rm_text.find("\n6 above appetite (") != std::string::npos);  // nine, less R4, R6 and R7
  CHECK(rm_text.find("\nR6  ") == rm_text.rfind("\nR6  "));

  // Reviews due by the month's last day, overdue first and marked plainly.
  CHECK(rm_text.find("Reviews due by 2026-11-30: 2, 1 OVERDUE (R2) (listed below).\n") != std::string::npos);
  auto reviews = rm_text.find("\n== Reviews due by 2026-11-30 (2, 1 overdue), overdue first ==\n");
  REQUIRE(reviews != std::string::npos);
  auto r2 = rm_text.find(
      "  review OVERDUE: was due 2026-11-20, 10 days before 2026-11-30; last reviewed 2026-11-05; "
      "owner Jan Lefevre\n",
      reviews);
  auto r5 = rm_text.find("  review due 2026-11-30; last reviewed 2026-11-05; owner O'Brien & <Sons>\n", reviews);
  CHECK(r2 != std::string::npos);
  CHECK(r5 != std::string::npos);
  CHECK(r2 < r5);
  CHECK(rm_text.find("2026-12-15") == std::string::npos);  // R1's review is next month's
  CHECK(rm_text.find("2026-11-25") == std::string::npos);  // R7 is closed

  // Each owner gets their own part of it.
  CHECK(jan_text.find("  1 closed: R6\n") != std::string::npos);
  CHECK(jan_text.find("review OVERDUE: was due 2026-11-20") != std::string::npos);
  CHECK(jan_text.find("review due 2026-11-30") == std::string::npos);
  CHECK(ob_text.find("closed") == std::string::npos);
  CHECK(ob_text.find("  review due 2026-11-30;") != std::string::npos);
  CHECK(ob_text.find("review OVERDUE") == std::string::npos);  // (its REVIEW_OVERDUE flag is of today)

  // The HTML mail: the same, escaped, with OVERDUE in red.
  CHECK(rm_html.find("<li><strong>2 closed</strong>: R6, R7</li>") != std::string::npos);
  CHECK(rm_html.find("aria-label=\"closed\"") != std::string::npos);
  CHECK(rm_html.find("<td style=\"padding:4px 8px\">Merged into R5</td>") != std::string::npos);
  CHECK(rm_html.find("<strong style=\"color:#d7191c\">OVERDUE</strong>: was due 2026-11-20, 10 days before "
                     "2026-11-30") != std::string::npos);
  CHECK(rm_html.find("O&#39;Brien &amp; &lt;Sons&gt;</td></tr>") != std::string::npos);

  // The current month, read on 25 November: R2 is 5 days overdue, R5 due; R7 still open and due today.
  auto cur = r.alert({"--period", "current"}, {{"RISKREG_NOW", "2026-11-25T12:00:00Z"}});
  REQUIRE(cur.exit_code == 0);
  CHECK(cur.out.find("  review OVERDUE: was due 2026-11-20, 5 days before 2026-11-25;") != std::string::npos);
  CHECK(cur.out.find("  review due 2026-11-25;") != std::string::npos);
  CHECK(cur.out.find("  1 closed: R6\n") != std::string::npos);
}

TEST_CASE("the alert's HTML with closed risks and reviews renders in headless Chromium", "[cli][alert][html][closed]") {
  Register r;
  REQUIRE(run_riskreg({"--db", r.db, "close", "R6", "--reason", "Merged into R5", "--as", "manager"},
                      {{"RISKREG_NOW", "2026-11-12T10:00:00Z"}})
              .exit_code == 0);
  REQUIRE(
      run_riskreg({"--db", r.db, "review", "R2", "--next", "2026-11-20"}, {{"RISKREG_NOW", "2026-11-05"}}).exit_code ==
      0);
  std::string out = r.dir.file("alerts");
  REQUIRE(r.alert({"--to", "file", "--out", out}, {{"RISKREG_NOW", "2026-12-01T06:00:00Z"}}).exit_code == 0);
  auto dom = chromium(r.dir, out + "/2026-11-summary.html", "--dump-dom").out;
  auto closed = dom.find("aria-label=\"closed\"");
  auto reviews = dom.find("aria-label=\"reviews\"");
  REQUIRE(closed != std::string::npos);
  REQUIRE(reviews != std::string::npos);
  CHECK(dom.find("<strong>R6</strong>", closed) < reviews);
  CHECK(dom.find(">OVERDUE</strong>: was due 2026-11-20, 10 days before 2026-11-30", reviews) != std::string::npos);
  CHECK(dom.find("Closed in 2026-11 (1)") != std::string::npos);
}
