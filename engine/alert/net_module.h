#pragma once
/// Alert delivery's network calls as a module (core/module.h): libcurl and the many libraries
/// it brings live in riskreg-net.so, loaded only when an alert is sent by SMTP or webhook.
/// alert/deliver.cc keeps the policy (retries, what is permanent); this only talks.
#include <string>

namespace riskreg::alert {

/// One SMTP submission of a ready MIME message.
struct SmtpRequest {
  std::string url;  ///< smtp://host:port
  bool starttls = false;
  std::string username, password;  ///< no authentication when username is empty
  std::string from, to;            ///< envelope addresses, in angle brackets
  const std::string* payload = nullptr;
  long timeout_seconds = 30;
};

/// One HTTP POST of a JSON body.
struct HttpPost {
  std::string url;
  const std::string* body = nullptr;
  long timeout_seconds = 30;
};

/// What the transfer gave: `ok` when it completed, the server's last answer code (0 if none),
/// and libcurl's description of what failed.
struct NetResult {
  bool ok = false;
  long code = 0;
  std::string error;
};

struct NetModule {
  NetResult (*smtp_send)(const SmtpRequest& request);
  NetResult (*http_post_json)(const HttpPost& request);
};

/// The module's table, loading riskreg-net.so the first time (Error(Internal) if it cannot).
const NetModule& net();

}  // namespace riskreg::alert
