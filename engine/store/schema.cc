#include "store/schema.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "core/error.h"

namespace riskreg {

namespace {

// Never edit a migration that has shipped: add a new one.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> m = {
      // 1: the register.
      R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rules_files (
  seq INTEGER PRIMARY KEY, name TEXT NOT NULL, content TEXT NOT NULL, sha256 TEXT NOT NULL,
  loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL);
CREATE TABLE risks (
  key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, number INTEGER, title TEXT NOT NULL,
  heading TEXT NOT NULL DEFAULT '', vulnerability TEXT NOT NULL DEFAULT '',
  triggers TEXT NOT NULL DEFAULT '[]', consequences TEXT NOT NULL DEFAULT '[]', controls TEXT NOT NULL DEFAULT '[]',
  target_likelihood TEXT, target_impact TEXT, spontaneous_probability REAL, notes TEXT NOT NULL DEFAULT '[]',
  owner TEXT, current_assessment INTEGER REFERENCES assessments(id),
  previous_assessment INTEGER REFERENCES assessments(id));
CREATE TABLE assessments (
  id INTEGER PRIMARY KEY, risk INTEGER NOT NULL REFERENCES risks(key), likelihood TEXT NOT NULL,
  impact TEXT NOT NULL, assessed_by TEXT NOT NULL, assessed_at TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX assessments_by_risk ON assessments(risk, id);
CREATE TRIGGER assessments_append_only_u BEFORE UPDATE ON assessments
  BEGIN SELECT RAISE(ABORT, 'assessments are append-only'); END;
CREATE TRIGGER assessments_append_only_d BEFORE DELETE ON assessments
  BEGIN SELECT RAISE(ABORT, 'assessments are append-only'); END;
CREATE TABLE owner_changes (
  id INTEGER PRIMARY KEY, risk INTEGER NOT NULL REFERENCES risks(key), owner TEXT NOT NULL,
  changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX owner_changes_by_risk ON owner_changes(risk, id);
CREATE TRIGGER owner_changes_append_only_u BEFORE UPDATE ON owner_changes
  BEGIN SELECT RAISE(ABORT, 'owner changes are append-only'); END;
CREATE TRIGGER owner_changes_append_only_d BEFORE DELETE ON owner_changes
  BEGIN SELECT RAISE(ABORT, 'owner changes are append-only'); END;
CREATE TABLE feeds (
  from_risk INTEGER NOT NULL REFERENCES risks(key), to_risk INTEGER NOT NULL REFERENCES risks(key),
  basis TEXT NOT NULL CHECK (basis IN ('stated', 'inferred')), evidence TEXT NOT NULL,
  transition_probability REAL, direction_note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (from_risk, to_risk));
CREATE INDEX feeds_by_target ON feeds(to_risk);
CREATE TABLE objectives (
  id TEXT PRIMARY KEY, pos INTEGER NOT NULL, number INTEGER, title TEXT NOT NULL, description TEXT NOT NULL,
  corporate_objective TEXT NOT NULL, community_theme TEXT NOT NULL, pis_as_written TEXT NOT NULL,
  pis TEXT NOT NULL, notes TEXT NOT NULL);
CREATE TABLE concepts (
  kind TEXT NOT NULL, name TEXT NOT NULL, pos INTEGER NOT NULL, variants TEXT NOT NULL, notes TEXT NOT NULL,
  PRIMARY KEY (kind, name));
CREATE TABLE priorities (
  id TEXT PRIMARY KEY, pos INTEGER NOT NULL, number TEXT NOT NULL, parent TEXT REFERENCES priorities(id),
  title TEXT NOT NULL, heading TEXT NOT NULL, subtitles TEXT NOT NULL, change_driver TEXT NOT NULL,
  risks_as_written TEXT NOT NULL, service_plan_objective TEXT NOT NULL,
  departmental_objectives_as_written TEXT NOT NULL, corporate_objective TEXT NOT NULL,
  community_theme TEXT NOT NULL, service_improvement TEXT NOT NULL, expected_outcome TEXT NOT NULL,
  efficiency_gains TEXT NOT NULL, corporate_implications TEXT NOT NULL, additional_information TEXT NOT NULL,
  notes TEXT NOT NULL);
CREATE TABLE priority_risks (
  priority TEXT NOT NULL REFERENCES priorities(id), risk INTEGER NOT NULL REFERENCES risks(key),
  pos INTEGER NOT NULL, PRIMARY KEY (priority, risk));
CREATE INDEX priority_risks_by_risk ON priority_risks(risk);
CREATE TABLE priority_objectives (
  priority TEXT NOT NULL REFERENCES priorities(id), objective TEXT NOT NULL REFERENCES objectives(id),
  pos INTEGER NOT NULL, PRIMARY KEY (priority, objective));
CREATE TABLE actions (
  id TEXT PRIMARY KEY, priority TEXT NOT NULL REFERENCES priorities(id), pos INTEGER NOT NULL,
  text TEXT NOT NULL, lead_officers_as_written TEXT NOT NULL, lead_officers TEXT NOT NULL,
  milestones TEXT NOT NULL, completion TEXT NOT NULL, resources TEXT NOT NULL, pis_as_written TEXT NOT NULL,
  pis TEXT NOT NULL, targets TEXT NOT NULL, notes TEXT NOT NULL);
CREATE INDEX actions_by_priority ON actions(priority, pos);
CREATE TABLE outcomes (
  pos INTEGER PRIMARY KEY, objective TEXT NOT NULL REFERENCES objectives(id), objective_basis TEXT NOT NULL,
  title TEXT NOT NULL, apa_areas TEXT NOT NULL, notes TEXT NOT NULL);
CREATE TABLE outcome_priorities (
  id TEXT PRIMARY KEY, outcome INTEGER NOT NULL REFERENCES outcomes(pos), pos INTEGER NOT NULL,
  text TEXT NOT NULL, progress TEXT NOT NULL, future_actions TEXT NOT NULL, notes TEXT NOT NULL);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL,
  detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
)sql",
      // 2: alert deliveries (what was sent for which period to whom) and import batches.
      R"sql(
CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY, period TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sent', 'failed')), attempts INTEGER NOT NULL,
  detail TEXT NOT NULL, message_sha256 TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX alert_deliveries_by_period ON alert_deliveries(period, recipient, channel);
CREATE TRIGGER alert_deliveries_append_only_u BEFORE UPDATE ON alert_deliveries
  BEGIN SELECT RAISE(ABORT, 'alert deliveries are append-only'); END;
CREATE TRIGGER alert_deliveries_append_only_d BEFORE DELETE ON alert_deliveries
  BEGIN SELECT RAISE(ABORT, 'alert deliveries are append-only'); END;
CREATE TABLE imports (
  id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL, rows INTEGER NOT NULL,
  imported_by TEXT NOT NULL, imported_at TEXT NOT NULL);
)sql",
      // 3: the rows of the plan's Change Drivers table naming each priority (JSON, as
      // records/json_list.h change_drivers_json writes it); '[]' on a register made before.
      R"sql(
ALTER TABLE priorities ADD COLUMN change_drivers_table TEXT NOT NULL DEFAULT '[]';
)sql",
      // 4: the lifecycle (store/changes.h): each risk's status and review dates, and the
      // append-only changes (add, edit, target, close, reopen, review, note) that set them.
      R"sql(
ALTER TABLE risks ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE risks ADD COLUMN next_review TEXT NOT NULL DEFAULT '';
ALTER TABLE risks ADD COLUMN last_review TEXT NOT NULL DEFAULT '';
CREATE TABLE changes (
  id INTEGER PRIMARY KEY, risk INTEGER NOT NULL REFERENCES risks(key), kind TEXT NOT NULL, field TEXT NOT NULL,
  from_value TEXT NOT NULL, to_value TEXT NOT NULL, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL,
  reason TEXT NOT NULL);
CREATE INDEX changes_by_risk ON changes(risk, id);
CREATE TRIGGER changes_append_only_u BEFORE UPDATE ON changes
  BEGIN SELECT RAISE(ABORT, 'changes are append-only'); END;
CREATE TRIGGER changes_append_only_d BEFORE DELETE ON changes
  BEGIN SELECT RAISE(ABORT, 'changes are append-only'); END;
)sql",
      // 5: each action's status and due date (domain/action_status.h; '' on a register made
      // before: `riskreg action ID --due` sets it) and the append-only changes that set them.
      R"sql(
