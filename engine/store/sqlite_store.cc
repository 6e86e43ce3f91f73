#include "store/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <string_view>
#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "records/json_list.h"
#include "store/schema.h"
#include "store/sqlite_rows.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace riskreg {

namespace {

using sqlite_rows::assign_text;
using sqlite_rows::BulkReads;
using sqlite_rows::guarded;
using sqlite_rows::kAtTimeCte;
using sqlite_rows::read_state_into;

using sqlite_rows::kBusyTimeoutMs;
using sqlite_rows::kPageSize;

std::optional<std::string> opt_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

using sqlite_rows::bind_opt;

AssessmentRow read_assessment(SQLite::Statement& st, int first, const std::string& risk_id) {
  AssessmentRow a;
  a.id = st.getColumn(first).getInt64();
  a.risk_id = risk_id;
  a.score = {st.getColumn(first + 1).getString(), st.getColumn(first + 2).getString()};
  a.by = st.getColumn(first + 3).getString();
  a.at = st.getColumn(first + 4).getString();
  a.reason = st.getColumn(first + 5).getString();
  return a;
}

// The state query: one row per risk with its current and previous assessment and the
// number of priorities and actions that mitigate it. Indexed lookups only.
const char* kStateSelect = R"sql(
SELECT r.id, r.title, r.owner, r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason,
       (SELECT count(*) FROM priority_risks pr WHERE pr.risk = r.key),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key),
       r.status, r.next_review, r.last_review,
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key
        AND a.status NOT IN ('done', 'dropped')),
       (SELECT coalesce(group_concat(a.due, ','), '') FROM priority_risks pr JOIN actions a ON a.priority = pr.priority
        WHERE pr.risk = r.key AND a.status NOT IN ('done', 'dropped') AND a.due <> ''),
       r.response
FROM risks r
LEFT JOIN assessments c ON c.id = r.current_assessment
LEFT JOIN assessments p ON p.id = r.previous_assessment
)sql";

// A risk with all its fields, its target and its current score.
const char* kRiskSelect = R"sql(
SELECT r.id, r.number, r.title, r.heading, r.vulnerability, r.triggers, r.consequences, r.controls,
       r.spontaneous_probability, r.notes, r.owner, r.target_likelihood, r.target_impact, c.likelihood, c.impact
FROM risks r LEFT JOIN assessments c ON c.id = r.current_assessment
)sql";

Risk read_risk(SQLite::Statement& st) {
  Risk r;
  r.id = st.getColumn(0).getString();
  if (!st.getColumn(1).isNull()) r.number = st.getColumn(1).getInt();
  r.title = st.getColumn(2).getString();
  r.heading = st.getColumn(3).getString();
  r.vulnerability = st.getColumn(4).getString();
  r.triggers = from_json(st.getColumn(5).getString());
  r.consequences = from_json(st.getColumn(6).getString());
  r.controls = from_json(st.getColumn(7).getString());
  if (!st.getColumn(8).isNull()) r.spontaneous_probability = st.getColumn(8).getDouble();
  r.notes = from_json(st.getColumn(9).getString());
  r.owner = opt_text(st.getColumn(10));
  if (!st.getColumn(11).isNull()) r.target = ScoreCodes{st.getColumn(11).getString(), st.getColumn(12).getString()};
  if (!st.getColumn(13).isNull()) r.current = ScoreCodes{st.getColumn(13).getString(), st.getColumn(14).getString()};
  return r;
}

/// The same columns as kStateSelect without the two per-risk count subqueries: the whole-
/// register scan gets the counts from kCountsByRisk in one merged pass instead.
const char* kStateScan = R"sql(
SELECT r.id, r.title, r.owner, r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason, r.key,
       r.status, r.next_review, r.last_review, r.response
FROM risks r
LEFT JOIN assessments c ON c.id = r.current_assessment
LEFT JOIN assessments p ON p.id = r.previous_assessment
ORDER BY r.key
)sql";

/// Priorities and actions per mitigated risk, in risk key order: one GROUP BY pass over
/// priority_risks by its risk index, each priority's actions counted from the covering index
/// actions_by_priority. It streams: the first risk's counts come before any other row is read
/// (`list --above-appetite` shows its first row at once), and the whole pass is faster than
/// counting every priority's actions up front (0.57 s against 0.85 s CPU on 1,000,000 risks).
const char* kCountsByRisk = R"sql(
SELECT pr.risk, count(*), sum((SELECT count(*) FROM actions a WHERE a.priority = pr.priority)),
       sum((SELECT count(*) FROM actions a WHERE a.priority = pr.priority AND a.status NOT IN ('done', 'dropped'))),
       coalesce(group_concat((SELECT group_concat(a.due, ',') FROM actions a WHERE a.priority = pr.priority
                              AND a.status NOT IN ('done', 'dropped') AND a.due <> ''), ','), '')
FROM priority_risks pr
GROUP BY pr.risk ORDER BY pr.risk
)sql";

/// status, next_review and last_review from columns first .. first+2.
void read_lifecycle(SQLite::Statement& st, int first, RiskState& s) {
  s.closed = st.getColumn(first).getString() == "closed";
  assign_text(st, first + 1, s.next_review);
  assign_text(st, first + 2, s.last_review);
}

RiskState read_state(SQLite::Statement& st) {
  RiskState s;
  s.id = st.getColumn(0).getString();
  s.title = st.getColumn(1).getString();
  s.owner = opt_text(st.getColumn(2));
  if (!st.getColumn(3).isNull()) s.target = ScoreCodes{st.getColumn(3).getString(), st.getColumn(4).getString()};
  if (!st.getColumn(5).isNull()) s.current = read_assessment(st, 5, s.id);
  if (!st.getColumn(11).isNull()) s.previous = read_assessment(st, 11, s.id);
  s.priorities = st.getColumn(17).getInt();
  s.actions = st.getColumn(18).getInt();
  read_lifecycle(st, 19, s);
  s.open_actions = st.getColumn(22).getInt();
  s.open_action_dues = st.getColumn(23).getString();
  s.response = st.getColumn(24).getString();
  return s;
}

