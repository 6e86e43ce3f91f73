#pragma once
/// Every audited event, defined once: its action name, the canonical detail JSON that is
/// hashed into the chain, and the messages a store gives when the event cannot be written.
/// SqliteStore and PgStore build their entries only through these, so a register copied
/// between them (`migrate`) verifies byte for byte; `audit verify` reads the same fields back.
/// The "import" event's detail is ImportRecord's (audit/chain.h).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "records/records.h"

namespace riskreg::events {

inline constexpr const char* kCreate = "create";
inline constexpr const char* kScore = "score";
inline constexpr const char* kOwner = "owner";
inline constexpr const char* kImport = "import";
inline constexpr const char* kAlert = "alert";
inline constexpr const char* kRules = "rules";
// The lifecycle's events: one ChangeRow each (store/changes.h), the entry's action its kind.
inline constexpr const char* kAdd = "add";
inline constexpr const char* kEdit = "edit";
inline constexpr const char* kTarget = "target";
inline constexpr const char* kClose = "close";
inline constexpr const char* kReopen = "reopen";
inline constexpr const char* kReview = "review";
inline constexpr const char* kNote = "note";
inline constexpr const char* kLink = "link";
inline constexpr const char* kUnlink = "unlink";
inline constexpr const char* kFeed = "feed";
inline constexpr const char* kUnfeed = "unfeed";
/// An action's status or due date (`riskreg action`): a ChangeRow whose subject is the action,
/// kept apart from the risks' changes (action_changes), with the same detail (change_detail).
inline constexpr const char* kAction = "action";
/// Every kind a ChangeRow may have, in the order `riskreg log --kind` lists them.
/// A decision above the appetite line (`riskreg respond`), and its end when a re-score to a
/// worse cell ends an acceptance (written in the re-score's transaction).
inline constexpr const char* kRespond = "respond";
inline constexpr const char* kLapse = "lapse";
inline constexpr const char* kChangeKinds[] = {kAdd,  kEdit,   kTarget, kClose,  kReopen,  kReview, kNote,
                                               kLink, kUnlink, kFeed,   kUnfeed, kRespond, kLapse};
bool is_change_kind(const std::string& action);
/// An entry that records one ChangeRow: a lifecycle kind, or an "import" entry of a risk (not
/// the import's own entry, whose entity is "register"): an import records each field it
/// changes as a change of kind "import" (store/changes.h import_changes).
bool is_change_entry(const std::string& action, const std::string& entity);

/// "create" (entity "register"): the register's name, each rules file's SHA-256 by name, the
/// reason, the counts, and the initial assessments (ids 1..last) by count and digest.
std::string create_detail(const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& reason,
                          const std::vector<AssessmentRow>& initial);

/// "score" (entity the risk id, actor and time the assessment's): the assessment's id, score
/// and reason, and the score it replaced when there was one.
std::string score_detail(const AssessmentRow& row, const std::optional<ScoreCodes>& from);

/// "owner" (entity the risk id, actor and time the change's): the new owner, the reason and
/// the owner change's id.
std::string owner_detail(const OwnerChange& change);

/// "alert" (entity the period): the delivery's id, recipient, channel, status, attempts and
/// the message's SHA-256 (never the server's answer, which may hold a secret).
std::string alert_detail(const AlertDelivery& delivery);

/// A lifecycle change (entity the risk id, action its kind, actor and time the change's): the
/// change's id, field, value before and after, and the reason.
std::string change_detail(const ChangeRow& row);
/// What a change's entry records, read back from its detail (audit verify); none when the
/// detail is not such an object.
struct RecordedChange {
  int64_t change = 0;
  std::string field, from, to, reason;
};
std::optional<RecordedChange> change_of(const std::string& detail);

/// What a "score" or "owner" entry records, read back from its detail (audit verify); none
/// when the detail is not such an object.
struct RecordedOwner {
  int64_t change = 0;
  std::string owner, reason;
};
std::optional<RecordedOwner> owner_of(const std::string& detail);

/// "rules" (entity "register", actor and time the rows'): a new version of the stored rules
/// (`riskreg rules apply`): its version number, each file it stored by name with its SHA-256
/// ("rules", as the "create" entry records the first version) and with its row in
/// `rules_files` ("rows"), and the reason.
std::string rules_detail(int64_t version, const std::vector<StoredRulesFile>& rows, const std::string& reason);
/// What a "create" or "rules" entry records of the rules, read back from its detail (audit
/// verify, `rules history`); none when the detail records no rules. A "create" entry is
/// version 1 and names no rows.
struct RecordedRules {
  int64_t version = 0;
  std::map<std::string, std::string> sha256;  ///< by file name
  std::map<std::string, int64_t> rows;        ///< by file name (empty for "create")
  std::string reason;
};
std::optional<RecordedRules> rules_of(const AuditEntry& entry);

/// Logs at info on stderr (spdlog) that a write committed, with its audit entry's sequence
/// number: "committed score R5, audit seq 12 (reg.db)". `where` names the register, never
/// with a password.
void log_committed(const char* action, const std::string& entity, int64_t seq, const std::string& where);
/// The same for `count` re-scores committed at once (a synthetic history, a bulk append), whose
/// entries are audit seq `first` to first + count - 1: "committed 3 "score" entries, audit seq 2-4 (reg.db)".
void log_committed_scores(size_t count, int64_t first, const std::string& where);

/// The lost-update guard refused a re-score: `risk_id`'s score is not the expected one.
std::string score_conflict(const std::string& risk_id);

/// The row a re-score appends, once its lost-update guard holds: `current` is the risk's score
/// read under its lock (`from`), `title` its title. Throws Error(Conflict, score_conflict) when
/// `a.expect` is set and is not `current`. Both stores build it; they set the id and audit seq.
AppendedAssessment score_row(const NewAssessment& a, const std::optional<ScoreCodes>& current, std::string title);
/// The lost-update guard refused a change: `risk_id` has another version than the expected one.
std::string version_conflict(const std::string& risk_id, int64_t expected, int64_t actual);
/// An id given to `add` is already a risk's.
std::string risk_exists(const std::string& risk_id);
/// An import's row no longer matches the register it was checked against.
std::string import_created_since(const std::string& risk_id);
std::string import_removed_since(const std::string& risk_id);
std::string import_rescored_since(const std::string& risk_id);
/// `rules apply` found the rules in force changed by another apply since it compared them.
std::string rules_version_conflict(int64_t expected, int64_t actual);
/// A register already exists where a new one was to be created.
std::string register_exists(const std::string& where);
/// A change names a risk the register does not hold.
std::string unknown_risk(const std::string& risk_id);
/// `link` names a priority the register does not hold; `known` are the register's priorities.
std::string unknown_priority(const std::string& priority, const std::vector<std::string>& known);
/// `feed` links a risk to itself.
std::string feeds_itself(const std::string& risk_id);

}  // namespace riskreg::events
