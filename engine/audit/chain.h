#pragma once
/// The tamper-evident audit chain: each entry's hash is SHA-256 over the previous
/// entry's hash and the entry's canonical content.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace riskreg {

std::string sha256_hex(std::string_view data);

/// The hash the chain expects for `e` (whose own `hash` field is ignored) after `prev_hash`.
std::string audit_hash(const std::string& prev_hash, const AuditEntry& e);

/// SHA-256 over the canonical JSON of `rows` in id order (id, risk, likelihood, impact,
/// by, at, reason). The "create" entry records it for the initial assessments, which
/// have no "score" entry of their own.
std::string assessments_digest(std::vector<AssessmentRow> rows);

/// The prev_hash of the first entry.
inline const std::string kGenesisHash(64, '0');

struct ChainCheck {
  bool ok = true;
  int64_t checked = 0;
  std::optional<int64_t> first_bad_seq;  ///< the first entry that does not verify
  std::string problem;                   ///< what is wrong with it
  std::string head;                      ///< the last good hash
};

/// Walks the log in order and names the first entry that was edited, deleted,
/// inserted or moved.
ChainCheck verify_chain(const std::vector<AuditEntry>& log);

}  // namespace riskreg