/// At debug: each statement SQLite completes, with its time (sqlite3_trace_v2's profile event).
int log_statement(unsigned type, void*, void* stmt, void* nanoseconds) {
  if (type != SQLITE_TRACE_PROFILE) return 0;
  const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
  spdlog::debug("sqlite: {:.3f} ms  {}", static_cast<double>(*static_cast<sqlite3_int64*>(nanoseconds)) / 1e6,
                sql ? std::string_view(sql).substr(0, 200) : std::string_view("?"));
  return 0;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, Mode mode) : path_(path) {
  guarded(path_, [&] {
    if (mode == Mode::Open) {
      if (!fs::exists(path_))
        throw Error(ErrorKind::NoDatabase, "no register at " + path_ + "; create one with 'riskreg init'");
      if (fs::is_directory(path_)) throw Error(ErrorKind::Schema, path_ + ": a directory, not a riskreg register");
      db_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, kBusyTimeoutMs);
      int version = db_->execAndGet("PRAGMA user_version").getInt();
      if (version == 0)
        throw Error(ErrorKind::Schema,
                    path_ + ": not a riskreg register (no schema version); was it created by 'riskreg init'?");
    } else {
      if (fs::exists(path_)) throw Error(ErrorKind::Conflict, path_ + " already exists");
      if (auto dir = fs::path(path_).parent_path(); !dir.empty()) fs::create_directories(dir);
      // Created readable and writable by its owner only: registers hold safeguarding data.
      int fd = ::open(path_.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
      if (fd < 0) throw Error(ErrorKind::Environment, "cannot create " + path_ + ": " + std::strerror(errno));
      ::close(fd);
      db_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, kBusyTimeoutMs);
      // 16 KiB pages, not SQLite's default 4 KiB: a register's writes are appended rows, and
      // bulk work (import, generate, export, the scans) moves a quarter of the pages, each a
      // write or read of its own. Fixed once the register is in WAL mode; older registers
      // keep theirs. docs/benchmarks.md, "Page size".
      db_->exec("PRAGMA page_size = " + std::to_string(kPageSize));
      db_->exec("PRAGMA journal_mode = WAL");
    }
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("sqlite: opened {} ({})", path_, mode == Mode::Open ? "existing register" : "new file");
      sqlite3_trace_v2(db_->getHandle(), SQLITE_TRACE_PROFILE, log_statement, nullptr);
    }
    db_->exec("PRAGMA foreign_keys = ON");
    db_->exec("PRAGMA synchronous = NORMAL");
    // Whole-register reads take a memory map and a larger page cache for their length only
    // (sqlite_rows::BulkReads).
    migrate(*db_, path_);
  });
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::schema_version() { return db_->execAndGet("PRAGMA user_version").getInt(); }

