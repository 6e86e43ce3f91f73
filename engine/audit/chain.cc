#include "audit/chain.h"

#include <nettle/sha2.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "records/json_list.h"

namespace riskreg {

namespace {

std::string to_hex(const uint8_t* bytes, unsigned len) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  uint8_t md[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, SHA256_DIGEST_SIZE, md);
  return to_hex(md, SHA256_DIGEST_SIZE);
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

struct RowDigest::State {
  sha256_ctx ctx;
};

RowDigest::RowDigest() : ctx_(std::make_unique<State>()) { sha256_init(&ctx_->ctx); }

RowDigest::~RowDigest() = default;

void RowDigest::line(const std::string& canonical) {
  sha256_update(&ctx_->ctx, canonical.size(), reinterpret_cast<const uint8_t*>(canonical.data()));
  sha256_update(&ctx_->ctx, 1, reinterpret_cast<const uint8_t*>("\n"));
  ++count_;
}

void RowDigest::add(int64_t id, std::initializer_list<std::string_view> texts) {
  // `[id,"text",...]` as nlohmann::json's dump writes it, written here when every text is
  // plain (append_plain_json_string), else by the library.
  buf_.assign("[").append(std::to_string(id));
  for (auto t : texts) {
    buf_ += ',';
    if (!append_plain_json_string(buf_, t)) {
      nlohmann::json row = nlohmann::json::array({id});
      for (auto x : texts) row.push_back(std::string(x));
      buf_ = row.dump();
      line(buf_);
      return;
    }
  }
  buf_ += ']';
  line(buf_);
}

void RowDigest::add(const AssessmentRow& a) {
  add(a.id, {a.risk_id, a.score.likelihood, a.score.impact, a.by, a.at, a.reason});
}

void RowDigest::add(const OwnerChange& o) { add(o.id, {o.risk_id, o.owner, o.by, o.at, o.reason}); }

std::string RowDigest::hex() const {
  sha256_ctx copy = ctx_->ctx;  // sha256_digest resets the context it finishes: finish a copy
  uint8_t md[SHA256_DIGEST_SIZE];
  sha256_digest(&copy, SHA256_DIGEST_SIZE, md);
  return to_hex(md, SHA256_DIGEST_SIZE);
}

void ImportRecord::add(const AssessmentRow& a) {
  assessments_.digest.add(a);
  assessments_.note(a.id);
}

void ImportRecord::add(const OwnerChange& c) {
  owners_.digest.add(c);
  owners_.note(c.id);
}

void ImportRecord::add_assessment(int64_t id, std::initializer_list<std::string_view> texts) {
  assessments_.digest.add(id, texts);
  assessments_.note(id);
}

void ImportRecord::add_owner_change(int64_t id, std::initializer_list<std::string_view> texts) {
  owners_.digest.add(id, texts);
  owners_.note(id);
}

std::string ImportRecord::detail(const ImportBatch& batch, const ImportResult& result) const {
  auto part = [](const Part& p, int64_t count) {
    return nlohmann::json{{"count", count}, {"first", p.first}, {"last", p.last}, {"sha256", p.digest.hex()}};
  };
  return nlohmann::json{{"import", result.import_id},
                        {"file", batch.file},
                        {"sha256", batch.sha256},
                        {"rows", batch.rows},
                        {"created", result.created},
                        {"updated", result.updated},
                        {"assessments", part(assessments_, result.assessments)},
                        {"owner_changes", part(owners_, result.owner_changes)}}
      .dump();
}

std::optional<ImportRecord::Cover> ImportRecord::cover(const std::string& detail, const char* part) {
  nlohmann::json d = nlohmann::json::parse(detail, nullptr, false);
  if (d.is_discarded() || !d.is_object() || !d.contains(part) || !d[part].is_object()) return std::nullopt;
  const nlohmann::json& c = d[part];
  return Cover{c.value("first", int64_t{0}), c.value("last", int64_t{0}), c.value("count", int64_t{0}),
               c.value("sha256", std::string())};
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
      bad(e.seq > expect_seq
              ? "entry " + std::to_string(expect_seq) + " is missing (deleted) before entry " + std::to_string(e.seq)
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
