#include "audit/chain.h"

#include <openssl/evp.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace riskreg {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw Error(ErrorKind::Internal, "SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string audit_hash(const std::string& prev_hash, const AuditEntry& e) {
  // Canonical content: a JSON object with sorted keys (nlohmann's default object is a
  // std::map) and no insignificant white space.
  nlohmann::json j = {{"seq", e.seq},       {"at", e.at},         {"actor", e.actor},
                      {"action", e.action}, {"entity", e.entity}, {"detail", e.detail}};
  return sha256_hex(prev_hash + "\n" + j.dump());
}

std::string assessments_digest(std::vector<AssessmentRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const AssessmentRow& a, const AssessmentRow& b) { return a.id < b.id; });
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rows) j.push_back({r.id, r.risk_id, r.score.likelihood, r.score.impact, r.by, r.at, r.reason});
  return sha256_hex(j.dump());
}

RowDigest::RowDigest() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1)
    throw Error(ErrorKind::Internal, "SHA-256 failed");
}

RowDigest::~RowDigest() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void RowDigest::line(const std::string& canonical) {
  auto* c = static_cast<EVP_MD_CTX*>(ctx_);
  if (EVP_DigestUpdate(c, canonical.data(), canonical.size()) != 1 || EVP_DigestUpdate(c, "\n", 1) != 1)
    throw Error(ErrorKind::Internal, "SHA-256 failed");
  ++count_;
}

void RowDigest::add(const AssessmentRow& a) {
  line(nlohmann::json::array({a.id, a.risk_id, a.score.likelihood, a.score.impact, a.by, a.at, a.reason}).dump());
}

void RowDigest::add(const OwnerChange& o) {
  line(nlohmann::json::array({o.id, o.risk_id, o.owner, o.by, o.at, o.reason}).dump());
}

std::string RowDigest::hex() const {
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  bool ok = copy && EVP_MD_CTX_copy_ex(copy, static_cast<EVP_MD_CTX*>(ctx_)) == 1 &&
            EVP_DigestFinal_ex(copy, md, &len) == 1;
  EVP_MD_CTX_free(copy);
  if (!ok) throw Error(ErrorKind::Internal, "SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

ChainCheck verify_chain(const std::vector<AuditEntry>& log) {
  ChainCheck c;
  std::string prev = kGenesisHash;
  int64_t expect_seq = 1;
  for (const auto& e : log) {
    auto bad = [&](std::string why) {
      c.ok = false;
      c.first_bad_seq = e.seq;
      c.problem = std::move(why);
    };
    if (e.seq != expect_seq) {
      bad(e.seq > expect_seq ? "entry " + std::to_string(expect_seq) + " is missing (deleted) before entry " +
                                   std::to_string(e.seq)
                             : "entry " + std::to_string(e.seq) + " is out of order");
    } else if (e.prev_hash != prev) {
      bad("entry " + std::to_string(e.seq) + " does not follow the entry before it (inserted, moved or deleted)");
    } else if (audit_hash(prev, e) != e.hash) {
      bad("entry " + std::to_string(e.seq) + " was edited: its content does not match its hash");
    }
    if (!c.ok) return c;
    prev = e.hash;
    c.head = prev;
    ++c.checked;
    ++expect_seq;
  }
  return c;
}

}  // namespace riskreg