int64_t SqliteStore::append_audit(const std::string& at, const std::string& actor, const std::string& action,
                                  const std::string& entity, const std::string& detail) {
  AuditEntry e;
  SQLite::Statement last(*db_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  e.prev_hash = kGenesisHash;
  e.seq = 1;
  if (last.executeStep()) {
    e.seq = last.getColumn(0).getInt64() + 1;
    e.prev_hash = last.getColumn(1).getString();
  }
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.entity = entity;
  e.detail = detail;
  e.hash = audit_hash(e.prev_hash, e);
  SQLite::Statement ins(*db_, "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)");
  ins.bind(1, e.seq);
  ins.bind(2, e.at);
  ins.bind(3, e.actor);
  ins.bind(4, e.action);
  ins.bind(5, e.entity);
  ins.bind(6, e.detail);
  ins.bind(7, e.prev_hash);
  ins.bind(8, e.hash);
  ins.exec();
  return e.seq;
}

int64_t SqliteStore::risk_key(const std::string& id) {
  SQLite::Statement st(*db_, "SELECT key FROM risks WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorKind::NotFound, events::unknown_risk(id));
  return st.getColumn(0).getInt64();
}

void SqliteStore::create(const RegisterData& d, const std::vector<RulesFile>& rules, const std::string& by,
                         Timestamp at_ts, const std::string& reason) {
  guarded(path_, [&] {
    std::string at = format_timestamp(at_ts);
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (db_->execAndGet("SELECT count(*) FROM risks").getInt64() != 0)
      throw Error(ErrorKind::Conflict, events::register_exists(path_));
    auto put_meta = [&](const std::string& k, const std::string& v) {
      SQLite::Statement st(*db_, "INSERT INTO meta VALUES (?, ?)");
      st.bind(1, k);
      st.bind(2, v);
      st.exec();
    };
    put_meta("name", d.info.name);
    put_meta("body", d.info.body);
    put_meta("period", d.info.period);
    put_meta("sources", to_json(d.info.sources));
    put_meta("notes", to_json(d.info.notes));
    if (d.info.risk_manager) put_meta("risk_manager", *d.info.risk_manager);
    put_meta("created_at", at);

    for (const auto& f : rules) {
      SQLite::Statement st(*db_,
                           "INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) VALUES (?,?,?,?,?)");
      st.bind(1, f.name);
      st.bind(2, f.content);
      st.bind(3, f.sha256);
      st.bind(4, at);
      st.bind(5, by);
      st.exec();
    }

    SQLite::Statement ins_risk(*db_, sqlite_rows::kInsertRisk);
    SQLite::Statement ins_assess(*db_, R"sql(INSERT INTO assessments (risk, likelihood, impact, assessed_by,
        assessed_at, reason) VALUES (?,?,?,?,?,?))sql");
    SQLite::Statement set_current(*db_, "UPDATE risks SET current_assessment = ? WHERE key = ?");
    SQLite::Statement ins_owner(*db_, R"sql(INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason)
        VALUES (?,?,?,?,?))sql");
    std::unordered_map<std::string, int64_t> keys;
    std::vector<AssessmentRow> initial;  // recorded in the "create" entry by digest
    ListsJson lists;
    for (const auto& r : d.risks) {
      ins_risk.reset();
      encode_lists(r, lists);
      sqlite_rows::bind_risk_row(ins_risk, r, lists);
      ins_risk.bind(14);  // set once its first assessment is in
      ins_risk.exec();
      int64_t key = db_->getLastInsertRowid();
      keys[r.id] = key;
      if (r.current) {
        ins_assess.reset();
        ins_assess.bind(1, key);
        ins_assess.bind(2, r.current->likelihood);
        ins_assess.bind(3, r.current->impact);
        ins_assess.bind(4, by);
        ins_assess.bind(5, at);
        ins_assess.bind(6, reason);
        ins_assess.exec();
        initial.push_back({db_->getLastInsertRowid(), r.id, *r.current, by, at, reason});
        set_current.reset();
        set_current.bind(1, db_->getLastInsertRowid());
        set_current.bind(2, key);
        set_current.exec();
      }
      if (r.owner) {
        ins_owner.reset();
        ins_owner.bind(1, key);
        ins_owner.bind(2, *r.owner);
        ins_owner.bind(3, by);
        ins_owner.bind(4, at);
        ins_owner.bind(5, reason);
        ins_owner.exec();
      }
    }
    auto key_of = [&](const std::string& id) {
      auto it = keys.find(id);
      if (it == keys.end()) throw Error(ErrorKind::NotFound, events::unknown_risk(id));
      return it->second;
    };
    SQLite::Statement ins_feed(*db_, "INSERT INTO feeds VALUES (?,?,?,?,?,?)");
    for (const auto& f : d.feeds) {
      ins_feed.reset();
      ins_feed.bind(1, key_of(f.from));
      ins_feed.bind(2, key_of(f.to));
      ins_feed.bind(3, f.basis);
      ins_feed.bind(4, f.evidence);
      bind_opt(ins_feed, 5, f.transition_probability);
      ins_feed.bind(6, f.direction_note);
      ins_feed.exec();
    }
    int pos = 0;
    SQLite::Statement ins_obj(*db_, "INSERT INTO objectives VALUES (?,?,?,?,?,?,?,?,?,?)");
    for (const auto& o : d.objectives) {
      ins_obj.reset();
      ins_obj.bind(1, o.id);
      ins_obj.bind(2, pos++);
      if (o.number)
        ins_obj.bind(3, *o.number);
      else
        ins_obj.bind(3);
      ins_obj.bind(4, o.title);
      ins_obj.bind(5, o.description);
      ins_obj.bind(6, o.corporate_objective);
      ins_obj.bind(7, o.community_theme);
      ins_obj.bind(8, o.pis_as_written);
      ins_obj.bind(9, to_json(o.pis));
      ins_obj.bind(10, to_json(o.notes));
      ins_obj.exec();
    }
    pos = 0;
    SQLite::Statement ins_concept(*db_, "INSERT INTO concepts VALUES (?,?,?,?,?)");
    for (const auto& c : d.concepts) {
      ins_concept.reset();
      ins_concept.bind(1, c.kind);
      ins_concept.bind(2, c.name);
      ins_concept.bind(3, pos++);
      ins_concept.bind(4, to_json(c.variants));
      ins_concept.bind(5, to_json(c.notes));
      ins_concept.exec();
    }
    // Parents first would need a sort; foreign keys are checked at commit instead.
    db_->exec("PRAGMA defer_foreign_keys = ON");
    pos = 0;
    SQLite::Statement ins_pri(*db_, "INSERT INTO priorities VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    SQLite::Statement ins_pr(*db_, "INSERT INTO priority_risks VALUES (?,?,?)");
    SQLite::Statement ins_po(*db_, "INSERT INTO priority_objectives VALUES (?,?,?)");
    SQLite::Statement ins_act(*db_, "INSERT INTO actions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& p : d.priorities) {
      ins_pri.reset();
      int i = 1;
      ins_pri.bind(i++, p.id);
      ins_pri.bind(i++, pos++);
      ins_pri.bind(i++, p.number);
      bind_opt(ins_pri, i++, p.parent.empty() ? std::nullopt : std::optional(p.parent));
      for (const std::string* v : {&p.title, &p.heading}) ins_pri.bind(i++, *v);
      ins_pri.bind(i++, to_json(p.subtitles));
      for (const std::string* v :
           {&p.change_driver, &p.risks_as_written, &p.service_plan_objective, &p.departmental_objectives_as_written,
            &p.corporate_objective, &p.community_theme, &p.service_improvement, &p.expected_outcome,
            &p.efficiency_gains, &p.corporate_implications, &p.additional_information})
        ins_pri.bind(i++, *v);
      ins_pri.bind(i++, to_json(p.notes));
      ins_pri.bind(i++, change_drivers_json(p.change_drivers_table));
      ins_pri.exec();
      int k = 0;
      for (const auto& r : p.risks) {
        ins_pr.reset();
        ins_pr.bind(1, p.id);
        ins_pr.bind(2, key_of(r));
        ins_pr.bind(3, k++);
        ins_pr.exec();
      }
      k = 0;
      for (const auto& o : p.departmental_objectives) {
        ins_po.reset();
        ins_po.bind(1, p.id);
        ins_po.bind(2, o);
        ins_po.bind(3, k++);
        ins_po.exec();
      }
      k = 0;
      for (const auto& a : p.actions) {
        ins_act.reset();
        int j = 1;
        ins_act.bind(j++, a.id);
        ins_act.bind(j++, p.id);
        ins_act.bind(j++, k++);
        ins_act.bind(j++, a.text);
        ins_act.bind(j++, a.lead_officers_as_written);
        ins_act.bind(j++, to_json(a.lead_officers));
        ins_act.bind(j++, to_json(a.milestones));
        ins_act.bind(j++, a.completion);
        ins_act.bind(j++, a.resources);
        ins_act.bind(j++, a.pis_as_written);
        ins_act.bind(j++, to_json(a.pis));
        ins_act.bind(j++, a.targets);
        ins_act.bind(j++, to_json(a.notes));
        ins_act.bind(j++, a.status);
        ins_act.bind(j++, a.due);
        ins_act.exec();
      }
    }
    pos = 0;
    SQLite::Statement ins_out(*db_, "INSERT INTO outcomes VALUES (?,?,?,?,?,?)");
    SQLite::Statement ins_op(*db_, "INSERT INTO outcome_priorities VALUES (?,?,?,?,?,?,?)");
    for (const auto& o : d.outcomes) {
      int opos = pos++;
      ins_out.reset();
      ins_out.bind(1, opos);
      ins_out.bind(2, o.objective);
      ins_out.bind(3, o.objective_basis);
      ins_out.bind(4, o.title);
      ins_out.bind(5, to_json(o.apa_areas));
      ins_out.bind(6, to_json(o.notes));
      ins_out.exec();
      int k = 0;
      for (const auto& s : o.priorities) {
        ins_op.reset();
        ins_op.bind(1, s.id);
        ins_op.bind(2, opos);
        ins_op.bind(3, k++);
        ins_op.bind(4, s.text);
        ins_op.bind(5, to_json(s.progress));
        ins_op.bind(6, to_json(s.future_actions));
        ins_op.bind(7, to_json(s.notes));
        ins_op.exec();
      }
    }
    int64_t seq = append_audit(at, by, events::kCreate, "register", events::create_detail(d, rules, reason, initial));
    tx.commit();
    events::log_committed(events::kCreate, "register", seq, path_);
  });
}

RegisterInfo SqliteStore::info() {
  return guarded(path_, [&] {
    RegisterInfo i;
    SQLite::Statement st(*db_, "SELECT key, value FROM meta");
    while (st.executeStep()) {
      std::string k = st.getColumn(0).getString(), v = st.getColumn(1).getString();
      if (k == "name")
        i.name = v;
      else if (k == "body")
        i.body = v;
      else if (k == "period")
        i.period = v;
      else if (k == "sources")
        i.sources = from_json(v);
      else if (k == "notes")
        i.notes = from_json(v);
      else if (k == "risk_manager")
        i.risk_manager = v;
    }
    return i;
  });
}

std::vector<RulesFile> SqliteStore::rules() {
  return guarded(path_, [&] {
    std::vector<RulesFile> out;
    // The latest version of each file.
    SQLite::Statement st(*db_, R"sql(SELECT name, content, sha256 FROM rules_files f
        WHERE seq = (SELECT max(seq) FROM rules_files g WHERE g.name = f.name) ORDER BY name)sql");
    while (st.executeStep())
      out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString()});
    return out;
  });
}

