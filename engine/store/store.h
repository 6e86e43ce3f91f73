#pragma once
/// The narrow interface in front of storage. Everything SQL lives behind it
/// (SQLite now, PostgreSQL next); commands and the engine see only these values.
///
/// Invariants every implementation keeps:
/// - every write method is one transaction that commits whole or not at all;
/// - assessments and owner changes are appended, never updated or deleted;
/// - every write appends one audit entry, chained by SHA-256 (audit/chain.h), in the
///   same transaction as the change it records.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "records/records.h"

namespace riskreg {

class Store {
 public:
  virtual ~Store() = default;

  /// Fills an empty store with a register: data, rules files, each risk's first
  /// assessment (its `current` score) and owner, and the "create" audit entry.
  virtual void create(const RegisterData& data, const std::vector<RulesFile>& rules, const std::string& by,
                      Timestamp at, const std::string& reason) = 0;
  /// Writes a validated import in one transaction: new risks inserted with their first
  /// assessment and owner; existing ones updated by appended assessments and owner changes;
  /// then a row in `imports` and one "import" audit entry with the file's SHA-256, its row
  /// count, and the id range, count and RowDigest (audit/chain.h) of the assessments and of
  /// the owner changes it appended, which `audit verify` recomputes from the tables.
  /// Throws Error(Conflict) if a risk was re-scored or created since the file was validated.
  virtual ImportResult import_risks(const ImportBatch& batch) = 0;

  /// The same, written as `check` checks it: `batch` is the import without its rows, and its
  /// row count is final once `check` returns. A failure of `check` (a bad row) or of a write
  /// rolls everything back. The default collects the rows and calls import_risks; a store
  /// may write each chunk as it comes (on another thread) while the next is checked.
  virtual ImportResult import_checked(ImportBatch& batch, const ImportCheck& check) {
    check([&](const std::vector<std::string>& ids) { return existing_risks(ids); },
          [&](std::vector<ImportedRisk>& rows) {
            for (auto& r : rows) batch.risks.push_back(std::move(r));
          });
    return import_risks(batch);
  }

