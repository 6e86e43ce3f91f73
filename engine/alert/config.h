#pragma once
/// The alert configuration file (TOML, docs/alerts.md): where alerts go and how they are
/// delivered. It holds no secret: the SMTP password comes from an environment variable
/// named here, or from a file only its owner can read.
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace riskreg::alert {

struct SmtpConfig {
  std::string host;
  int port = 25;
  bool starttls = false;  ///< require STARTTLS (refuse to send in clear)
  std::string sender;
  std::string username;       ///< "" → no authentication
  std::string password_env;   ///< name of the variable holding the password
  std::string password_file;  ///< a file of mode 0600 holding it
};

struct WebhookConfig {
  std::string url;
};

/// Bounded retries with exponential back-off: attempt i waits backoff × 2^(i-1) first.
struct DeliveryPolicy {
  int attempts = 3;
  std::chrono::milliseconds backoff{2000};
  int timeout_seconds = 30;
};

struct AlertConfig {
  std::string source;                             ///< the file it came from ("" when defaulted)
  std::optional<std::string> risk_manager;        ///< the summary's address when the register names none
  std::map<std::string, std::string> recipients;  ///< person (owner) name → address
  std::optional<SmtpConfig> smtp;
  std::optional<WebhookConfig> webhook;
  DeliveryPolicy delivery;
  std::string templates;  ///< a template directory overriding the built-in one ("" → default)
  std::string timezone;   ///< the IANA zone whose months are the periods ("" → the machine's)
};

/// Parses a configuration. Throws FileError (`file:line:col: problem`) on anything malformed
/// or unknown: an address that is not a plain local@domain (alert/address.h), an unknown zone.
AlertConfig parse_alert_config(std::string text, std::string name);
/// Reads and parses a configuration file.
AlertConfig load_alert_config(const std::string& path);

/// The SMTP password: `env_value` (the value of the variable `password_env`, looked up by the
/// caller) or the content of `password_file` (trailing newline dropped), which must be a
/// regular file of mode 0600 or 0400. "" when the configuration asks for none. Throws
/// Error(InvalidInput) when the variable is unset or the file unsafe or unreadable; the
/// message never contains the secret.
std::string smtp_password(const SmtpConfig& c, const std::optional<std::string>& env_value);

}  // namespace riskreg::alert