RegisterCounts SqliteStore::counts() {
  return guarded(path_, [&] {
    RegisterCounts c;
    auto n = [&](const char* t) { return db_->execAndGet(std::string("SELECT count(*) FROM ") + t).getInt64(); };
    c.risks = n("risks");
    c.assessments = n("assessments");
    c.feeds = n("feeds");
    c.priorities = n("priorities");
    c.actions = n("actions");
    c.objectives = n("objectives");
    c.outcomes = n("outcome_priorities");
    c.audit = n("audit");
    return c;
  });
}

bool SqliteStore::more_risks_than(int64_t n) {
  return guarded(path_, [&] {
    SQLite::Statement st(*db_, "SELECT count(*) FROM (SELECT 1 FROM risks LIMIT ?)");
    st.bind(1, n + 1);
    st.executeStep();
    return st.getColumn(0).getInt64() > n;
  });
}

std::vector<std::string> SqliteStore::risk_ids() {
  return guarded(path_, [&] {
    std::vector<std::string> out;
    SQLite::Statement st(*db_, "SELECT id FROM risks ORDER BY key");
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  });
}

std::vector<std::string> SqliteStore::owners() {
  return guarded(path_, [&] {
    std::vector<std::string> out;
    // BINARY collation: byte order, as PgStore sorts.
    SQLite::Statement st(*db_, "SELECT DISTINCT owner FROM risks WHERE owner IS NOT NULL ORDER BY owner");
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  });
}

std::optional<Risk> SqliteStore::risk(const std::string& id) {
  return guarded(path_, [&]() -> std::optional<Risk> {
    // Prepared once: an import looks up every row of its file.
    if (!risk_by_id_)
      risk_by_id_ = std::make_unique<SQLite::Statement>(*db_, std::string(kRiskSelect) + " WHERE r.id = ?");
    SQLite::Statement& st = *risk_by_id_;
    st.reset();
    st.bind(1, id);
    if (!st.executeStep()) return std::nullopt;
    auto r = read_risk(st);
    st.reset();
    return r;
  });
}

std::optional<RiskState> SqliteStore::risk_state(const std::string& id) {
  return guarded(path_, [&]() -> std::optional<RiskState> {
    if (!state_by_id_)
      state_by_id_ = std::make_unique<SQLite::Statement>(*db_, std::string(kStateSelect) + " WHERE r.id = ?");
    SQLite::Statement& st = *state_by_id_;
    st.reset();
    st.bind(1, id);
    if (!st.executeStep()) return std::nullopt;
    auto r = read_state(st);
    st.reset();
    return r;
  });
}

void SqliteStore::for_each_risk_as_of(const std::string& as_of, const std::function<void(const RiskState&)>& visit) {
  guarded(path_, [&] {
    BulkReads bulk(*db_);
    // The same columns as kStateSelect, with current/previous/owner taken from history as of ?1.
    SQLite::Statement st(
        *db_, std::string(kAtTimeCte) + R"sql(SELECT r.id, r.title, t.owner, r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason,
       (SELECT count(*) FROM priority_risks pr WHERE pr.risk = r.key),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'status'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), 'open'),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'next_review'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), ''),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'last_review'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), ''),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key
        AND a.status NOT IN ('done', 'dropped')),
       (SELECT coalesce(group_concat(a.due, ','), '') FROM priority_risks pr JOIN actions a ON a.priority = pr.priority
        WHERE pr.risk = r.key AND a.status NOT IN ('done', 'dropped') AND a.due <> ''),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'response'
                 AND ch.changed_at <= ?1 ORDER BY ch.id DESC LIMIT 1), '')
