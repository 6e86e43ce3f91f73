#include "alert/config.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "alert/address.h"
#include "alert/build.h"
#include "core/error.h"
#include "data/toml_reader.h"

namespace riskreg::alert {

AlertConfig parse_alert_config(std::string text, std::string name) {
  TomlFile file = TomlFile::parse(std::move(text), std::move(name));
  TomlTable root(file, file.root());
  root.only({"risk_manager", "recipients", "smtp", "webhook", "delivery", "templates", "timezone"});
  AlertConfig c;
  c.source = file.name();
  // Addresses reach the SMTP envelope and the To: header: only a plain local@domain passes.
  auto address = [](const TomlTable& t, std::string_view key, const std::string& v) {
    if (!valid_address(v))
      t.fail(key, "'" + escape_controls(v) +
                      "' is not an e-mail address riskreg accepts (local@domain, no spaces, quotes, angle brackets "
                      "or control characters)");
    return v;
  };
  c.risk_manager = root.opt_str("risk_manager");
  if (c.risk_manager) address(root, "risk_manager", *c.risk_manager);
  c.templates = root.str_or("templates", "");
  if (auto z = root.opt_str("timezone")) {
    if (!known_zone(*z))
      root.fail("timezone", "unknown time zone '" + escape_controls(*z) +
                                "': use an IANA name such as Europe/London, Asia/Tokyo or UTC");
    c.timezone = *z;
  }
  if (auto r = root.table("recipients")) {
    for (const auto& [key, node] : r->raw()) {
      auto v = node.value<std::string>();
      if (!v) r->fail(key.str(), "expected an address (a string) for '" + std::string(key.str()) + "'");
      c.recipients[std::string(key.str())] = address(*r, key.str(), *v);
    }
  }
  if (auto s = root.table("smtp")) {
    s->only({"host", "port", "starttls", "sender", "username", "password_env", "password_file"});
    SmtpConfig m;
    m.host = s->str("host");
    if (auto p = s->opt_int("port")) {
      if (*p < 1 || *p > 65535) s->fail("port", "a port must be between 1 and 65535");
      m.port = static_cast<int>(*p);
    }
    m.starttls = s->opt_bool("starttls").value_or(false);
    m.sender = address(*s, "sender", s->str("sender"));
    m.username = s->str_or("username", "");
    m.password_env = s->str_or("password_env", "");
    m.password_file = s->str_or("password_file", "");
    if (!m.password_env.empty() && !m.password_file.empty())
      s->fail("password_file", "give password_env or password_file, not both");
    if (m.username.empty() && (!m.password_env.empty() || !m.password_file.empty()))
      s->fail(m.password_env.empty() ? "password_file" : "password_env", "a password needs a username");
    c.smtp = m;
  }
  if (auto w = root.table("webhook")) {
    w->only({"url"});
    std::string url = w->str("url");
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      w->fail("url", "expected an http:// or https:// URL");
    c.webhook = WebhookConfig{url};
  }
  if (auto d = root.table("delivery")) {
    d->only({"attempts", "backoff_ms", "timeout_seconds"});
    if (auto a = d->opt_int("attempts")) {
      if (*a < 1 || *a > 10) d->fail("attempts", "attempts must be between 1 and 10");
      c.delivery.attempts = static_cast<int>(*a);
    }
    if (auto b = d->opt_int("backoff_ms")) {
      if (*b < 0 || *b > 600000) d->fail("backoff_ms", "backoff_ms must be between 0 and 600000");
      c.delivery.backoff = std::chrono::milliseconds(*b);
    }
    if (auto t = d->opt_int("timeout_seconds")) {
      if (*t < 1 || *t > 600) d->fail("timeout_seconds", "timeout_seconds must be between 1 and 600");
      c.delivery.timeout_seconds = static_cast<int>(*t);
    }
  }
  return c;
}

AlertConfig load_alert_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(SourcePos{path, 0, 0}, "cannot read the alert configuration");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_alert_config(ss.str(), path);
}

std::string smtp_password(const SmtpConfig& c, const std::optional<std::string>& env_value) {
  if (!c.password_env.empty()) {
    if (!env_value || env_value->empty())
      throw Error(ErrorKind::InvalidInput, "the SMTP password variable " + c.password_env + " is not set");
    return *env_value;
  }
  if (c.password_file.empty()) return "";
  struct stat st {};
  if (::stat(c.password_file.c_str(), &st) != 0)
    throw Error(ErrorKind::InvalidInput, "cannot read the SMTP password file " + c.password_file);
  if (!S_ISREG(st.st_mode))
    throw Error(ErrorKind::InvalidInput, "the SMTP password file " + c.password_file + " is not a regular file");
  if ((st.st_mode & 077) != 0)
    throw Error(ErrorKind::InvalidInput, "the SMTP password file " + c.password_file +
                                             " is readable by others; make it readable by its owner only (chmod 600)");
  std::ifstream in(c.password_file, std::ios::binary);
  if (!in) throw Error(ErrorKind::InvalidInput, "cannot read the SMTP password file " + c.password_file);
  std::string pw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  return pw;
}

}  // namespace riskreg::alert