  // Reads.
  virtual RegisterInfo info() = 0;
  virtual std::vector<RulesFile> rules() = 0;
  virtual RegisterCounts counts() = 0;
  /// Whether the register holds more than `n` risks, open or closed: reads at most n + 1 of
  /// them, where counts() counts every table (`show` asks it before ranking the register).
  virtual bool more_risks_than(int64_t n) = 0;
  virtual std::vector<std::string> risk_ids() = 0;
  /// The names that own a risk now, each once, sorted by byte value (the same in every store):
  /// what an --owner filter may name.
  virtual std::vector<std::string> owners() = 0;
  virtual std::optional<Risk> risk(const std::string& id) = 0;
  virtual std::optional<RiskState> risk_state(const std::string& id) = 0;
  /// The risks among `ids` the register holds, each with its state (what risk() and
  /// risk_state() give), keyed by id; ids it does not hold are absent. `import` plans with it.
  /// The default asks risk() and risk_state() per id; a store with round trips reads them in
  /// batches (PostgreSQL: six round trips per id before).
  virtual std::unordered_map<std::string, std::pair<Risk, RiskState>> existing_risks(
      const std::vector<std::string>& ids);
  /// Streams every risk's state in id order, without loading the register.
  virtual void for_each_risk(const std::function<void(const RiskState&)>& visit) = 0;
  /// Streams every risk as it stood at `as_of` (ISO 8601 UTC, compared as text): its latest
  /// assessment at or before then, the one before it, and its owner then. Risks with no
  /// assessment by then are skipped. Built from the append-only history alone.
  virtual void for_each_risk_as_of(const std::string& as_of, const std::function<void(const RiskState&)>& visit) = 0;
  virtual std::vector<AssessmentRow> history(const std::string& risk_id) = 0;
  virtual std::vector<OwnerChange> owner_history(const std::string& risk_id) = 0;
  virtual RiskLinks links(const std::string& risk_id) = 0;
  /// Streams every feed link (risk → risk), in (from, to) order.
  virtual void for_each_feed(const std::function<void(const Feed&)>& visit) = 0;
  /// The current score of each risk that feeds `risk_id`, one per feed link (nullopt for an
  /// unscored one): what a rule's upstream counts need, in one read however many there are.
  /// The default reads links() and each feeder's risk_state().
  virtual std::vector<std::optional<ScoreCodes>> feeder_scores(const std::string& risk_id);
  /// The whole register as evaluation reads it, from one snapshot:
  /// - start(risks, workers) once, first: how many risks there are and how many workers
  ///   will call `risk` (worker indices 0..workers-1);
  /// - risk(worker, position, brief) once per risk, position being its place (0-based) in
  ///   for_each_risk's order. With one worker the calls come in that order on the calling
  ///   thread, and `risks` is the store's count before the scan (a hint: a position past it
  ///   may come if the register grew). With more, the workers run on threads of their own
  ///   at the same time, each in position order over its share; two calls with the same
  ///   worker index never overlap, and `risks` is exact;
  /// - feed(from, to) for every feed link, as the positions of the two risks, after every
  ///   risk call, on the calling thread.
  /// No default: streaming for_each_risk and for_each_feed would read several snapshots. The
  /// SQLite store reads its tables in one read transaction and splits a large register over
  /// two threads (store/sqlite_scan.cc); PostgreSQL reads in one repeatable-read transaction.
  virtual void scan_register(const std::function<void(size_t risks, unsigned workers)>& start,
                             const std::function<void(unsigned worker, size_t position, const RiskBrief&)>& risk,
                             const std::function<void(size_t from, size_t to)>& feed) = 0;
  /// The part of the register a cascade from `risk_id` can reach (graph/cascade.h): that
  /// risk and every risk at most `depth` feed links downstream of it (in the register's
  /// order), the feed links among them (in (from, to) order), and every priority that mitigates one of them, with its
  /// actions (in the register's order). Ready for build_network; info, objectives, concepts and outcomes are left
  /// empty, and a priority's other risks stay named in it without being loaded. Throws Error(NotFound). The default
  /// filters load(); a store may read only the neighbourhood. With it, which of its risks are closed.
  virtual Neighbourhood downstream(const std::string& risk_id, int depth);
  /// The whole register (for the graph and exports); `current`/`owner` are the latest.
  virtual RegisterData load() = 0;
  virtual std::vector<AuditEntry> audit_log() = 0;
  /// The hash of the last audit entry, or with `as_of` of the last one made at or before
  /// then (ISO 8601 UTC, compared as text); "" when there is none. Reads one entry, not
  /// the log; the default reads the log.
  virtual std::string audit_head(const std::optional<std::string>& as_of = std::nullopt);
  /// The last audit entry (the chain's head, with its sequence number and time), or none for
  /// an empty log. Reads one entry, not the log; the default reads the log.
  virtual std::optional<AuditEntry> audit_last();
  /// Streams the register for an export, in risk key order: each risk (as of `as_of` when
  /// given, skipping risks not assessed by then, as for_each_risk_as_of) with its history to
  /// `on_risk`. `upstream` asks for ExportRisk::upstream. A constant number of queries whatever
  /// the register's size, and memory bounded by one risk; the default falls back to per-risk
  /// reads (store/store.cc). `on_risk` may move or swap parts out of the row it is given:
  /// every field is set afresh for each risk.
  virtual void for_each_export(const std::optional<std::string>& as_of, bool upstream,
                               const std::function<void(ExportRisk&)>& on_risk);
  /// Every recorded alert delivery for `period` ("2026-11"), in the order recorded.
  virtual std::vector<AlertDelivery> alert_deliveries(const std::string& period) = 0;