FROM risks r JOIN at_time t ON t.key = r.key
JOIN assessments c ON c.id = t.cur
LEFT JOIN assessments p ON p.id = t.prev
ORDER BY r.key)sql");
    st.bind(1, as_of);
    while (st.executeStep()) visit(read_state(st));
  });
}

void SqliteStore::for_each_risk(const std::function<void(const RiskState&)>& visit) {
  guarded(path_, [&] {
    BulkReads bulk(*db_);
    // Two scans in risk key order, merged: no per-risk subquery, nothing held in memory.
    SQLite::Statement st(*db_, kStateScan);
    SQLite::Statement counts(*db_, kCountsByRisk);
    bool more_counts = counts.executeStep();
    RiskState s;
    while (st.executeStep()) {
      read_state_into(st, s);
      int64_t key = st.getColumn(17).getInt64();
      while (more_counts && counts.getColumn(0).getInt64() < key) more_counts = counts.executeStep();
      bool here = more_counts && counts.getColumn(0).getInt64() == key;
      s.priorities = here ? counts.getColumn(1).getInt() : 0;
      s.actions = here ? counts.getColumn(2).getInt() : 0;
      s.open_actions = here ? counts.getColumn(3).getInt() : 0;
      if (here)
        assign_text(counts, 4, s.open_action_dues);
      else
        s.open_action_dues.clear();
      read_lifecycle(st, 18, s);
      assign_text(st, 21, s.response);
      visit(s);
    }
  });
}

std::vector<AssessmentRow> SqliteStore::history(const std::string& risk_id) {
  return guarded(path_, [&] {
    std::vector<AssessmentRow> out;
    SQLite::Statement st(*db_, R"sql(SELECT a.id, a.likelihood, a.impact, a.assessed_by, a.assessed_at, a.reason
        FROM assessments a JOIN risks r ON r.key = a.risk WHERE r.id = ? ORDER BY a.id)sql");
    st.bind(1, risk_id);
    while (st.executeStep()) out.push_back(read_assessment(st, 0, risk_id));
    return out;
  });
}

std::vector<OwnerChange> SqliteStore::owner_history(const std::string& risk_id) {
  return guarded(path_, [&] {
    std::vector<OwnerChange> out;
    SQLite::Statement st(*db_, R"sql(SELECT o.id, o.owner, o.changed_by, o.changed_at, o.reason
        FROM owner_changes o JOIN risks r ON r.key = o.risk WHERE r.id = ? ORDER BY o.id)sql");
    st.bind(1, risk_id);
    while (st.executeStep())
      out.push_back({st.getColumn(0).getInt64(), risk_id, st.getColumn(1).getString(), st.getColumn(2).getString(),
                     st.getColumn(3).getString(), st.getColumn(4).getString()});
    return out;
  });
}

void SqliteStore::for_each_owner_change(const std::function<void(const OwnerChange&)>& visit) {
  guarded(path_, [&] {
    // One statement over the table in id order: an export of a million risks names a million owners.
    SQLite::Statement st(*db_, R"sql(SELECT o.id, r.id, o.owner, o.changed_by, o.changed_at, o.reason
        FROM owner_changes o JOIN risks r ON r.key = o.risk ORDER BY o.id)sql");
    OwnerChange o;
    while (st.executeStep()) {
      o.id = st.getColumn(0).getInt64();
      o.risk_id = st.getColumn(1).getString();
      o.owner = st.getColumn(2).getString();
      o.by = st.getColumn(3).getString();
      o.at = st.getColumn(4).getString();
      o.reason = st.getColumn(5).getString();
      visit(o);
    }
  });
}

std::vector<AuditEntry> SqliteStore::audit_log() {
  return guarded(path_, [&] {
    std::vector<AuditEntry> out;
    SQLite::Statement st(*db_,
                         "SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit ORDER BY rowid");
    while (st.executeStep())
      out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                     st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString(),
                     st.getColumn(6).getString(), st.getColumn(7).getString()});
    return out;
  });
}

AppendedAssessment SqliteStore::append_assessment(const NewAssessment& a) {
  return guarded(path_, [&] {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement cur(*db_, R"sql(SELECT r.key, r.current_assessment, c.likelihood, c.impact, r.title FROM risks r
        LEFT JOIN assessments c ON c.id = r.current_assessment WHERE r.id = ?)sql");
    cur.bind(1, a.risk_id);
    if (!cur.executeStep()) throw Error(ErrorKind::NotFound, events::unknown_risk(a.risk_id));
    int64_t key = cur.getColumn(0).getInt64();
    std::optional<int64_t> current_id;
    std::optional<ScoreCodes> current;
    if (!cur.getColumn(1).isNull()) {
      current_id = cur.getColumn(1).getInt64();
      current = ScoreCodes{cur.getColumn(2).getString(), cur.getColumn(3).getString()};
    }
    AppendedAssessment row = events::score_row(a, current, cur.getColumn(4).getString());
    SQLite::Statement ins(*db_, R"sql(INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at,
        reason) VALUES (?,?,?,?,?,?))sql");
    ins.bind(1, key);
    ins.bind(2, row.score.likelihood);
    ins.bind(3, row.score.impact);
    ins.bind(4, row.by);
    ins.bind(5, row.at);
    ins.bind(6, row.reason);
    ins.exec();
    row.id = db_->getLastInsertRowid();
    SQLite::Statement upd(
        *db_, "UPDATE risks SET previous_assessment = current_assessment, current_assessment = ? WHERE key = ?");
    upd.bind(1, row.id);
    upd.bind(2, key);
    upd.exec();
    row.audit_seq = append_audit(row.at, row.by, events::kScore, row.risk_id, events::score_detail(row, current));
    if (!a.lapse_from.empty()) row.lapsed = lapse(a);
    tx.commit();
    events::log_committed(events::kScore, row.risk_id, row.audit_seq, path_);
    return row;
  });
}

