// The alert configuration file: every field, errors with file:line:col, and the SMTP
// password only from an environment variable or a file only its owner can read.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "alert/config.h"
#include "core/error.h"
#include "support.h"

using namespace riskreg;
using riskreg::test::TempDir;
using riskreg::test::write_file;

TEST_CASE("alert config: a full file", "[alert][config]") {
  auto c = alert::parse_alert_config(R"(risk_manager = "rm@example.org"
templates = "/etc/riskreg/templates"
[recipients]
"Jan Lefevre" = "jan@example.org"
[smtp]
host = "mail.example.org"
port = 587
starttls = true
sender = "riskreg@example.org"
username = "riskreg"
password_env = "RISKREG_SMTP_PASSWORD"
[webhook]
url = "https://chat.example.org/hooks/abc"
[delivery]
attempts = 4
backoff_ms = 250
timeout_seconds = 5
)",
                                     "alert.toml");
  CHECK(c.risk_manager == "rm@example.org");
  CHECK(c.templates == "/etc/riskreg/templates");
  CHECK(c.recipients.at("Jan Lefevre") == "jan@example.org");
  REQUIRE(c.smtp);
  CHECK(c.smtp->host == "mail.example.org");
  CHECK(c.smtp->port == 587);
  CHECK(c.smtp->starttls);
  CHECK(c.smtp->password_env == "RISKREG_SMTP_PASSWORD");
  REQUIRE(c.webhook);
  CHECK(c.delivery.attempts == 4);
  CHECK(c.delivery.backoff.count() == 250);
  CHECK(c.delivery.timeout_seconds == 5);
}

TEST_CASE("alert config: errors name file:line:col", "[alert][config][errors]") {
  struct Case {
    std::string text;
    std::string starts;
  };
  std::vector<Case> cases = {
      {"[smtp]\nhost = \"h\"\nsender = \"s\"\nprot = 25\n", "alert.toml:4:1: "},
      {"[smtp]\nhost = \"h\"\nsender = \"s\"\nport = 70000\n", "alert.toml:4:8: a port must be between 1 and 65535"},
      {"[webhook]\nurl = \"ftp://x\"\n", "alert.toml:2:7: expected an http:// or https:// URL"},
      {"[recipients]\nJan = 3\n", "alert.toml:2:7: expected an address (a string) for 'Jan'"},
      {"[delivery]\nattempts = 0\n", "alert.toml:2:12: attempts must be between 1 and 10"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    try {
      alert::parse_alert_config(c.text, "alert.toml");
      FAIL("no error");
    } catch (const FileError& e) {
      CHECK(std::string(e.what()).rfind(c.starts, 0) == 0);
      CHECK(e.kind() == ErrorKind::BadFile);
    }
  }
}

TEST_CASE("SMTP password: from the named variable, or a 0600 file, never otherwise", "[alert][config]") {
  TempDir dir;
  alert::SmtpConfig c;
  c.username = "u";
  CHECK(alert::smtp_password(c, std::nullopt).empty());
  c.password_env = "RISKREG_SMTP_PASSWORD";
  CHECK(alert::smtp_password(c, std::string("s3cret")) == "s3cret");
  CHECK_THROWS_WITH(alert::smtp_password(c, std::nullopt),
                    "the SMTP password variable RISKREG_SMTP_PASSWORD is not set");
  c.password_env.clear();
  c.password_file = dir.file("pw");
  write_file(c.password_file, "fil3-secret\n");
  ::chmod(c.password_file.c_str(), 0644);
  try {
    alert::smtp_password(c, std::nullopt);
    FAIL("a world-readable password file was accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(std::string(e.what()).find("readable by others") != std::string::npos);
    CHECK(std::string(e.what()).find("fil3-secret") == std::string::npos);
  }
  ::chmod(c.password_file.c_str(), 0600);
  CHECK(alert::smtp_password(c, std::nullopt) == "fil3-secret");
}