  // Writes: each is one transaction with its audit entry.
  /// Throws Error(Conflict) if `expect` no longer holds, Error(NotFound) for an unknown risk.
  virtual AppendedAssessment append_assessment(const NewAssessment& a) = 0;
  virtual OwnerChange assign_owner(const std::string& risk_id, const std::string& owner, const std::string& by,
                                   Timestamp at, const std::string& reason) = 0;
  /// Appends many assessments, in order, each with its own "score" audit entry, all in one
  /// transaction (a bulk import or a synthetic history). Same checks as append_assessment;
  /// one failing refuses them all.
  virtual std::vector<AssessmentRow> append_assessments(const std::vector<NewAssessment>& all) = 0;
  /// Appends one delivery outcome (and its "alert" audit entry by `by`); returns it with its id.
  virtual AlertDelivery append_alert_delivery(const AlertDelivery& d, const std::string& by) = 0;

  // The lifecycle (store/changes.h holds what both stores share).
  /// Applies a change to one risk in one transaction (store/changes.h apply_change). Throws
  /// Error(NotFound) for an unknown risk, Error(Conflict) if `expect_version` no longer holds,
  /// Error(InvalidInput) for an edit that changes nothing or cannot apply (closing a closed risk).
  virtual AppliedChange apply_change(const ChangeRequest& c) = 0;
  /// Adds a risk in one transaction: the risk, its first assessment ("score" entry), its owner
  /// when it has one ("owner" entry) and an "add" change with every field it starts with.
  /// Throws Error(Conflict) when the id is taken. Returns the "add" change.
  virtual ChangeRow add_risk(const NewRisk& r) = 0;
  /// The changes of one risk, in order (empty for an unknown one).
  virtual std::vector<ChangeRow> changes(const std::string& risk_id) = 0;
  /// Every change, in order.
  virtual void for_each_change(const std::function<void(const ChangeRow&)>& visit) = 0;
  /// Every owner change of every risk, in id order (the exports' owner history). The default
  /// reads each risk's owner_history; a store may stream it from one query.
  virtual void for_each_owner_change(const std::function<void(const OwnerChange&)>& visit);
  /// A risk's version: how many events it has (assessments, owner changes, changes).
  virtual int64_t risk_version(const std::string& risk_id) = 0;
  /// Sets an action's "status" and/or "due" (`c.risk_id` names the action, `c.kind` is
  /// events::kAction, each edit an EditOp::Set of one of them) in one transaction: a ChangeRow
  /// (subject the action) and an audit entry per changed field (store/changes.h apply_action).
  /// Throws Error(NotFound) for an unknown action, with a "did you mean"; Error(Conflict) when
  /// `expect_version` is not the action's count of changes; Error(InvalidInput) when nothing changes.
  virtual AppliedChange apply_action_change(const ChangeRequest& c) = 0;
  /// One action as the register holds it (its status and due date now), its id matched in any
  /// case; none when unknown.
  virtual std::optional<Action> action(const std::string& action_id) = 0;
  /// Every action's id, in the register's order.
  virtual std::vector<std::string> action_ids() = 0;
  /// An action's changes, oldest first; all actions' changes (in order) when `action_id` is empty.
  virtual std::vector<ChangeRow> action_changes(const std::string& action_id) = 0;

  // The stored rules as versions (`riskreg rules apply|history`, audit verify, --as-of).
  /// The rules in force at `as_of` (ISO 8601 UTC, compared as text): the latest row of each
  /// name loaded at or before then, by name. Empty before the register was created.
  virtual std::vector<RulesFile> rules_as_of(const std::string& as_of) = 0;
  /// Every stored version of every rules file, in the order stored (`seq`).
  virtual std::vector<StoredRulesFile> rules_rows() = 0;
  /// The audit entries whose action is one of `actions`, in order: what `rules history` reads
  /// ("create" and "rules") without reading the whole log.
  virtual std::vector<AuditEntry> audit_entries(const std::vector<std::string>& actions) = 0;
  /// Stores a new version of the rules in one transaction: a row per file and one "rules"
  /// audit entry (audit/events.h rules_detail). Throws Error(Conflict) when the rules in force
  /// are no longer version `expect_version`.
  virtual AppliedRules apply_rules(const NewRulesVersion& v) = 0;
};

}  // namespace riskreg