OwnerChange SqliteStore::assign_owner(const std::string& risk_id, const std::string& owner, const std::string& by,
                                      Timestamp at_ts, const std::string& reason) {
  return guarded(path_, [&] {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    int64_t key = risk_key(risk_id);
    OwnerChange c{0, risk_id, owner, by, format_timestamp(at_ts), reason};
    SQLite::Statement ins(*db_,
                          "INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason) VALUES (?,?,?,?,?)");
    ins.bind(1, key);
    ins.bind(2, owner);
    ins.bind(3, by);
    ins.bind(4, c.at);
    ins.bind(5, reason);
    ins.exec();
    c.id = db_->getLastInsertRowid();
    SQLite::Statement upd(*db_, "UPDATE risks SET owner = ? WHERE key = ?");
    upd.bind(1, owner);
    upd.bind(2, key);
    upd.exec();
    int64_t seq = append_audit(c.at, by, events::kOwner, risk_id, events::owner_detail(c));
    tx.commit();
    events::log_committed(events::kOwner, risk_id, seq, path_);
    return c;
  });
}

std::vector<AssessmentRow> SqliteStore::append_assessments(const std::vector<NewAssessment>& all) {
  return guarded(path_, [&] {
    std::vector<AssessmentRow> out;
    out.reserve(all.size());
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement cur(*db_, R"sql(SELECT r.key, c.likelihood, c.impact FROM risks r
        LEFT JOIN assessments c ON c.id = r.current_assessment WHERE r.id = ?)sql");
    SQLite::Statement ins(*db_, R"sql(INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at,
        reason) VALUES (?,?,?,?,?,?))sql");
    SQLite::Statement upd(
        *db_, "UPDATE risks SET previous_assessment = current_assessment, current_assessment = ? WHERE key = ?");
    SQLite::Statement ins_audit(*db_, "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)");
    // The chain's head is kept here rather than re-read per entry: same entries as
    // append_assessment would write one by one.
    AuditEntry e;
    e.prev_hash = kGenesisHash;
    e.seq = 1;
    {
      SQLite::Statement last(*db_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
      if (last.executeStep()) e.seq = last.getColumn(0).getInt64() + 1, e.prev_hash = last.getColumn(1).getString();
    }
    e.action = events::kScore;
    for (const auto& a : all) {
      cur.reset();
      cur.bind(1, a.risk_id);
      if (!cur.executeStep()) throw Error(ErrorKind::NotFound, events::unknown_risk(a.risk_id));
      int64_t key = cur.getColumn(0).getInt64();
      std::optional<ScoreCodes> current;
      if (!cur.getColumn(1).isNull()) current = ScoreCodes{cur.getColumn(1).getString(), cur.getColumn(2).getString()};
      if (a.expect && (!current || !(*current == *a.expect)))
        throw Error(ErrorKind::Conflict, events::score_conflict(a.risk_id));
      AssessmentRow row{0, a.risk_id, a.score, a.by, format_timestamp(a.at), a.reason};
      ins.reset();
      ins.bind(1, key);
      ins.bind(2, row.score.likelihood);
      ins.bind(3, row.score.impact);
      ins.bind(4, row.by);
      ins.bind(5, row.at);
      ins.bind(6, row.reason);
      ins.exec();
      row.id = db_->getLastInsertRowid();
      upd.reset();
      upd.bind(1, row.id);
      upd.bind(2, key);
      upd.exec();
      e.at = row.at;
      e.actor = row.by;
      e.entity = row.risk_id;
      e.detail = events::score_detail(row, current);
      e.hash = audit_hash(e.prev_hash, e);
      ins_audit.reset();
      ins_audit.bind(1, e.seq);
      ins_audit.bind(2, e.at);
      ins_audit.bind(3, e.actor);
      ins_audit.bind(4, e.action);
      ins_audit.bind(5, e.entity);
      ins_audit.bind(6, e.detail);
      ins_audit.bind(7, e.prev_hash);
      ins_audit.bind(8, e.hash);
      ins_audit.exec();
      ++e.seq;
      e.prev_hash = e.hash;
      out.push_back(std::move(row));
    }
    tx.commit();
    events::log_committed_scores(out.size(), e.seq - static_cast<int64_t>(out.size()), path_);
    return out;
  });
}

std::vector<Feed> SqliteStore::read_feeds(const std::string& where, const std::string& id) {
  std::vector<Feed> out;
  SQLite::Statement st(*db_, R"sql(SELECT a.id, b.id, f.basis, f.evidence, f.transition_probability,
      f.direction_note FROM feeds f JOIN risks a ON a.key = f.from_risk JOIN risks b ON b.key = f.to_risk )sql" +
                                 where + " ORDER BY f.from_risk, f.to_risk");
  if (!where.empty()) st.bind(1, id);
  while (st.executeStep()) {
    Feed f;
    f.from = st.getColumn(0).getString();
    f.to = st.getColumn(1).getString();
    f.basis = st.getColumn(2).getString();
    f.evidence = st.getColumn(3).getString();
    if (!st.getColumn(4).isNull()) f.transition_probability = st.getColumn(4).getDouble();
    f.direction_note = st.getColumn(5).getString();
    out.push_back(std::move(f));
  }
  return out;
}

