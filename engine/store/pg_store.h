#pragma once
/// The PostgreSQL store (libpqxx): the same schema and behaviour as SqliteStore on a
/// database server, for a register many risk owners re-score from their own machines.
/// Chosen by a connection string (`postgresql://user@host:port/db`); the password comes
/// from PGPASSWORD or a pgpass file, as libpq reads them.
///
/// Concurrency: every write is one transaction that locks the risk's row (SELECT ... FOR
/// UPDATE) before checking `expect`, then the single `audit_head` row before reading the
/// chain's last entry, so concurrent writers on separate connections never lose an update
/// nor fork the chain. Locks are always taken in that order (risk, then chain head).
#include <memory>
#include <string>

#include "store/open.h"
#include "store/store.h"

#include <pqxx/connection>  // pqxx::connection is a typedef: it cannot be forward-declared

namespace pqxx {
class dbtransaction;
}  // namespace pqxx

namespace riskreg {

class PgStore : public Store {
 public:
  enum class Mode {
    Open,    ///< the register must exist (Error NoDatabase otherwise)
    Create,  ///< the schema is created if missing; create() then refuses a non-empty register
  };
  PgStore(const std::string& url, Mode mode);
  ~PgStore() override;

  /// The connection string with any password removed, for messages.
  const std::string& where() const { return where_; }
  int schema_version();

  void create(const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& by, Timestamp at,
              const std::string& reason) override;
  /// `init --force`: drops the existing register and creates this one, in one transaction,
  /// so a failure leaves the old register exactly as it was.
  void replace(const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& by, Timestamp at,
               const std::string& reason);
  /// `generate`: creates (with `replace`, replaces) a register and appends `rescores`
  /// after it, all in one transaction, every bulk table by COPY.
  void create_with_history(const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& by,
                           Timestamp at, const std::string& reason, const std::vector<NewAssessment>& rescores,
                           bool replace);
  RegisterInfo info() override;
  std::vector<RulesFile> rules() override;
  RegisterCounts counts() override;
  bool more_risks_than(int64_t n) override;
  std::vector<std::string> risk_ids() override;
  std::vector<std::string> owners() override;
  std::optional<Risk> risk(const std::string& id) override;
  std::optional<RiskState> risk_state(const std::string& id) override;
  std::unordered_map<std::string, std::pair<Risk, RiskState>> existing_risks(
      const std::vector<std::string>& ids) override;
  void for_each_risk(const std::function<void(const RiskState&)>& visit) override;
  void for_each_risk_as_of(const std::string& as_of, const std::function<void(const RiskState&)>& visit) override;
  std::vector<AssessmentRow> history(const std::string& risk_id) override;
  std::vector<OwnerChange> owner_history(const std::string& risk_id) override;
  RiskLinks links(const std::string& risk_id) override;
  std::vector<std::optional<ScoreCodes>> feeder_scores(const std::string& risk_id) override;
  Neighbourhood downstream(const std::string& risk_id, int depth) override;
  void for_each_feed(const std::function<void(const Feed&)>& visit) override;
  void scan_register(const std::function<void(size_t risks, unsigned workers)>& start,
                     const std::function<void(unsigned worker, size_t position, const RiskBrief&)>& risk,
                     const std::function<void(size_t from, size_t to)>& feed) override;
  RegisterData load() override;
  std::vector<AuditEntry> audit_log() override;
  /// One indexed read of the newest entry (by then), not the log.
  std::string audit_head(const std::optional<std::string>& as_of) override;
  /// In store/pg_export.cc: five server-side cursors merged in key order.
  void for_each_export(const std::optional<std::string>& as_of, bool upstream,
                       const std::function<void(ExportRisk&)>& on_risk) override;
  std::vector<AlertDelivery> alert_deliveries(const std::string& period) override;
  AppendedAssessment append_assessment(const NewAssessment& a) override;
  std::vector<AssessmentRow> append_assessments(const std::vector<NewAssessment>& all) override;
  AlertDelivery append_alert_delivery(const AlertDelivery& d, const std::string& by) override;
  // store/pg_changes.cc
  AppliedChange apply_change(const ChangeRequest& c) override;
  ChangeRow add_risk(const NewRisk& r) override;
  std::vector<ChangeRow> changes(const std::string& risk_id) override;
  void for_each_change(const std::function<void(const ChangeRow&)>& visit) override;
  int64_t risk_version(const std::string& risk_id) override;
  AppliedChange apply_action_change(const ChangeRequest& c) override;
  std::optional<Action> action(const std::string& action_id) override;
  std::vector<std::string> action_ids() override;
  std::vector<ChangeRow> action_changes(const std::string& action_id) override;
  // store/pg_rules.cc
  std::vector<RulesFile> rules_as_of(const std::string& as_of) override;
  std::vector<StoredRulesFile> rules_rows() override;
  std::vector<AuditEntry> audit_entries(const std::vector<std::string>& actions) override;
  AppliedRules apply_rules(const NewRulesVersion& v) override;
  /// In store/pg_import.cc.
  ImportResult import_risks(const ImportBatch& batch) override;
  OwnerChange assign_owner(const std::string& risk_id, const std::string& owner, const std::string& by, Timestamp at,
                           const std::string& reason) override;

  /// For tests and `migrate`: the underlying connection.
  pqxx::connection& connection() { return *conn_; }

 private:
  /// Ends the acceptance `a` names (NewAssessment::lapse_from) inside `tx`; true when it did
  /// (store/pg_changes.cc).
  bool lapse(pqxx::dbtransaction& tx, const NewAssessment& a);
  void fill(pqxx::dbtransaction& tx, const RegisterData& data, const std::vector<RulesFile>& rules,
            const std::string& by, const std::string& at, const std::string& reason);
  /// append_assessments inside `tx`: the same rows and audit entries in a fixed number of
  /// round trips (COPY), whatever the number of re-scores.
  /// `next_seq`, when given, receives the audit seq after the last entry appended.
  std::vector<AssessmentRow> append_bulk(pqxx::dbtransaction& tx, const std::vector<NewAssessment>& all,
                                         int64_t* next_seq = nullptr);
  int64_t append_audit(pqxx::dbtransaction& tx, const std::string& at, const std::string& actor,
                       const std::string& action, const std::string& entity, const std::string& detail);
  std::vector<Feed> read_feeds(pqxx::dbtransaction& tx, const std::string& where, const std::string& id);
  void read_priorities(pqxx::dbtransaction& tx, const std::string& where, const std::string& arg,
                       std::vector<Priority>& out);
  RegisterInfo read_info(pqxx::dbtransaction& tx);

  std::string url_;
  std::string where_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace riskreg
