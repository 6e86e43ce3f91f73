#pragma once
/// The stored rules as versions (issue 19): `riskreg rules apply DIR` stores a new version of
/// the rules files that changed, as one audited event; `rules history` lists the versions;
/// `--as-of T` reads the rules in force at T. `init` stores version 1 (the "create" entry
/// records its files' SHA-256), each apply one more ("rules" entries, audit/events.h).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace riskreg {

struct RulesApplyRequest {
  std::string dir;  ///< a rules folder, as `init --rules` takes
  std::string by;
  Timestamp at;
  std::string reason;
};

/// What an apply changed, for its report.
struct RulesApplyResult {
  AppliedRules applied;
  std::vector<std::string> unchanged;  ///< the files of DIR the register already holds as they are
};

/// Checks a rules folder whole and stores a new version of the files that changed, in one
/// transaction with its "rules" audit entry. Refuses, writing nothing:
/// - a blank reason (Error InvalidInput);
/// - a file that does not parse, or a template that does not (FileError, `DIR/FILE:line:col`);
/// - a rules file the register holds that DIR lacks (InvalidInput: files are replaced, never removed);
/// - DIR holding exactly the rules in force (InvalidInput: nothing to apply);
/// - a new matrix that cannot express the current or target score of an open risk
///   (InvalidInput, naming the risks);
/// - another apply since the rules were compared (Conflict).
RulesApplyResult apply_rules_dir(Store& store, const RulesApplyRequest& req);

/// One version of the stored rules, as its audit entry records it.
struct RulesVersion {
  int64_t version = 0;
  std::string at, by, reason;
  int64_t audit_seq = 0;
  std::vector<std::pair<std::string, std::string>> files;  ///< each file it stored: name, SHA-256
};

/// Every version, oldest first: the "create" entry's (version 1) and each "rules" entry's.
std::vector<RulesVersion> rules_history(Store& store);

/// The rules in force at `as_of` (ISO 8601 UTC), or now without it. Before the register was
/// created, its first rules (a register is never read without a matrix).
std::vector<RulesFile> rules_in_force(Store& store, const std::optional<std::string>& as_of);

}  // namespace riskreg