ALTER TABLE actions ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN due TEXT NOT NULL DEFAULT '';
CREATE TABLE action_changes (
  id INTEGER PRIMARY KEY, action TEXT NOT NULL REFERENCES actions(id), kind TEXT NOT NULL, field TEXT NOT NULL,
  from_value TEXT NOT NULL, to_value TEXT NOT NULL, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL,
  reason TEXT NOT NULL);
CREATE INDEX action_changes_by_action ON action_changes(action, id);
CREATE TRIGGER action_changes_append_only_u BEFORE UPDATE ON action_changes
  BEGIN SELECT RAISE(ABORT, 'action changes are append-only'); END;
CREATE TRIGGER action_changes_append_only_d BEFORE DELETE ON action_changes
  BEGIN SELECT RAISE(ABORT, 'action changes are append-only'); END;
)sql",
      // 6: the decision above appetite (domain/response.h; `riskreg respond`), set by changes.
      R"sql(
ALTER TABLE risks ADD COLUMN response TEXT NOT NULL DEFAULT '';
)sql",
  };
  return m;
}

}  // namespace

int current_schema_version() { return static_cast<int>(migrations().size()); }

void migrate(SQLite::Database& db, const std::string& path) {
  int latest = current_schema_version();
  // The stored version indexes the migrations below: anything outside 0..latest is refused
  // before it is used (a hand-edited or damaged header, e.g. `PRAGMA user_version = -1`).
  auto check_not_newer = [&](int version) {
    if (version < 0)
      throw Error(ErrorKind::Schema, path + ": the register's schema version " + std::to_string(version) +
                                         " is out of range (0 to " + std::to_string(latest) +
                                         "); the file is damaged or was edited by hand");
    if (version > latest)
      throw Error(ErrorKind::Schema, path + ": the register has schema version " + std::to_string(version) +
                                         ", newer than this riskreg understands (" + std::to_string(latest) +
                                         "); use a newer riskreg");
  };
  int version = db.execAndGet("PRAGMA user_version").getInt();
  check_not_newer(version);
  if (version == latest) return;
  // Several processes may open an older register at once: each takes the write lock first
  // (BEGIN IMMEDIATE waits out the busy timeout), then re-reads the version under it, so
  // exactly one applies the migrations and the others find nothing left to do. All the
  // pending migrations commit together, or none does.
  SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
  version = db.execAndGet("PRAGMA user_version").getInt();
  check_not_newer(version);
  for (int v = version + 1; v <= latest; ++v) {
    try {
      db.exec(migrations()[v - 1]);
    } catch (const SQLite::Exception& e) {
      // A migration fails on SQL only when the tables are not what the stored version says
      // (a version edited back, a table dropped): a damaged register, not a bug.
      if ((e.getErrorCode() & 0xff) != SQLITE_ERROR) throw;
      throw Error(ErrorKind::Schema, path + ": the register's tables do not match its schema version " +
                                         std::to_string(version) + " (" + e.what() +
                                         "); the file is damaged or was edited by hand");
    }
  }
  if (version < latest) db.exec("PRAGMA user_version = " + std::to_string(latest));
  tx.commit();
}

}  // namespace riskreg
