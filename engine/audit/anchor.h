#pragma once
/// Anchors: a head of the audit chain kept outside the register (docs/audit.md).
///
/// The chain alone proves only that the log is self-consistent: someone with write access
/// to the database can edit an entry and recompute every hash after it, or delete the
/// newest entries, and the chain still verifies. A head recorded elsewhere (an anchor
/// file written by `audit anchor`, an export's manifest, a hash published by hand) cannot
/// be recomputed with it: the register holds the anchored history unchanged only if the
/// anchored entry is still there with the anchored hash. As with a signed tree head in
/// Certificate Transparency (RFC 6962, 3.5), it is the copy kept elsewhere that makes a
/// rewritten history detectable.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "records/records.h"

namespace riskreg {

/// A head of the chain as recorded somewhere else.
struct Anchor {
  std::string hash;            ///< 64 lower-case hexadecimal digits
  std::optional<int64_t> seq;  ///< the entry it is the hash of, when the record says
  std::string source;          ///< where it came from, for messages: "--head 3f2a…", "anchor.json"
};

/// The anchor file format: `riskreg_anchor` is its version.
inline constexpr int kAnchorFormat = 1;

/// A hash given on the command line (`--head`), in either case. Throws Error(Usage) when
/// it is not 64 hexadecimal digits.
Anchor anchor_from_hash(const std::string& text);

/// The anchor in a file written by `audit anchor --out`. Throws Error(NotFound) when the
/// file cannot be read and Error(BadFile) when it is not a riskreg anchor.
Anchor read_anchor_file(const std::string& path);

/// The audit head recorded by an export's manifest: a `manifest.json`, a CSV export's
/// folder (holding one), or a JSON export (its "manifest" member). Throws Error(NotFound)
/// when nothing can be read there and Error(BadFile) when it is not a riskreg manifest.
Anchor read_manifest(const std::string& path);

/// The anchor file's content for the head entry `head`: the format, the register's name,
/// the entry's sequence number, hash and time, when the anchor was taken, and riskreg's
/// version; pretty-printed JSON ending in a line feed.
std::string anchor_document(const AuditEntry& head, const std::string& register_name, Timestamp now);

struct AnchorCheck {
  int64_t entry = 0;    ///< the entry that holds the anchored hash; 0 when none does
  std::string problem;  ///< "" when the log holds the anchored history
};

/// Whether `log` (the register's audit log, in order) still holds the history `a` anchors:
/// the entry it names is present with the anchored hash. The problem names the entry
/// ("entry 7 has the hash ..., the history up to entry 7 was rewritten", "the audit log
/// ends at entry 5 ...: entries 6-7 were deleted"). Whether the entries up to it verify is
/// the chain's check (audit/chain.h), not this one.
AnchorCheck check_anchor(const std::vector<AuditEntry>& log, const Anchor& a);

/// Writes `document` at `path` (readable and writable by its owner only), whole or not at
/// all. An existing path is refused with Error(Conflict) unless `force`; an anchor kept for
/// safekeeping is not overwritten by mistake.
void write_anchor_file(const std::string& path, const std::string& document, bool force);

}  // namespace riskreg
