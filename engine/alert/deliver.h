#pragma once
/// Delivering one message: by SMTP or as a JSON POST to a chat tool's incoming webhook, both
/// through libcurl, with bounded retries and exponential back-off. Nothing here touches the
/// register: the caller records the outcome.
#include <chrono>
#include <functional>
#include <string>

#include "alert/config.h"
#include "alert/render.h"
#include "core/clock.h"

namespace riskreg::alert {

/// What became of one message.
struct Outcome {
  bool sent = false;
  int attempts = 0;
  std::string detail;  ///< the server's answer or the error; never a secret
};

/// One try: whether it was accepted, whether a failure is worth retrying, and what happened.
struct Attempt {
  bool ok = false;
  bool retryable = true;
  std::string detail;
};

/// Tries up to policy.attempts times, waiting backoff × 2^(i-1) before try i+1; stops at once on
/// a success or a permanent refusal (SMTP 5xx, HTTP 4xx). `sleep` is passed in for tests. Each
/// attempt, its outcome and each retry's wait are logged at info, naming `what`.
Outcome with_retries(const DeliveryPolicy& policy, const std::function<Attempt()>& attempt,
                     const std::function<void(std::chrono::milliseconds)>& sleep, const std::string& what = "");

/// Sends messages somewhere.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual const char* channel() const = 0;  ///< "smtp", "webhook"
  virtual Outcome send(const Message& m) = 0;
};

/// SMTP through libcurl: one message per recipient (MAIL FROM, one RCPT TO), multipart
/// text + HTML, UTF-8, base64 bodies. `password` is kept in memory only.
class SmtpTransport : public Transport {
 public:
  SmtpTransport(SmtpConfig config, std::string password, DeliveryPolicy policy, Timestamp now);
  const char* channel() const override { return "smtp"; }
  Outcome send(const Message& m) override;

 private:
  SmtpConfig config_;
  std::string password_;
  DeliveryPolicy policy_;
  Timestamp now_;
};

/// A JSON POST shaped for Slack/Mattermost-style incoming webhooks: {"text": …, "riskreg": {…}}.
class WebhookTransport : public Transport {
 public:
  WebhookTransport(WebhookConfig config, DeliveryPolicy policy);
  const char* channel() const override { return "webhook"; }
  Outcome send(const Message& m) override;
  /// The body posted for `m` (for tests and --dry-run).
  static std::string body_of(const Message& m);

 private:
  WebhookConfig config_;
  DeliveryPolicy policy_;
};

/// The whole RFC 5322 message SmtpTransport sends (for tests). Throws Error(InvalidInput) when a
/// header value holds a control character or an address is not a plain address.
std::string mime_message(const Message& m, const std::string& sender, Timestamp date);

}  // namespace riskreg::alert
