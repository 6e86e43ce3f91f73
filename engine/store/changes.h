#pragma once
/// The lifecycle's changes as both stores apply them: which fields a change may touch, how a
/// value is written as text, and the one implementation of a change (read under the write
/// lock, checked, written, recorded and audited). A store supplies only the SQL, through
/// ChangeBackend, so SQLite and PostgreSQL record byte-identical changes and audit entries.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace riskreg::changes {

/// The fields a change may set, as ChangeRow::field names them. Each is a column of the risk
/// (the target two columns), read and written as text:
/// - "title", "heading", "vulnerability": text;
/// - "triggers", "consequences", "controls": JSON arrays (records/json_list.h);
/// - "target": "L/I" (likelihood code, '/', impact code), "" for none;
/// - "status": "open" or "closed";
/// - "next_review", "last_review": YYYY-MM-DD, "" for none;
/// - "response": the decision above appetite, as domain/response.h stores it, "" for none.
/// "notes" (the seed's and an import's notes, a JSON array) is changed only by `import`, and
/// read by fields_of; "note" is appended (its row holds the text; no column) and "risk" is the "add" change,
/// whose `to` is the JSON object of every field the risk started with (add_value).
/// Links are fields too, named by what they link to:
/// - "priority:P3.1": "linked" while the risk is linked to that priority, "" when not;
/// - "feed:R3": while the risk feeds R3, `{"basis":"stated","probability":0.3}` (probability
///   only when set: feed_value), "" when not.
extern const std::vector<std::string> kFields;

/// True for "priority:..." and "feed:..." fields.
bool is_link_field(const std::string& field);
/// A feed link's value as a "feed:..." field holds it.
std::string feed_value(const std::string& basis, const std::optional<double>& probability);
/// The value a link field has by `links` (Store::links of the risk).
std::string link_value(const RiskLinks& links, const std::string& field);

/// The text a target is stored as, and back (none for "").
std::string score_text(const std::optional<ScoreCodes>& s);
std::optional<ScoreCodes> score_from_text(const std::string& text);

/// The fields (kFields) of a risk as stored now, from what Store::risk and risk_state read.
std::map<std::string, std::string> fields_of(const Risk& r, const RiskState& s);

/// The "add" change's value: a JSON object of every field of kFields the risk starts with.
std::string add_value(const NewRisk& r);
/// The fields an "add" change's value records; none when it is not such an object.
std::optional<std::map<std::string, std::string>> fields_of_add(const std::string& value);

/// What a store does inside its write transaction for apply_change and add_risk.
class ChangeBackend {
 public:
  virtual ~ChangeBackend() = default;
  /// The risk's fields (kFields) now; none for an unknown risk.
  virtual std::optional<std::map<std::string, std::string>> read_fields(const std::string& risk_id) = 0;
  virtual void write_field(const std::string& risk_id, const std::string& field, const std::string& value) = 0;
  /// A link field's value now (is_link_field). Throws Error(NotFound) when what it names (the
  /// priority, the risk fed) is not in the register, with the valid ones or a "did you mean".
  virtual std::string read_link(const std::string& risk_id, const std::string& field) = 0;
  /// Makes a link field hold `value`: inserts, updates or deletes the priority_risks or feeds
  /// row. A new feed's evidence is `evidence`.
  virtual void write_link(const std::string& risk_id, const std::string& field, const std::string& value,
                          const std::string& evidence) = 0;
  /// Its events so far: assessments, owner changes and changes.
  virtual int64_t version(const std::string& risk_id) = 0;
  /// Appends the row; returns its id.
  virtual int64_t insert_change(const ChangeRow& row) = 0;
  /// Appends the row's audit entry (action its kind, entity its subject); returns its seq.
  virtual int64_t append_audit(const ChangeRow& row, const std::string& detail) = 0;
};

/// What a store does inside its write transaction for apply_action_change.
class ActionBackend {
 public:
  virtual ~ActionBackend() = default;
  /// The action's "status" and "due" now; none for an unknown action.
  virtual std::optional<std::map<std::string, std::string>> read_action(const std::string& action_id) = 0;
  /// Every action's id, in the register's order (for a refusal's "did you mean").
  virtual std::vector<std::string> action_ids() = 0;
  virtual void write_action(const std::string& action_id, const std::string& field, const std::string& value) = 0;
  /// Its changes so far.
  virtual int64_t action_version(const std::string& action_id) = 0;
  virtual int64_t insert_action_change(const ChangeRow& row) = 0;
  virtual int64_t append_audit(const ChangeRow& row, const std::string& detail) = 0;
};

/// The refusal of an unknown action id: "unknown action 'P3.1-A9'; did you mean ...? (actions: ...)".
std::string unknown_action(const std::string& id, const std::vector<std::string>& ids);

/// The one implementation of Store::apply_action_change, inside the caller's transaction. The
/// action id is matched as written, then ignoring case; the rows' subject is the id as stored.
AppliedChange apply_action(ActionBackend& b, const ChangeRequest& req);

/// The one implementation of Store::apply_change, inside the caller's transaction.
AppliedChange apply(ChangeBackend& b, const ChangeRequest& req);

/// Ends an acceptance inside a re-score's transaction (NewAssessment::lapse_from): when the
/// risk's response is still `from`, sets it to none with a "lapse" change; else does nothing.
std::optional<ChangeRow> apply_lapse(ChangeBackend& b, const std::string& risk_id, const std::string& from,
                                     const std::string& by, Timestamp at, const std::string& reason);

/// The fields an import may change, in the order its change rows are written: the descriptive
/// fields, the target and the status (a file's `status` column).
extern const std::vector<std::string> kImportFields;

/// The change rows (kind events::kImport, no id yet) an import writes for one risk it updates:
/// one for each field of kImportFields whose value in `after` differs from `before` (the risk's
/// fields as stored, read under the write lock: fields_of, or a store's row). A field `after`
/// lacks is not changed. Fields that do not differ write nothing, so an import of an unchanged
/// file writes no change row.
std::vector<ChangeRow> import_changes(const std::string& risk_id, const std::map<std::string, std::string>& before,
                                      const std::map<std::string, std::string>& after, const std::string& by,
                                      const std::string& at, const std::string& reason);

/// What an import row sets of kImportFields: every descriptive field and the target of `r`,
/// and the status when the file gives one.
std::map<std::string, std::string> import_values(const Risk& r, const std::optional<std::string>& status);

/// Records the "add" change of a risk the caller has just inserted; returns it.
ChangeRow record_add(ChangeBackend& b, const NewRisk& r);

}  // namespace riskreg::changes