void SqliteStore::read_priorities(const std::string& where, const std::string& arg, std::vector<Priority>& out) {
  SQLite::Statement st(*db_, R"sql(SELECT id, number, coalesce(parent, ''), title, heading, subtitles,
      change_driver, risks_as_written, service_plan_objective, departmental_objectives_as_written,
      corporate_objective, community_theme, service_improvement, expected_outcome, efficiency_gains,
      corporate_implications, additional_information, notes, change_drivers_table FROM priorities p )sql" +
                                 where + " ORDER BY pos");
  if (!where.empty()) st.bind(1, arg);
  SQLite::Statement risks(*db_,
                          "SELECT r.id FROM priority_risks p JOIN risks r ON r.key = p.risk "
                          "WHERE p.priority = ? ORDER BY p.pos");
  SQLite::Statement objs(*db_, "SELECT objective FROM priority_objectives WHERE priority = ? ORDER BY pos");
  SQLite::Statement acts(*db_, R"sql(SELECT id, text, lead_officers_as_written, lead_officers, milestones,
      completion, resources, pis_as_written, pis, targets, notes, status, due FROM actions WHERE priority = ?
      ORDER BY pos)sql");
  while (st.executeStep()) {
    Priority p;
    int i = 0;
    p.id = st.getColumn(i++).getString();
    p.number = st.getColumn(i++).getString();
    p.parent = st.getColumn(i++).getString();
    p.title = st.getColumn(i++).getString();
    p.heading = st.getColumn(i++).getString();
    p.subtitles = from_json(st.getColumn(i++).getString());
    for (std::string* v :
         {&p.change_driver, &p.risks_as_written, &p.service_plan_objective, &p.departmental_objectives_as_written,
          &p.corporate_objective, &p.community_theme, &p.service_improvement, &p.expected_outcome, &p.efficiency_gains,
          &p.corporate_implications, &p.additional_information})
      *v = st.getColumn(i++).getString();
    p.notes = from_json(st.getColumn(i++).getString());
    p.change_drivers_table = change_drivers_from_json(st.getColumn(i++).getString());
    risks.reset();
    risks.bind(1, p.id);
    while (risks.executeStep()) p.risks.push_back(risks.getColumn(0).getString());
    objs.reset();
    objs.bind(1, p.id);
    while (objs.executeStep()) p.departmental_objectives.push_back(objs.getColumn(0).getString());
    acts.reset();
    acts.bind(1, p.id);
    while (acts.executeStep()) {
      Action a;
      int j = 0;
      a.id = acts.getColumn(j++).getString();
      a.priority_id = p.id;
      a.text = acts.getColumn(j++).getString();
      a.lead_officers_as_written = acts.getColumn(j++).getString();
      a.lead_officers = from_json(acts.getColumn(j++).getString());
      a.milestones = from_json(acts.getColumn(j++).getString());
      a.completion = acts.getColumn(j++).getString();
      a.resources = acts.getColumn(j++).getString();
      a.pis_as_written = acts.getColumn(j++).getString();
      a.pis = from_json(acts.getColumn(j++).getString());
      a.targets = acts.getColumn(j++).getString();
      a.notes = from_json(acts.getColumn(j++).getString());
      a.status = acts.getColumn(j++).getString();
      a.due = acts.getColumn(j++).getString();
      p.actions.push_back(std::move(a));
    }
    out.push_back(std::move(p));
  }
}

void SqliteStore::for_each_feed(const std::function<void(const Feed&)>& visit) {
  guarded(path_, [&] {
    BulkReads bulk(*db_);
    SQLite::Statement st(*db_, R"sql(SELECT a.id, b.id, f.basis, f.transition_probability FROM feeds f
        JOIN risks a ON a.key = f.from_risk JOIN risks b ON b.key = f.to_risk ORDER BY f.from_risk, f.to_risk)sql");
    Feed f;
    while (st.executeStep()) {
      f.from = st.getColumn(0).getString();
      f.to = st.getColumn(1).getString();
      f.basis = st.getColumn(2).getString();
      f.transition_probability =
          st.getColumn(3).isNull() ? std::nullopt : std::optional<double>(st.getColumn(3).getDouble());
      visit(f);
    }
  });
}

Neighbourhood SqliteStore::downstream(const std::string& risk_id, int depth) {
  return guarded(path_, [&] {
    SQLite::Transaction snapshot(*db_);
    // Breadth first along the feed links (their primary key leads with from_risk): a risk's
    // distance is the fewest links from risk_id. Only this neighbourhood is read.
    std::map<int64_t, std::string> ids;  // key -> id, in key order
    std::vector<int64_t> frontier{risk_key(risk_id)};
    ids[frontier[0]] = risk_id;
    SQLite::Statement next(*db_,
                           "SELECT f.to_risk, r.id FROM feeds f JOIN risks r ON r.key = f.to_risk "
                           "WHERE f.from_risk = ?");
    for (int d = 0; d < depth && !frontier.empty(); ++d) {
      std::vector<int64_t> reached;
      for (int64_t key : frontier) {
        next.reset();
        next.bind(1, key);
        while (next.executeStep())
          if (ids.emplace(next.getColumn(0).getInt64(), next.getColumn(1).getString()).second)
            reached.push_back(next.getColumn(0).getInt64());
      }
      frontier = std::move(reached);
    }
    Neighbourhood n;
    RegisterData& part = n.part;
    SQLite::Statement risk(*db_, std::string(kRiskSelect) + " WHERE r.key = ?");
    SQLite::Statement closed(*db_, "SELECT status = 'closed' FROM risks WHERE key = ?");
    SQLite::Statement feeds(*db_, R"sql(SELECT f.to_risk, f.basis, f.evidence, f.transition_probability,
        f.direction_note FROM feeds f WHERE f.from_risk = ? ORDER BY f.to_risk)sql");
    SQLite::Statement mitigated(*db_,
                                "SELECT p.pos, p.id FROM priority_risks pr JOIN priorities p ON p.id = pr.priority "
                                "WHERE pr.risk = ?");
    std::map<int64_t, std::string> priorities;  // pos -> id: the register's order
    for (const auto& [key, id] : ids) {
      risk.reset();
      risk.bind(1, key);
      if (risk.executeStep()) part.risks.push_back(read_risk(risk));
      closed.reset();
      closed.bind(1, key);
      if (closed.executeStep() && closed.getColumn(0).getInt() == 1) n.closed.insert(id);
      feeds.reset();
      feeds.bind(1, key);
      while (feeds.executeStep()) {
        auto to = ids.find(feeds.getColumn(0).getInt64());
        if (to == ids.end()) continue;
        Feed f;
        f.from = id;
        f.to = to->second;
        f.basis = feeds.getColumn(1).getString();
        f.evidence = feeds.getColumn(2).getString();
        if (!feeds.getColumn(3).isNull()) f.transition_probability = feeds.getColumn(3).getDouble();
        f.direction_note = feeds.getColumn(4).getString();
        part.feeds.push_back(std::move(f));
      }
      mitigated.reset();
      mitigated.bind(1, key);
      while (mitigated.executeStep())
        priorities.emplace(mitigated.getColumn(0).getInt64(), mitigated.getColumn(1).getString());
    }
    for (const auto& [pos, id] : priorities) read_priorities("WHERE p.id = ?", id, part.priorities);
    snapshot.commit();
    return n;
  });
}

