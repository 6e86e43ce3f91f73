#pragma once
/// The values the store holds and hands out: rules files, assessments, owner changes, risk
/// states, audit entries, imports, changes. Plain types only; the `Store` interface that reads
/// and writes them is store/store.h, the events that record them audit/events.h.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/progress.h"
#include "domain/register.h"
#include "records/json_list.h"

namespace riskreg {

/// One rules file as stored in the register (the matrix and rules travel with it).
struct RulesFile {
  std::string name;  ///< "matrix.toml"
  std::string content;
  std::string sha256;
};

struct AssessmentRow {
  int64_t id = 0;
  std::string risk_id;
  ScoreCodes score;
  std::string by;
  std::string at;  ///< ISO 8601 UTC
  std::string reason;
};

struct OwnerChange {
  int64_t id = 0;
  std::string risk_id;
  std::string owner;
  std::string by;
  std::string at;
  std::string reason;
};

/// What lists, flags and alerts need of each risk, without its long texts.
struct RiskState {
  std::string id;
  std::string title;
  std::optional<std::string> owner;
  std::optional<AssessmentRow> current;
  std::optional<AssessmentRow> previous;
  std::optional<ScoreCodes> target;
  int priorities = 0;                 ///< priorities that mitigate it
  int actions = 0;                    ///< actions under those priorities
  int open_actions = 0;               ///< of those, the ones not done or dropped (domain/action_status.h action_open)
  std::string open_action_dues = {};  ///< the due dates (YYYY-MM-DD) of the open ones that have one, joined by ','
  bool closed = false;                ///< `riskreg close`d (and not reopened)
  std::string next_review;            ///< YYYY-MM-DD, "" for none
  std::string last_review;            ///< YYYY-MM-DD of its last `riskreg review`, "" for none
  std::string response = {};          ///< the decision above appetite (domain/response.h), "" for none
};

/// What whole-register evaluation (flags, the matrix counts) reads of one risk: its
/// RiskState without the assessments' who and why, so that a scan of a million risks
/// copies little.
struct RiskBrief {
  std::string id;
  std::string title;
  std::optional<std::string> owner;
  std::optional<ScoreCodes> target;
  std::optional<ScoreCodes> current;
  std::optional<ScoreCodes> previous;
  std::string assessed_at;  ///< of `current` (ISO 8601 UTC); empty when it is unscored
  int priorities = 0;       ///< as in RiskState
  int actions = 0;
  int open_actions = 0;               ///< as in RiskState
  std::string open_action_dues = {};  ///< as in RiskState
  bool closed = false;                ///< as in RiskState
  std::string next_review;            ///< as in RiskState
  std::string last_review;
  std::string response = {};  ///< as in RiskState
};

/// A risk's brief, from its state.
inline RiskBrief brief_of(const RiskState& s) {
  RiskBrief b;
  b.id = s.id;
  b.title = s.title;
  b.owner = s.owner;
  b.target = s.target;
  b.current = s.current ? std::optional(s.current->score) : std::nullopt;
  b.previous = s.previous ? std::optional(s.previous->score) : std::nullopt;
  b.assessed_at = s.current ? s.current->at : std::string();
  b.priorities = s.priorities;
  b.actions = s.actions;
  b.open_actions = s.open_actions;
  b.open_action_dues = s.open_action_dues;
  b.response = s.response;
  b.closed = s.closed;
  b.next_review = s.next_review;
  b.last_review = s.last_review;
  return b;
}

struct AuditEntry {
  int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;  ///< "create", "score", "owner", "rules", "import", "link"
  std::string entity;  ///< "R5", "register"
  std::string detail;  ///< canonical JSON
  std::string prev_hash;
  std::string hash;
};

/// One row of an import, validated against the register: a risk to insert, or an existing
/// one to update. Updates append to the history; they never rewrite it.
struct ImportedRisk {
  Risk risk;                          ///< every field as the file has it; `current` is its score
  bool exists = false;                ///< an update of a risk the register holds
  std::optional<ScoreCodes> expect;   ///< (update) its current score when the file was validated
  bool rescore = false;               ///< (update) append `risk.current` as an assessment
  bool new_owner = false;             ///< (update) append `risk.owner` as an owner change
  bool fields = false;                ///< (update) replace title, heading, texts, lists, target and status
  std::optional<std::string> status;  ///< "open" or "closed" when the file's status column gives one
  std::string reason;                 ///< on the assessment and owner change this row appends
  /// triggers, consequences, controls and notes as a store keeps them (records/json_list.h),
  /// encoded by the checking thread so that the writing one need not (SQLite uses them).
  ListsJson lists_json;
};

/// A whole validated import file, written in one transaction.
struct ImportBatch {
  std::string file;    ///< as given on the command line
  std::string sha256;  ///< of the file's bytes
  int64_t rows = 0;    ///< data rows in the file
  std::string by;
  Timestamp at;
  std::vector<ImportedRisk> risks;  ///< only the rows that change something
  Progress* progress = nullptr;     ///< hears each risk written, when given
};

/// The risks of `ids` the register holds, keyed by id (Store::existing_risks).
using RiskLookup =
    std::function<std::unordered_map<std::string, std::pair<Risk, RiskState>>(const std::vector<std::string>& ids)>;

/// Checks an import file: looks risks up through the lookup it is given and yields the
/// checked rows, a chunk at a time, in file order (io/import.h check_import).
using ImportCheck =
    std::function<void(const RiskLookup& lookup, const std::function<void(std::vector<ImportedRisk>&)>& yield)>;

struct ImportResult {
  int64_t import_id = 0;  ///< the row in `imports`
  int64_t created = 0, updated = 0, assessments = 0, owner_changes = 0;
  int64_t changes = 0;  ///< field changes (store/changes.h import_changes), each with its audit entry
};

/// A new assessment to append. `expect` is the lost-update guard: refuse unless the
/// risk's current score is still this.
struct NewAssessment {
  std::string risk_id;
  ScoreCodes score;
  std::string by;
  Timestamp at;
  std::string reason;
  std::optional<ScoreCodes> expect;
  /// An acceptance this re-score ends (register/respond.h acceptance_lapse): when the risk's
  /// response is still `lapse_from` under the write lock, the same transaction sets it to none
  /// with a "lapse" change giving `lapse_reason`. Empty: none.
  std::string lapse_from = {}, lapse_reason = {};
};

/// What append_assessment wrote, with what its transaction read under the write lock: the
/// score it replaced (right even when another owner re-scored just before ours), the risk's
/// title, and the sequence number of the "score" audit entry.
struct AppendedAssessment : AssessmentRow {
  std::string title;
  std::optional<ScoreCodes> from;
  int64_t audit_seq = 0;
  bool lapsed = false;  ///< it ended an acceptance (NewAssessment::lapse_from) with a "lapse" change
};

/// What `show` needs to link one risk, without loading the register.
struct RiskLinks {
  std::vector<Feed> feeds_out;       ///< risks this one feeds
  std::vector<Feed> feeds_in;        ///< risks that feed this one
  std::vector<Priority> priorities;  ///< priorities that mitigate it, with their actions
};

/// The part of the register a cascade from one risk can reach (Store::downstream), and which
/// of its risks are closed (graph/closed.h: a cascade neither moves nor passes through them).
struct Neighbourhood {
  RegisterData part;
  std::set<std::string> closed;  ///< ids among part.risks
};

/// One attempt to deliver one alert message (append-only: a retry run appends again).
struct AlertDelivery {
  int64_t id = 0;
  std::string period;     ///< "2026-11"
  std::string recipient;  ///< an e-mail address, or the webhook recipient's name
  std::string channel;    ///< "smtp", "webhook", "file"
  std::string status;     ///< "sent" or "failed"
  int attempts = 0;
  std::string detail;  ///< the server's last answer or the error; never a secret
  std::string message_sha256;
  std::string at;  ///< ISO 8601 UTC
};

/// One risk as an export streams it (Store::for_each_export): its state, its texts, its
/// links and its history, filled from cursors merged in risk order, never from per-risk queries.
struct ExportRisk {
  RiskState state;  ///< as of the export's time when it has one; priorities/actions counted
  std::string heading, vulnerability;
  std::vector<std::string> triggers, consequences, controls, notes;
  std::vector<std::string> priorities;  ///< that mitigate it, in the plan's order
  std::vector<std::string> actions;     ///< under those priorities, in order
  /// The links from it (`from` is this risk), in key order of the risk fed; with an as-of
  /// time, only to risks in the register then. `from`, `to`, `basis` and
  /// `transition_probability` are filled (not the evidence or the direction note).
  std::vector<Feed> feeds;
  /// Only when asked for: the score (as of the export's time) of each risk feeding this one.
  /// A source with no score is `nullopt`; with an as-of time, sources not yet assessed then
  /// are left out (they are not in that register).
  std::vector<std::optional<ScoreCodes>> upstream;
  /// Its assessments (made by the as-of time), in id order.
  std::vector<AssessmentRow> history;
};

/// One recorded change of the register other than a score or an owner (the lifecycle's
/// events): a risk added, a text field edited, its target, status (closed/open), review or
/// next review date, a note. Appended, never updated or deleted; each has its own audit entry
/// (audit/events.h change_detail) and `audit verify` holds the register's state to them.
struct ChangeRow {
  int64_t id = 0;
  std::string kind;     ///< the audit entry's action: events::kAdd, kEdit, kTarget, kClose, ...
  std::string subject;  ///< the risk's id
  std::string field;    ///< store/changes.h kFields: "title", "controls", "target", "status", ...
  std::string from;     ///< the value before, as text ("" for none; lists as JSON arrays)
  std::string to;       ///< the value after
  std::string by;
  std::string at;  ///< ISO 8601 UTC
  std::string reason;
  int64_t audit_seq = 0;  ///< of its audit entry (filled by the write that appended it)
};

/// How one field changes: set to `value`, or (lists) `value` appended, or item `index`
/// (0-based) removed. A note is appended.
enum class EditOp { Set, Append, RemoveAt };
struct FieldEdit {
  std::string field;
  EditOp op = EditOp::Set;
  std::string value;
  size_t index = 0;
};

/// A change to one risk: its edits, applied in order in one transaction, each appending a
/// ChangeRow and its audit entry. `expect_version` is the lost-update guard: refuse unless the
/// risk's version (its event count: assessments, owner changes and changes) is still this.
struct ChangeRequest {
  std::string kind;     ///< events::kEdit, kTarget, kClose, kReopen, kReview, kNote
  std::string risk_id;  ///< canonical
  std::vector<FieldEdit> edits;
  std::optional<int64_t> expect_version;
  std::string by;
  Timestamp at;
  std::string reason;
};

/// What apply_change wrote: its rows (with their values before, read under the write lock)
/// and the risk's version after it.
struct AppliedChange {
  std::vector<ChangeRow> rows;
  int64_t version = 0;
};

/// A risk to add (`riskreg add`): every field of `risk` (its id canonical and free, `current`
/// its first score), its first next review date ("" for none).
struct NewRisk {
  Risk risk;
  std::string next_review;
  std::string by;
  Timestamp at;
  std::string reason;
};

/// One stored version of a rules file: a row of `rules_files`, appended by `init` (the
/// register's first rules) or by `rules apply` (a new version of the files that changed).
struct StoredRulesFile : RulesFile {
  int64_t seq = 0;        ///< its row, in the order stored
  std::string loaded_at;  ///< ISO 8601 UTC
  std::string loaded_by;
};

/// A new version of the rules (`riskreg rules apply`): the files that changed, each checked
/// with the whole bundle it belongs to. `expect_version` is the guard against a concurrent
/// apply: refuse unless the rules in force are still that version.
struct NewRulesVersion {
  std::vector<RulesFile> files;  ///< by name; only those whose content differs from the stored one
  int64_t expect_version = 0;
  std::string by;
  Timestamp at;
  std::string reason;
};

/// What apply_rules wrote: the version number (the register's first rules are version 1),
/// the rows it appended and the sequence number of its "rules" audit entry.
struct AppliedRules {
  int64_t version = 0;
  std::vector<StoredRulesFile> rows;
  int64_t audit_seq = 0;
};

struct RegisterCounts {
  int64_t risks = 0, assessments = 0, feeds = 0, priorities = 0, actions = 0, objectives = 0, outcomes = 0, audit = 0;
};

}  // namespace riskreg
