// riskreg-net.so (alert/net_module.h): SMTP and HTTP through libcurl.
#include <curl/curl.h>

#include <algorithm>
#include <cstring>

#include "alert/net_module.h"
#include "core/error.h"

extern "C" const riskreg::alert::NetModule* riskreg_net_module();

namespace riskreg::alert {

namespace {

struct CurlHandle {
  CURL* h = curl_easy_init();
  curl_slist* list = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  CurlHandle() {
    if (!h) throw Error(ErrorKind::Internal, "libcurl could not start");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  }
  ~CurlHandle() {
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
  }
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
  NetResult perform() {
    CURLcode rc = curl_easy_perform(h);
    NetResult r;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.code);
    r.ok = rc == CURLE_OK;
    if (!r.ok) r.error = error[0] ? std::string(error) : curl_easy_strerror(rc);
    return r;
  }
};

struct Reader {
  const std::string* data;
  size_t pos = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* user) {
  auto* r = static_cast<Reader*>(user);
  size_t len = std::min(size * n, r->data->size() - r->pos);
  std::memcpy(buf, r->data->data() + r->pos, len);
  r->pos += len;
  return len;
}

size_t discard_cb(char*, size_t size, size_t n, void*) { return size * n; }

NetResult smtp_send(const SmtpRequest& q) {
  CurlHandle c;
  Reader reader{q.payload};
  curl_easy_setopt(c.h, CURLOPT_URL, q.url.c_str());
  if (q.starttls) curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!q.username.empty()) {
    curl_easy_setopt(c.h, CURLOPT_USERNAME, q.username.c_str());
    curl_easy_setopt(c.h, CURLOPT_PASSWORD, q.password.c_str());
  }
  curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, q.from.c_str());
  c.list = curl_slist_append(c.list, q.to.c_str());
  curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.list);
  curl_easy_setopt(c.h, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(c.h, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, q.timeout_seconds);
  curl_easy_setopt(c.h, CURLOPT_TIMEOUT, q.timeout_seconds);
  return c.perform();
}

NetResult http_post_json(const HttpPost& q) {
  CurlHandle c;
  curl_easy_setopt(c.h, CURLOPT_URL, q.url.c_str());
  c.list = curl_slist_append(c.list, "Content-Type: application/json");
  curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.list);
  curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, q.body->c_str());
  curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE, static_cast<long>(q.body->size()));
  curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, discard_cb);
  curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, q.timeout_seconds);
  curl_easy_setopt(c.h, CURLOPT_TIMEOUT, q.timeout_seconds);
  return c.perform();
}

const NetModule kTable{smtp_send, http_post_json};

}  // namespace

}  // namespace riskreg::alert

extern "C" const riskreg::alert::NetModule* riskreg_net_module() { return &riskreg::alert::kTable; }