std::vector<std::optional<ScoreCodes>> SqliteStore::feeder_scores(const std::string& risk_id) {
  return guarded(path_, [&] {
    std::vector<std::optional<ScoreCodes>> out;
    SQLite::Statement st(*db_, R"sql(SELECT c.likelihood, c.impact FROM risks t JOIN feeds f ON f.to_risk = t.key
        JOIN risks r ON r.key = f.from_risk LEFT JOIN assessments c ON c.id = r.current_assessment
        WHERE t.id = ? ORDER BY f.from_risk)sql");
    st.bind(1, risk_id);
    while (st.executeStep())
      out.push_back(st.getColumn(0).isNull()
                        ? std::nullopt
                        : std::optional(ScoreCodes{st.getColumn(0).getString(), st.getColumn(1).getString()}));
    return out;
  });
}

RiskLinks SqliteStore::links(const std::string& risk_id) {
  return guarded(path_, [&] {
    RiskLinks l;
    l.feeds_out = read_feeds("WHERE a.id = ?", risk_id);
    l.feeds_in = read_feeds("WHERE b.id = ?", risk_id);
    read_priorities(
        "WHERE p.id IN (SELECT pr.priority FROM priority_risks pr JOIN risks r ON r.key = pr.risk "
        "WHERE r.id = ?)",
        risk_id, l.priorities);
    return l;
  });
}

RegisterData SqliteStore::load() {
  return guarded(path_, [&] {
    BulkReads bulk(*db_);
    RegisterData d;
    d.info = info();
    {
      SQLite::Statement st(*db_, std::string(kRiskSelect) + " ORDER BY r.key");
      while (st.executeStep()) d.risks.push_back(read_risk(st));
    }
    d.feeds = read_feeds("", "");
    {
      SQLite::Statement st(*db_,
                           "SELECT id, number, title, description, corporate_objective, community_theme, "
                           "pis_as_written, pis, notes FROM objectives ORDER BY pos");
      while (st.executeStep()) {
        Objective o;
        o.id = st.getColumn(0).getString();
        if (!st.getColumn(1).isNull()) o.number = st.getColumn(1).getInt();
        o.title = st.getColumn(2).getString();
        o.description = st.getColumn(3).getString();
        o.corporate_objective = st.getColumn(4).getString();
        o.community_theme = st.getColumn(5).getString();
        o.pis_as_written = st.getColumn(6).getString();
        o.pis = from_json(st.getColumn(7).getString());
        o.notes = from_json(st.getColumn(8).getString());
        d.objectives.push_back(std::move(o));
      }
    }
    {
      SQLite::Statement st(*db_, "SELECT kind, name, variants, notes FROM concepts ORDER BY pos");
      while (st.executeStep())
        d.concepts.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(),
                              from_json(st.getColumn(2).getString()), from_json(st.getColumn(3).getString())});
    }
    read_priorities("", "", d.priorities);
    {
      SQLite::Statement st(
          *db_, "SELECT pos, objective, objective_basis, title, apa_areas, notes FROM outcomes ORDER BY pos");
      SQLite::Statement ops(*db_,
                            "SELECT id, text, progress, future_actions, notes FROM outcome_priorities "
                            "WHERE outcome = ? ORDER BY pos");
      while (st.executeStep()) {
        Outcome o;
        o.objective = st.getColumn(1).getString();
        o.objective_basis = st.getColumn(2).getString();
        o.title = st.getColumn(3).getString();
        o.apa_areas = from_json(st.getColumn(4).getString());
        o.notes = from_json(st.getColumn(5).getString());
        ops.reset();
        ops.bind(1, st.getColumn(0).getInt64());
        while (ops.executeStep())
          o.priorities.push_back({ops.getColumn(0).getString(), ops.getColumn(1).getString(),
                                  from_json(ops.getColumn(2).getString()), from_json(ops.getColumn(3).getString()),
                                  from_json(ops.getColumn(4).getString())});
        d.outcomes.push_back(std::move(o));
      }
    }
    return d;
  });
}

std::vector<AlertDelivery> SqliteStore::alert_deliveries(const std::string& period) {
  return guarded(path_, [&] {
    std::vector<AlertDelivery> out;
    SQLite::Statement st(*db_, R"sql(SELECT id, period, recipient, channel, status, attempts, detail, message_sha256, at
        FROM alert_deliveries WHERE period = ? ORDER BY id)sql");
    st.bind(1, period);
    while (st.executeStep())
      out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                     st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getInt(),
                     st.getColumn(6).getString(), st.getColumn(7).getString(), st.getColumn(8).getString()});
    return out;
  });
}

AlertDelivery SqliteStore::append_alert_delivery(const AlertDelivery& d, const std::string& by) {
  return guarded(path_, [&] {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement ins(*db_, R"sql(INSERT INTO alert_deliveries (period, recipient, channel, status, attempts,
        detail, message_sha256, at) VALUES (?,?,?,?,?,?,?,?))sql");
    ins.bind(1, d.period);
    ins.bind(2, d.recipient);
    ins.bind(3, d.channel);
    ins.bind(4, d.status);
    ins.bind(5, d.attempts);
    ins.bind(6, d.detail);
    ins.bind(7, d.message_sha256);
    ins.bind(8, d.at);
    ins.exec();
    AlertDelivery out = d;
    out.id = db_->getLastInsertRowid();
    int64_t seq = append_audit(d.at, by, events::kAlert, d.period, events::alert_detail(out));
    tx.commit();
    events::log_committed(events::kAlert, d.period, seq, path_);
    return out;
  });
}

}  // namespace riskreg
