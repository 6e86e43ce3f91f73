#include "alert/deliver.h"

#include <cstring>
#include <ctime>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "alert/address.h"
#include "alert/net_module.h"
#include "core/error.h"

namespace riskreg::alert {

namespace {

void real_sleep(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

std::string base64(const std::string& in, size_t wrap) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t col = 0;
  auto put = [&](char c) {
    out += c;
    if (wrap && ++col == wrap) {
      out += "\r\n";
      col = 0;
    }
  };
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    put(k[v >> 18]), put(k[(v >> 12) & 63]), put(k[(v >> 6) & 63]), put(k[v & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    put(k[v >> 18]), put(k[(v >> 12) & 63]), put('='), put('=');
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    put(k[v >> 18]), put(k[(v >> 12) & 63]), put(k[(v >> 6) & 63]), put('=');
  }
  if (wrap && col) out += "\r\n";
  return out;
}

/// RFC 2047 for a header that is not plain ASCII.
std::string header_text(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return "=?UTF-8?B?" + base64(s, 0) + "?=";
  return s;
}

std::string rfc5322_date(Timestamp t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

Outcome with_retries(const DeliveryPolicy& policy, const std::function<Attempt()>& attempt,
                     const std::function<void(std::chrono::milliseconds)>& sleep, const std::string& what) {
  Outcome o;
  auto wait = policy.backoff;
  for (int i = 1; i <= policy.attempts; ++i) {
    if (i > 1) {
      spdlog::info("alert delivery {}: retry in {} ms (attempt {} of {})", what, wait.count(), i, policy.attempts);
      sleep(wait);
      wait *= 2;
    }
    spdlog::info("alert delivery {}: attempt {} of {}", what, i, policy.attempts);
    Attempt a = attempt();
    o.attempts = i;
    o.detail = a.detail;
    if (a.ok) {
      spdlog::info("alert delivery {}: attempt {} accepted: {}", what, i, a.detail);
      o.sent = true;
      return o;
    }
    spdlog::info("alert delivery {}: attempt {} failed ({}): {}", what, i, a.retryable ? "retryable" : "permanent",
                 a.detail);
    if (!a.retryable) break;
  }
  return o;
}

std::string mime_message(const Message& m, const std::string& sender, Timestamp date) {
  // No header value may carry a line break or other control: one would end the header and
  // start another (a forged Bcc:, a second message). Addresses must be plain addresses.
  require_no_controls("the Subject header", m.subject);
  for (const auto* a : {&sender, &m.address}) {
    require_no_controls("an address header", *a);
    if (!valid_address(*a))
      throw Error(ErrorKind::InvalidInput, "'" + *a + "' is not a plain e-mail address: refused, nothing sent");
  }
  std::string id = m.sha256();
  std::string boundary = "riskreg-" + id.substr(0, 24);
  std::string s;
  s += "Date: " + rfc5322_date(date) + "\r\n";
  s += "From: <" + sender + ">\r\n";
  s += "To: <" + m.address + ">\r\n";
  s += "Subject: " + header_text(m.subject) + "\r\n";
  s += "Message-ID: <" + id.substr(0, 32) + "." + std::to_string(date.time_since_epoch().count()) + "@riskreg>\r\n";
  s += "MIME-Version: 1.0\r\n";
  s += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  s += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  s += base64(m.text, 76);
  s += "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  s += base64(m.html, 76);
  s += "--" + boundary + "--\r\n";
  return s;
}

SmtpTransport::SmtpTransport(SmtpConfig config, std::string password, DeliveryPolicy policy, Timestamp now)
    : config_(std::move(config)), password_(std::move(password)), policy_(policy), now_(now) {}

Outcome SmtpTransport::send(const Message& m) {
  if (m.address.empty()) return {false, 0, "no e-mail address for " + escape_controls(m.recipient)};
  // The envelope takes the same values as the headers, checked there (mime_message).
  std::string payload = mime_message(m, config_.sender, now_);
  return with_retries(
      policy_,
      [&]() -> Attempt {
        SmtpRequest q;
        q.url = "smtp://" + config_.host + ":" + std::to_string(config_.port);
        q.starttls = config_.starttls;
        q.username = config_.username;
        q.password = password_;
        q.from = "<" + config_.sender + ">";
        q.to = "<" + m.address + ">";
        q.payload = &payload;
        q.timeout_seconds = policy_.timeout_seconds;
        NetResult r = net().smtp_send(q);
        const long code = r.code;
        if (r.ok) return {true, false, "accepted (" + std::to_string(code) + ")"};
        std::string detail = q.url + ": " + r.error;
        if (code > 0) detail += " (server answered " + std::to_string(code) + ")";
        // A 5xx answer is a permanent refusal: retrying would only be refused again.
        return {false, !(code >= 500 && code < 600), detail};
      },
      real_sleep, "smtp " + m.key());
}

WebhookTransport::WebhookTransport(WebhookConfig config, DeliveryPolicy policy)
    : config_(std::move(config)), policy_(policy) {}

std::string WebhookTransport::body_of(const Message& m) {
  nlohmann::json j = {{"text", m.subject + "\n\n" + m.text},
                      {"riskreg", {{"kind", m.kind}, {"recipient", m.recipient}, {"subject", m.subject}}}};
  if (!m.address.empty()) j["riskreg"]["address"] = m.address;
  return j.dump();
}

Outcome WebhookTransport::send(const Message& m) {
  std::string body = body_of(m);
  return with_retries(
      policy_,
      [&]() -> Attempt {
        NetResult r = net().http_post_json({config_.url, &body, policy_.timeout_seconds});
        const long code = r.code;
        // Never echo the URL: incoming-webhook URLs carry their token.
        if (!r.ok) return {false, true, "webhook: " + r.error};
        if (code >= 200 && code < 300) return {true, false, "accepted (HTTP " + std::to_string(code) + ")"};
        return {false, code >= 500 || code == 429, "webhook: HTTP " + std::to_string(code)};
      },
      real_sleep, "webhook " + m.key());
}

}  // namespace riskreg::alert
