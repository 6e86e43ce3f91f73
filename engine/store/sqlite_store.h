#pragma once
/// The embedded SQLite store (SQLiteCpp). WAL, foreign keys on, a busy timeout, and a
/// versioned schema with forward-only migrations (store/schema.h).
#include <memory>
#include <string>

#include "store/store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace riskreg {

class SqliteStore : public Store {
 public:
  enum class Mode {
    Open,    ///< the register must exist (Error NoDatabase otherwise)
    Create,  ///< the file must not exist; it is created readable by its owner only
  };
  SqliteStore(const std::string& path, Mode mode);
  ~SqliteStore() override;

  const std::string& path() const { return path_; }
  int schema_version();

  void create(const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& by, Timestamp at,
              const std::string& reason) override;
  ImportResult import_risks(const ImportBatch& batch) override;  // store/sqlite_import.cc
  ImportResult import_checked(ImportBatch& batch, const ImportCheck& check) override;
  RegisterInfo info() override;
  std::vector<RulesFile> rules() override;
  RegisterCounts counts() override;
  bool more_risks_than(int64_t n) override;
  std::vector<std::string> risk_ids() override;
  std::vector<std::string> owners() override;
  std::optional<Risk> risk(const std::string& id) override;
  std::optional<RiskState> risk_state(const std::string& id) override;
  void for_each_risk(const std::function<void(const RiskState&)>& visit) override;
  void for_each_risk_as_of(const std::string& as_of, const std::function<void(const RiskState&)>& visit) override;
  std::vector<AssessmentRow> history(const std::string& risk_id) override;
  std::vector<OwnerChange> owner_history(const std::string& risk_id) override;
  RiskLinks links(const std::string& risk_id) override;
  void for_each_feed(const std::function<void(const Feed&)>& visit) override;
  void scan_register(const std::function<void(size_t risks, unsigned workers)>& start,
                     const std::function<void(unsigned worker, size_t position, const RiskBrief&)>& risk,
                     const std::function<void(size_t from, size_t to)>& feed) override;  // store/sqlite_scan.cc
  Neighbourhood downstream(const std::string& risk_id, int depth) override;
  std::vector<std::optional<ScoreCodes>> feeder_scores(const std::string& risk_id) override;
  RegisterData load() override;
  std::vector<AuditEntry> audit_log() override;
  std::string audit_head(const std::optional<std::string>& as_of) override;  // store/sqlite_export.cc
  std::optional<AuditEntry> audit_last() override;                           // store/sqlite_export.cc
  std::unordered_map<std::string, std::pair<Risk, RiskState>> existing_risks(
      const std::vector<std::string>& ids) override;
  void for_each_export(const std::optional<std::string>& as_of, bool upstream,
                       const std::function<void(ExportRisk&)>& on_risk) override;
  std::vector<AlertDelivery> alert_deliveries(const std::string& period) override;
  AlertDelivery append_alert_delivery(const AlertDelivery& d, const std::string& by) override;
  AppendedAssessment append_assessment(const NewAssessment& a) override;
  OwnerChange assign_owner(const std::string& risk_id, const std::string& owner, const std::string& by, Timestamp at,
                           const std::string& reason) override;
  std::vector<AssessmentRow> append_assessments(const std::vector<NewAssessment>& all) override;
  // store/sqlite_changes.cc
  AppliedChange apply_change(const ChangeRequest& c) override;
  ChangeRow add_risk(const NewRisk& r) override;
  std::vector<ChangeRow> changes(const std::string& risk_id) override;
  void for_each_change(const std::function<void(const ChangeRow&)>& visit) override;
  void for_each_owner_change(const std::function<void(const OwnerChange&)>& visit) override;
  int64_t risk_version(const std::string& risk_id) override;
  AppliedChange apply_action_change(const ChangeRequest& c) override;
  std::optional<Action> action(const std::string& action_id) override;
  std::vector<std::string> action_ids() override;
  std::vector<ChangeRow> action_changes(const std::string& action_id) override;
  // store/sqlite_rules.cc
  std::vector<RulesFile> rules_as_of(const std::string& as_of) override;
  std::vector<StoredRulesFile> rules_rows() override;
  std::vector<AuditEntry> audit_entries(const std::vector<std::string>& actions) override;
  AppliedRules apply_rules(const NewRulesVersion& v) override;

  /// For tests that tamper with the file: the underlying connection.
  SQLite::Database& db() { return *db_; }

  /// scan_register splits a register of at least this many risks (read from its key range:
  /// the count itself takes a walk) over two threads, each with its own connection, when the
  /// machine has two cores or more. Tests set it to compare the two ways.
  void set_parallel_scan_from(size_t risks) { parallel_scan_from_ = risks; }

 private:
  /// Ends the acceptance `a` names (NewAssessment::lapse_from) inside the caller's transaction;
  /// true when it did (store/sqlite_changes.cc).
  bool lapse(const NewAssessment& a);
  /// Appends one chained entry inside the caller's transaction; returns its sequence number.
  int64_t append_audit(const std::string& at, const std::string& actor, const std::string& action,
                       const std::string& entity, const std::string& detail);
  int64_t risk_key(const std::string& id);
  /// One import's transaction: `rows(write)` hands each row to `write` (store/sqlite_import.cc).
  ImportResult write_import(const ImportBatch& batch,
                            const std::function<void(const std::function<void(const ImportedRisk&)>& write)>& rows);
  std::vector<Feed> read_feeds(const std::string& where, const std::string& id);
  void read_priorities(const std::string& where, const std::string& arg, std::vector<Priority>& out);

  std::string path_;
  size_t parallel_scan_from_ = 50000;
  std::unique_ptr<SQLite::Database> db_;
  // Lookups by id, prepared on first use (declared after db_: finalized before it closes).
  std::unique_ptr<SQLite::Statement> risk_by_id_, state_by_id_;
};

}  // namespace riskreg
