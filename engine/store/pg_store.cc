#include "store/pg_store.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "audit/chain.h"
#include "audit/events.h"
#include "core/error.h"
#include "records/json_list.h"
#include "store/pg_bulk.h"
#include "store/pg_guard.h"
#include "store/pg_schema.h"

using nlohmann::json;

namespace riskreg {

namespace {

/// Rows fetched per round trip when streaming risks: bounded memory on a million-risk
/// register, and each page is its own short transaction, so `visit` may call the store.
constexpr int kPage = 5000;

using pg::str;
int as_int(const pqxx::field& f) { return f.as<int>(); }
double as_double(const pqxx::field& f) { return f.as<double>(); }

/// One column of a row that came back inside JSON (`json_build_array` of the same columns as a
/// row query, PgStore::downstream): the readers below take either.
struct JsonField {
  const json& v;
  bool is_null() const { return v.is_null(); }
};
struct JsonRow {
  const json& v;
  JsonField operator[](size_t i) const { return {v.at(i)}; }
};
std::string str(const JsonField& f) {
  return f.v.is_null() ? std::string() : f.v.is_string() ? f.v.get<std::string>() : f.v.dump();
}
int as_int(const JsonField& f) { return f.v.is_string() ? std::stoi(f.v.get<std::string>()) : f.v.get<int>(); }
double as_double(const JsonField& f) { return f.v.is_string() ? std::stod(f.v.get<std::string>()) : f.v.get<double>(); }

template <typename Field>
std::vector<std::string> from_json(const Field& f) {
  return f.is_null() ? std::vector<std::string>{} : riskreg::from_json(str(f));
}
std::vector<std::string> from_json(const pqxx::field& f) {
  return f.is_null() ? std::vector<std::string>{} : riskreg::from_json(std::string_view(f.c_str(), f.size()));
}
template <typename Field>
std::optional<std::string> opt_str(const Field& f) {
  if (f.is_null()) return std::nullopt;
  return str(f);
}

using pg::guarded;

AssessmentRow read_assessment(const pqxx::row& r, int first, const std::string& risk_id) {
  AssessmentRow a;
  a.id = r[first].as<int64_t>();
  a.risk_id = risk_id;
  a.score = {str(r[first + 1]), str(r[first + 2])};
  a.by = str(r[first + 3]);
  a.at = str(r[first + 4]);
  a.reason = str(r[first + 5]);
  return a;
}

// The same columns as SqliteStore's state query; column 19 is the risk's key (for paging),
// 20-22 its status, next and last review.
const char* kStateSelect = R"sql(
SELECT r.id, r.title, r.owner, r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason,
       (SELECT count(*) FROM priority_risks pr WHERE pr.risk = r.key),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key),
       r.key, r.status, r.next_review, r.last_review,
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key
        AND a.status NOT IN ('done', 'dropped')),
       (SELECT coalesce(string_agg(a.due, ','), '') FROM priority_risks pr JOIN actions a ON a.priority = pr.priority
        WHERE pr.risk = r.key AND a.status NOT IN ('done', 'dropped') AND a.due <> ''),
       r.response
FROM risks r
LEFT JOIN assessments c ON c.id = r.current_assessment
LEFT JOIN assessments p ON p.id = r.previous_assessment
)sql";

// A risk with all its fields, its target and its current score: the columns of SqliteStore's
// kRiskSelect, read by read_risk for risk() and load().
const char* kRiskColumns = R"sql(r.id, r.number, r.title, r.heading, r.vulnerability, r.triggers, r.consequences,
       r.controls, r.spontaneous_probability, r.notes, r.owner, r.target_likelihood, r.target_impact, c.likelihood,
       c.impact)sql";
const char* kRiskFrom = " FROM risks r LEFT JOIN assessments c ON c.id = r.current_assessment ";
const std::string kRiskSelect = std::string("SELECT ") + kRiskColumns + kRiskFrom;

template <typename Row>
Risk read_risk(const Row& row) {
  Risk r;
  r.id = str(row[0]);
  if (!row[1].is_null()) r.number = as_int(row[1]);
  r.title = str(row[2]);
  r.heading = str(row[3]);
  r.vulnerability = str(row[4]);
  r.triggers = from_json(row[5]);
  r.consequences = from_json(row[6]);
  r.controls = from_json(row[7]);
  if (!row[8].is_null()) r.spontaneous_probability = as_double(row[8]);
  r.notes = from_json(row[9]);
  r.owner = opt_str(row[10]);
  if (!row[11].is_null()) r.target = ScoreCodes{str(row[11]), str(row[12])};
  if (!row[13].is_null()) r.current = ScoreCodes{str(row[13]), str(row[14])};
  return r;
}

// A feed link with every column, read by read_feed for links(), for_each_feed() and load().
const char* kFeedColumns = "a.id, b.id, f.basis, f.evidence, f.transition_probability, f.direction_note";
const char* kFeedFrom = " FROM feeds f JOIN risks a ON a.key = f.from_risk JOIN risks b ON b.key = f.to_risk ";
const std::string kFeedSelect = std::string("SELECT ") + kFeedColumns + kFeedFrom;

template <typename Row>
Feed read_feed(const Row& r) {
  Feed f;
  f.from = str(r[0]);
  f.to = str(r[1]);
  f.basis = str(r[2]);
  f.evidence = str(r[3]);
  if (!r[4].is_null()) f.transition_probability = as_double(r[4]);
  f.direction_note = str(r[5]);
  return f;
}

// A priority's own columns, read by read_priority; its risks, objectives and actions are
// read for all the priorities asked for at once (PgStore::read_priorities).
const char* kPriorityColumns = R"sql(p.id, p.number, coalesce(p.parent, ''), p.title, p.heading, p.subtitles,
       p.change_driver, p.risks_as_written, p.service_plan_objective, p.departmental_objectives_as_written,
       p.corporate_objective, p.community_theme, p.service_improvement, p.expected_outcome, p.efficiency_gains,
       p.corporate_implications, p.additional_information, p.notes, p.change_drivers_table)sql";
const std::string kPrioritySelect = std::string("SELECT ") + kPriorityColumns + " FROM priorities p ";

template <typename Row>
Priority read_priority(const Row& row) {
  Priority p;
  int i = 0;
  p.id = str(row[i++]);
  p.number = str(row[i++]);
  p.parent = str(row[i++]);
  p.title = str(row[i++]);
  p.heading = str(row[i++]);
  p.subtitles = from_json(row[i++]);
  for (std::string* v :
       {&p.change_driver, &p.risks_as_written, &p.service_plan_objective, &p.departmental_objectives_as_written,
        &p.corporate_objective, &p.community_theme, &p.service_improvement, &p.expected_outcome, &p.efficiency_gains,
        &p.corporate_implications, &p.additional_information})
    *v = str(row[i++]);
  p.notes = from_json(row[i++]);
  p.change_drivers_table = change_drivers_from_json(str(row[i++]));
  return p;
}

// An action; column 0 is its priority (for grouping), then the columns read_action reads.
const char* kActionColumns = R"sql(x.priority, x.id, x.text, x.lead_officers_as_written, x.lead_officers,
       x.milestones, x.completion, x.resources, x.pis_as_written, x.pis, x.targets, x.notes, x.status, x.due)sql";
const std::string kActionSelect = std::string("SELECT ") + kActionColumns + " FROM actions x ";

template <typename Row>
Action read_action(const Row& r) {
  Action a;
  int j = 0;
  a.priority_id = str(r[j++]);
  a.id = str(r[j++]);
  a.text = str(r[j++]);
  a.lead_officers_as_written = str(r[j++]);
  a.lead_officers = from_json(r[j++]);
  a.milestones = from_json(r[j++]);
  a.completion = str(r[j++]);
  a.resources = str(r[j++]);
  a.pis_as_written = str(r[j++]);
  a.pis = from_json(r[j++]);
  a.targets = str(r[j++]);
  a.notes = from_json(r[j++]);
  a.status = str(r[j++]);
  a.due = str(r[j++]);
  return a;
}

RiskState read_state(const pqxx::row& r) {
  RiskState s;
  s.id = str(r[0]);
  s.title = str(r[1]);
  s.owner = opt_str(r[2]);
  if (!r[3].is_null()) s.target = ScoreCodes{str(r[3]), str(r[4])};
  if (!r[5].is_null()) s.current = read_assessment(r, 5, s.id);
  if (!r[11].is_null()) s.previous = read_assessment(r, 11, s.id);
  s.priorities = r[17].as<int>();
  s.actions = r[18].as<int>();
  s.closed = str(r[20]) == "closed";
  s.next_review = str(r[21]);
  s.last_review = str(r[22]);
  s.open_actions = r[23].as<int>();
  s.open_action_dues = str(r[24]);
  s.response = str(r[25]);
  return s;
}

/// Every risk state, a page at a time in key order: `fetch(after)` gives the page of rows (in
/// read_state's columns) whose key is past `after`, at most kPage of them; a shorter page is the last.
template <typename Fetch>
void for_each_state_page(Fetch&& fetch, const std::function<void(const RiskState&)>& visit) {
  int64_t after = 0;
  for (;;) {
    pqxx::result page = fetch(after);
    for (const auto& row : page) visit(read_state(row));
    if (page.size() < static_cast<size_t>(kPage)) return;
    after = page[page.size() - 1][19].as<int64_t>();
  }
}

/// kStateSelect's page past key $1.
std::string state_page_sql() {
  return std::string(kStateSelect) + " WHERE r.key > $1 ORDER BY r.key LIMIT " + std::to_string(kPage);
}

}  // namespace

PgStore::PgStore(const std::string& url, Mode mode) : url_(url), where_(redact_url(url)) {
  try {
    auto t0 = std::chrono::steady_clock::now();
    conn_ = std::make_unique<pqxx::connection>(url_);
    spdlog::debug("postgresql: connected to {} as '{}' in {:.1f} ms (server {})", where_, conn_->username(),
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
                  conn_->server_version());
  } catch (const pqxx::broken_connection& e) {
    std::string msg = e.what();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    for (auto& c : msg)
      if (c == '\n') c = ' ';
    throw Error(ErrorKind::Environment, "cannot connect to the PostgreSQL server at " + where_ + ": " + msg);
  } catch (const pqxx::failure& e) {
    throw Error(ErrorKind::Usage, "'" + where_ + "' is not a usable PostgreSQL connection string: " + e.what());
  }
  guarded(where_, conn_.get(), [&] {
    {
      // The usual case in one round trip and no transaction: the session's message level and
      // the register's schema version, already current. A database without the meta table
      // (before `init`) fails that statement, harmlessly: nothing is open to roll back.
      bool no_meta = false;
      try {
        pqxx::nontransaction nt(*conn_);
        auto r = nt.exec(
            "SELECT set_config('client_min_messages', 'warning', false), (SELECT schema_version FROM riskreg_meta)");
        if (!r[0][1].is_null() && r[0][1].as<int>() == pg_current_schema_version()) return;
      } catch (const pqxx::undefined_table&) {
        no_meta = true;
      }
      if (no_meta) pqxx::nontransaction(*conn_).exec("SELECT set_config('client_min_messages', 'warning', false)");
    }
    pqxx::work tx(*conn_);
    int version = pg_schema_version(tx);
    if (mode == Mode::Open && version == 0)
      throw Error(ErrorKind::NoDatabase,
                  "no register at " + where_ + "; create one with 'riskreg init --db " + where_ + "'");
    pg_migrate(tx, where_);
    tx.commit();
  });
}

PgStore::~PgStore() = default;

int PgStore::schema_version() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    return pg_schema_version(tx);
  });
}

namespace {

/// The entry after the chain's last (`last`: its seq and hash; none for an empty chain), hashed.
AuditEntry next_entry(const std::optional<std::pair<int64_t, std::string>>& last, const std::string& at,
                      const std::string& actor, const std::string& action, const std::string& entity,
                      const std::string& detail) {
  AuditEntry e;
  e.prev_hash = last ? last->second : kGenesisHash;
  e.seq = last ? last->first + 1 : 1;
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.entity = entity;
  e.detail = detail;
  e.hash = audit_hash(e.prev_hash, e);
  return e;
}

// The chain head row serialises appends: whoever holds it reads the true last entry, in a
// statement after the lock (a statement that waited for the lock would still read its old snapshot).
const char* kLockChainHead = "SELECT id FROM audit_head WHERE id = 1 FOR UPDATE";

}  // namespace

int64_t PgStore::append_audit(pqxx::dbtransaction& tx, const std::string& at, const std::string& actor,
                              const std::string& action, const std::string& entity, const std::string& detail) {
  tx.exec(kLockChainHead);
  std::optional<std::pair<int64_t, std::string>> last;
  if (auto r = tx.exec("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"); !r.empty())
    last.emplace(r[0][0].as<int64_t>(), str(r[0][1]));
  AuditEntry e = next_entry(last, at, actor, action, entity, detail);
  tx.exec_params("INSERT INTO audit VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", e.seq, e.at, e.actor, e.action, e.entity,
                 e.detail, e.prev_hash, e.hash);
  return e.seq;
}

void PgStore::create(const RegisterData& d, const std::vector<RulesFile>& rules, const std::string& by, Timestamp at_ts,
                     const std::string& reason) {
  create_with_history(d, rules, by, at_ts, reason, {}, false);
}

void PgStore::replace(const RegisterData& d, const std::vector<RulesFile>& rules, const std::string& by,
                      Timestamp at_ts, const std::string& reason) {
  create_with_history(d, rules, by, at_ts, reason, {}, true);
}

void PgStore::create_with_history(const RegisterData& d, const std::vector<RulesFile>& rules, const std::string& by,
                                  Timestamp at_ts, const std::string& reason,
                                  const std::vector<NewAssessment>& rescores, bool replace) {
  guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    if (replace) {
      tx.exec("SELECT pg_advisory_xact_lock(7262737265670)");
      pg_drop_register(tx);
      pg_migrate(tx, where_);
    } else {
      pg_migrate(tx, where_);
      auto n = tx.exec("SELECT (SELECT count(*) FROM risks) + (SELECT count(*) FROM audit)")[0][0].as<int64_t>();
      if (n != 0) throw Error(ErrorKind::Conflict, events::register_exists(where_));
    }
    fill(tx, d, rules, by, format_timestamp(at_ts), reason);
    append_bulk(tx, rescores);
    tx.commit();
    pg_analyze(*conn_);
    events::log_committed(events::kCreate, "register", 1, where_);
    events::log_committed_scores(rescores.size(), 2, where_);
  });
}

void PgStore::fill(pqxx::dbtransaction& tx, const RegisterData& d, const std::vector<RulesFile>& rules,
                   const std::string& by, const std::string& at, const std::string& reason) {
  auto put_meta = [&](const std::string& k, const std::string& v) {
    tx.exec_params("INSERT INTO meta VALUES ($1, $2)", k, v);
  };
  put_meta("name", d.info.name);
  put_meta("body", d.info.body);
  put_meta("period", d.info.period);
  put_meta("sources", to_json(d.info.sources));
  put_meta("notes", to_json(d.info.notes));
  if (d.info.risk_manager) put_meta("risk_manager", *d.info.risk_manager);
  put_meta("created_at", at);

  for (const auto& f : rules) {
    tx.exec_params("INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) VALUES ($1,$2,$3,$4,$5)",
                   f.name, f.content, f.sha256, at, by);
  }

  // Every bulk table by COPY rather than one INSERT per row: a million-risk register is a
  // dozen statements, not millions of round trips. Keys and ids are assigned here, in data
  // order, exactly as SQLite assigns them to a fresh file; the identity sequences are moved
  // past them at the end. Foreign keys are deferred to commit, so the order is free.
  std::unordered_map<std::string, int64_t> keys;
  keys.reserve(d.risks.size());
  std::vector<AssessmentRow> initial;
  {
    CopyIn risks(
        tx, "risks",
        {"key", "id", "number", "title", "heading", "vulnerability", "triggers", "consequences", "controls",
         "target_likelihood", "target_impact", "spontaneous_probability", "notes", "owner", "current_assessment"});
    int64_t key = 0, assessment = 0;
    for (const auto& r : d.risks) {
      ++key;
      keys[r.id] = key;
      if (r.current) {
        ++assessment;
        initial.push_back({assessment, r.id, *r.current, by, at, reason});
      }
      risks.row({key, r.id, r.number, r.title, r.heading, r.vulnerability, to_json(r.triggers), to_json(r.consequences),
                 to_json(r.controls), r.target ? r.target->likelihood.c_str() : nullptr,
                 r.target ? r.target->impact.c_str() : nullptr, r.spontaneous_probability, to_json(r.notes), r.owner,
                 r.current ? CopyField(assessment) : CopyField(nullptr)});
    }
    risks.complete();
  }
  auto key_of = [&](const std::string& id) {
    auto it = keys.find(id);
    if (it == keys.end()) throw Error(ErrorKind::NotFound, events::unknown_risk(id));
    return it->second;
  };
  {
    CopyIn out(tx, "assessments", {"id", "risk", "likelihood", "impact", "assessed_by", "assessed_at", "reason"});
    for (const auto& a : initial) out.row({a.id, keys[a.risk_id], a.score.likelihood, a.score.impact, by, at, reason});
    out.complete();
  }
  {
    CopyIn out(tx, "owner_changes", {"id", "risk", "owner", "changed_by", "changed_at", "reason"});
    int64_t change = 0;
    for (const auto& r : d.risks)
      if (r.owner) out.row({++change, keys[r.id], *r.owner, by, at, reason});
    out.complete();
  }
  {
    CopyIn out(tx, "feeds", {"from_risk", "to_risk", "basis", "evidence", "transition_probability", "direction_note"});
    for (const auto& f : d.feeds)
      out.row({key_of(f.from), key_of(f.to), f.basis, f.evidence, f.transition_probability, f.direction_note});
    out.complete();
  }
  {
    CopyIn out(tx, "objectives",
               {"id", "pos", "number", "title", "description", "corporate_objective", "community_theme",
                "pis_as_written", "pis", "notes"});
    int pos = 0;
    for (const auto& o : d.objectives)
      out.row({o.id, pos++, o.number, o.title, o.description, o.corporate_objective, o.community_theme,
               o.pis_as_written, to_json(o.pis), to_json(o.notes)});
    out.complete();
  }
  {
    CopyIn out(tx, "concepts", {"kind", "name", "pos", "variants", "notes"});
    int pos = 0;
    for (const auto& c : d.concepts) out.row({c.kind, c.name, pos++, to_json(c.variants), to_json(c.notes)});
    out.complete();
  }
  {
    CopyIn out(tx, "priorities",
               {"id", "pos", "number", "parent", "title", "heading", "subtitles", "change_driver", "risks_as_written",
                "service_plan_objective", "departmental_objectives_as_written", "corporate_objective",
                "community_theme", "service_improvement", "expected_outcome", "efficiency_gains",
                "corporate_implications", "additional_information", "notes"});
    int pos = 0;
    for (const auto& p : d.priorities)
      out.row({p.id, pos++, p.number, p.parent.empty() ? nullptr : p.parent.c_str(), p.title, p.heading,
               to_json(p.subtitles), p.change_driver, p.risks_as_written, p.service_plan_objective,
               p.departmental_objectives_as_written, p.corporate_objective, p.community_theme, p.service_improvement,
               p.expected_outcome, p.efficiency_gains, p.corporate_implications, p.additional_information,
               to_json(p.notes)});
    out.complete();
    // The Change Drivers rows (schema 4) after the copy, so the COPY's column list stays as it was.
    for (const auto& p : d.priorities)
      if (!p.change_drivers_table.empty())
        tx.exec_params("UPDATE priorities SET change_drivers_table = $1 WHERE id = $2",
                       change_drivers_json(p.change_drivers_table), p.id);
  }
  {
    CopyIn out(tx, "priority_risks", {"priority", "risk", "pos"});
    for (const auto& p : d.priorities) {
      int k = 0;
      for (const auto& r : p.risks) out.row({p.id, key_of(r), k++});
    }
    out.complete();
  }
  {
    CopyIn out(tx, "priority_objectives", {"priority", "objective", "pos"});
    for (const auto& p : d.priorities) {
      int k = 0;
      for (const auto& o : p.departmental_objectives) out.row({p.id, o, k++});
    }
    out.complete();
  }
  {
    CopyIn out(tx, "actions",
               {"id", "priority", "pos", "text", "lead_officers_as_written", "lead_officers", "milestones",
                "completion", "resources", "pis_as_written", "pis", "targets", "notes", "status", "due"});
    for (const auto& p : d.priorities) {
      int k = 0;
      for (const auto& a : p.actions)
        out.row({a.id, p.id, k++, a.text, a.lead_officers_as_written, to_json(a.lead_officers), to_json(a.milestones),
                 a.completion, a.resources, a.pis_as_written, to_json(a.pis), a.targets, to_json(a.notes), a.status,
                 a.due});
    }
    out.complete();
  }
  int pos = 0;
  for (const auto& o : d.outcomes) {
    int opos = pos++;
    tx.exec_params("INSERT INTO outcomes VALUES ($1,$2,$3,$4,$5,$6)", opos, o.objective, o.objective_basis, o.title,
                   to_json(o.apa_areas), to_json(o.notes));
    int k = 0;
    for (const auto& s : o.priorities)
      tx.exec_params("INSERT INTO outcome_priorities VALUES ($1,$2,$3,$4,$5,$6,$7)", s.id, opos, k++, s.text,
                     to_json(s.progress), to_json(s.future_actions), to_json(s.notes));
  }
  for (const char* t : {"risks|key", "assessments|id", "owner_changes|id", "rules_files|seq"}) {
    std::string s = t;
    std::string table = s.substr(0, s.find('|')), col = s.substr(s.find('|') + 1);
    tx.exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" + col + "'), coalesce((SELECT max(" + col +
            ") FROM " + table + "), 0) + 1, false)");
  }
  append_audit(tx, at, by, events::kCreate, "register", events::create_detail(d, rules, reason, initial));
}

RegisterInfo PgStore::read_info(pqxx::dbtransaction& tx) {
  RegisterInfo i;
  for (const auto& row : tx.exec("SELECT key, value FROM meta")) {
    std::string k = str(row[0]), v = str(row[1]);
    if (k == "name")
      i.name = v;
    else if (k == "body")
      i.body = v;
    else if (k == "period")
      i.period = v;
    else if (k == "sources")
      i.sources = from_json(row[1]);
    else if (k == "notes")
      i.notes = from_json(row[1]);
    else if (k == "risk_manager")
      i.risk_manager = v;
  }
  return i;
}

RegisterInfo PgStore::info() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    return read_info(tx);
  });
}

std::vector<RulesFile> PgStore::rules() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::nontransaction tx(*conn_);  // one statement: its own snapshot
    std::vector<RulesFile> out;
    for (const auto& r : tx.exec(R"sql(SELECT name, content, sha256 FROM rules_files f
        WHERE seq = (SELECT max(seq) FROM rules_files g WHERE g.name = f.name) ORDER BY name COLLATE "C")sql"))
      out.push_back({str(r[0]), str(r[1]), str(r[2])});
    return out;
  });
}

RegisterCounts PgStore::counts() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    auto r = tx.exec(R"sql(SELECT (SELECT count(*) FROM risks), (SELECT count(*) FROM assessments),
        (SELECT count(*) FROM feeds), (SELECT count(*) FROM priorities), (SELECT count(*) FROM actions),
        (SELECT count(*) FROM objectives), (SELECT count(*) FROM outcome_priorities), (SELECT count(*) FROM audit))sql")
                 [0];
    RegisterCounts c;
    c.risks = r[0].as<int64_t>();
    c.assessments = r[1].as<int64_t>();
    c.feeds = r[2].as<int64_t>();
    c.priorities = r[3].as<int64_t>();
    c.actions = r[4].as<int64_t>();
    c.objectives = r[5].as<int64_t>();
    c.outcomes = r[6].as<int64_t>();
    c.audit = r[7].as<int64_t>();
    return c;
  });
}

bool PgStore::more_risks_than(int64_t n) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::nontransaction tx(*conn_);  // one statement: its own snapshot
    return tx.exec_params("SELECT count(*) FROM (SELECT 1 FROM risks LIMIT $1) r", n + 1)[0][0].as<int64_t>() > n;
  });
}

std::vector<std::string> PgStore::risk_ids() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<std::string> out;
    for (const auto& r : tx.exec("SELECT id FROM risks ORDER BY key")) out.push_back(str(r[0]));
    return out;
  });
}

std::vector<std::string> PgStore::owners() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<std::string> out;
    // COLLATE "C": byte order whatever the database's collation, as SqliteStore sorts.
    for (const auto& r :
         tx.exec("SELECT DISTINCT owner COLLATE \"C\" AS o FROM risks WHERE owner IS NOT NULL ORDER BY o"))
      out.push_back(str(r[0]));
    return out;
  });
}

std::optional<Risk> PgStore::risk(const std::string& id) {
  return guarded(where_, conn_.get(), [&]() -> std::optional<Risk> {
    pqxx::read_transaction tx(*conn_);
    auto res = tx.exec_params(std::string(kRiskSelect) + " WHERE r.id = $1", id);
    if (res.empty()) return std::nullopt;
    return read_risk(res[0]);
  });
}

std::optional<RiskState> PgStore::risk_state(const std::string& id) {
  return guarded(where_, conn_.get(), [&]() -> std::optional<RiskState> {
    pqxx::nontransaction tx(*conn_);  // one statement: its own snapshot, no BEGIN/COMMIT round trips
    auto res = tx.exec_params(std::string(kStateSelect) + " WHERE r.id = $1", id);
    if (res.empty()) return std::nullopt;
    return read_state(res[0]);
  });
}

std::unordered_map<std::string, std::pair<Risk, RiskState>> PgStore::existing_risks(
    const std::vector<std::string>& ids) {
  return guarded(where_, conn_.get(), [&] {
    // One snapshot; the ids go as a text[] parameter, 10,000 a statement.
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(*conn_);
    std::unordered_map<std::string, std::pair<Risk, RiskState>> out;
    constexpr size_t kChunk = 10000;
    for (size_t at = 0; at < ids.size(); at += kChunk) {
      std::string array = "{";
      for (size_t i = at; i < std::min(ids.size(), at + kChunk); ++i) {
        if (i > at) array += ',';
        array += '"';
        for (char c : ids[i]) {
          if (c == '"' || c == '\\') array += '\\';
          array += c;
        }
        array += '"';
      }
      array += '}';
      std::unordered_map<std::string, Risk> risks;
      for (const auto& row : tx.exec_params(std::string(kRiskSelect) + " WHERE r.id = ANY($1::text[])", array)) {
        Risk r = read_risk(row);
        std::string id = r.id;
        risks.emplace(std::move(id), std::move(r));
      }
      for (const auto& row : tx.exec_params(std::string(kStateSelect) + " WHERE r.id = ANY($1::text[])", array)) {
        RiskState st = read_state(row);
        std::string id = st.id;  // (st is moved into the pair before emplace reads its key)
        if (auto it = risks.find(id); it != risks.end())
          out.emplace(std::move(id), std::pair(std::move(it->second), std::move(st)));
      }
    }
    return out;
  });
}

void PgStore::for_each_risk(const std::function<void(const RiskState&)>& visit) {
  const std::string sql = state_page_sql();
  for_each_state_page(
      [&](int64_t after) {
        return guarded(where_, conn_.get(), [&] {
          pqxx::read_transaction tx(*conn_);
          return tx.exec_params(sql, after);
        });
      },
      visit);
}

void PgStore::for_each_risk_as_of(const std::string& as_of, const std::function<void(const RiskState&)>& visit) {
  // The same columns as kStateSelect, with current/previous/owner taken from history as of $1,
  // and the status and review dates from the last change of each made by then (as SqliteStore
  // reads them; times compare byte by byte, COLLATE "C", as SQLite compares them).
  const char* sql = R"sql(
SELECT r.id, r.title,
       (SELECT o.owner FROM owner_changes o WHERE o.risk = r.key AND o.changed_at <= $1 ORDER BY o.id DESC LIMIT 1),
       r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason,
       (SELECT count(*) FROM priority_risks pr WHERE pr.risk = r.key),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key),
       r.key,
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'status'
                 AND ch.changed_at COLLATE "C" <= $1 ORDER BY ch.id DESC LIMIT 1), 'open'),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'next_review'
                 AND ch.changed_at COLLATE "C" <= $1 ORDER BY ch.id DESC LIMIT 1), ''),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'last_review'
                 AND ch.changed_at COLLATE "C" <= $1 ORDER BY ch.id DESC LIMIT 1), ''),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key
        AND a.status NOT IN ('done', 'dropped')),
       (SELECT coalesce(string_agg(a.due, ','), '') FROM priority_risks pr JOIN actions a ON a.priority = pr.priority
        WHERE pr.risk = r.key AND a.status NOT IN ('done', 'dropped') AND a.due <> ''),
       coalesce((SELECT ch.to_value FROM changes ch WHERE ch.risk = r.key AND ch.field = 'response'
                 AND ch.changed_at COLLATE "C" <= $1 ORDER BY ch.id DESC LIMIT 1), '')
FROM risks r
JOIN LATERAL (SELECT * FROM assessments a WHERE a.risk = r.key AND a.assessed_at <= $1
              ORDER BY a.id DESC LIMIT 1) c ON true
LEFT JOIN LATERAL (SELECT * FROM assessments a WHERE a.risk = r.key AND a.assessed_at <= $1
                   ORDER BY a.id DESC LIMIT 1 OFFSET 1) p ON true
WHERE r.key > $2 ORDER BY r.key LIMIT )sql";
  const std::string page_sql = std::string(sql) + std::to_string(kPage);
  for_each_state_page(
      [&](int64_t after) {
        return guarded(where_, conn_.get(), [&] {
          pqxx::read_transaction tx(*conn_);
          return tx.exec_params(page_sql, as_of, after);
        });
      },
      visit);
}

std::vector<AssessmentRow> PgStore::history(const std::string& risk_id) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<AssessmentRow> out;
    for (const auto& r : tx.exec_params(R"sql(SELECT a.id, a.likelihood, a.impact, a.assessed_by, a.assessed_at,
        a.reason FROM assessments a JOIN risks r ON r.key = a.risk WHERE r.id = $1 ORDER BY a.id)sql",
                                        risk_id))
      out.push_back(read_assessment(r, 0, risk_id));
    return out;
  });
}

std::vector<OwnerChange> PgStore::owner_history(const std::string& risk_id) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<OwnerChange> out;
    for (const auto& r : tx.exec_params(R"sql(SELECT o.id, o.owner, o.changed_by, o.changed_at, o.reason
        FROM owner_changes o JOIN risks r ON r.key = o.risk WHERE r.id = $1 ORDER BY o.id)sql",
                                        risk_id))
      out.push_back({r[0].as<int64_t>(), risk_id, str(r[1]), str(r[2]), str(r[3]), str(r[4])});
    return out;
  });
}

std::vector<AuditEntry> PgStore::audit_log() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<AuditEntry> out;
    for (const auto& r :
         tx.exec("SELECT seq, at, actor, action, entity, detail, prev_hash, hash FROM audit ORDER BY seq"))
      out.push_back({r[0].as<int64_t>(), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), str(r[7])});
    return out;
  });
}

std::string PgStore::audit_head(const std::optional<std::string>& as_of) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    // Times compare as text, byte by byte (COLLATE "C"), as SQLite compares them.
    auto r = as_of ? tx.exec_params(
                         R"sql(SELECT hash FROM audit WHERE at COLLATE "C" <= $1 ORDER BY seq DESC LIMIT 1)sql", *as_of)
                   : tx.exec("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1");
    return r.empty() ? std::string() : str(r[0][0]);
  });
}

AppendedAssessment PgStore::append_assessment(const NewAssessment& a) {
  return guarded(where_, conn_.get(), [&] {
    auto t0 = std::chrono::steady_clock::now();
    pqxx::work tx(*conn_);
    // The lost-update guard: the risk's row stays locked until commit, so `expect` is
    // checked against the score no other writer can change meanwhile. The lock is taken
    // first; the current score is read after it, so it is the one our write replaces.
    auto cur = tx.exec_params("SELECT key, title, current_assessment FROM risks WHERE id = $1 FOR UPDATE", a.risk_id);
    if (cur.empty()) throw Error(ErrorKind::NotFound, events::unknown_risk(a.risk_id));
    int64_t key = cur[0][0].as<int64_t>();
    std::optional<ScoreCodes> current;
    if (!cur[0][2].is_null()) {
      auto c = tx.exec_params("SELECT likelihood, impact FROM assessments WHERE id = $1", cur[0][2].as<int64_t>());
      if (!c.empty()) current = ScoreCodes{str(c[0][0]), str(c[0][1])};
    }
    AppendedAssessment row = events::score_row(a, current, str(cur[0][1]));
    // Then the chain head (the lock order of every write); after it, in one statement, the
    // last entry and the new assessment's id (drawn only once the guard has passed).
    tx.exec(kLockChainHead);
    auto next = tx.exec(R"sql(SELECT l.seq, l.hash, nextval(pg_get_serial_sequence('assessments', 'id'))
        FROM (SELECT 1) one LEFT JOIN (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) l ON true)sql")[0];
    std::optional<std::pair<int64_t, std::string>> last;
    if (!next[0].is_null()) last.emplace(next[0].as<int64_t>(), str(next[1]));
    row.id = next[2].as<int64_t>();
    AuditEntry e = next_entry(last, row.at, row.by, events::kScore, row.risk_id, events::score_detail(row, current));
    try {
      // The assessment, the risk's pointers to it and its audit entry in one statement.
      tx.exec_params(R"sql(WITH ins AS (INSERT INTO assessments (id, risk, likelihood, impact, assessed_by,
          assessed_at, reason) VALUES ($1,$2,$3,$4,$5,$6,$7)),
        upd AS (UPDATE risks SET previous_assessment = current_assessment, current_assessment = $1 WHERE key = $2)
        INSERT INTO audit VALUES ($8,$6,$5,$9,$10,$11,$12,$13))sql",
                     row.id, key, row.score.likelihood, row.score.impact, row.by, row.at, row.reason, e.seq, e.action,
                     e.entity, e.detail, e.prev_hash, e.hash);
    } catch (const pqxx::insufficient_privilege&) {
      throw Error(ErrorKind::Conflict, a.risk_id + ": refused by the database: user '" + conn_->username() +
                                           "' may not re-score this risk (risk owners may re-score only the "
                                           "risks they own; see docs/postgresql.md)");
    }
    row.audit_seq = e.seq;
    if (!a.lapse_from.empty()) row.lapsed = lapse(tx, a);
    tx.commit();
    spdlog::debug("postgresql: re-score transaction took {:.1f} ms",
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    events::log_committed(events::kScore, row.risk_id, row.audit_seq, where_);
    return row;
  });
}

std::vector<AssessmentRow> PgStore::append_assessments(const std::vector<NewAssessment>& all) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    int64_t next_seq = 0;
    auto out = append_bulk(tx, all, &next_seq);
    tx.commit();
    events::log_committed_scores(out.size(), next_seq - static_cast<int64_t>(out.size()), where_);
    return out;
  });
}

std::vector<AssessmentRow> PgStore::append_bulk(pqxx::dbtransaction& tx, const std::vector<NewAssessment>& all,
                                                int64_t* next_seq) {
  std::vector<AssessmentRow> out;
  if (all.empty()) return out;
  // The same checks, rows and audit entries as append_assessment per re-score, in a
  // fixed number of round trips: the risks' rows are locked in key order (then the chain
  // head: the lock order of every write), ids come from the sequence, and rows go in by
  // COPY, one table at a time (a connection runs one COPY at once). Assessments are staged
  // in a temporary table and inserted from it, because COPY cannot write into a table under
  // row-level security; the INSERT is checked by the owners' policy row by row.
  tx.exec(R"sql(CREATE TEMP TABLE riskreg_stage_ids (id TEXT) ON COMMIT DROP;
CREATE TEMP TABLE riskreg_stage_assessments (id BIGINT, risk BIGINT, likelihood TEXT, impact TEXT,
  assessed_by TEXT, assessed_at TEXT, reason TEXT) ON COMMIT DROP;
CREATE TEMP TABLE riskreg_stage_pointers (key BIGINT, cur BIGINT, prev BIGINT) ON COMMIT DROP)sql");
  {
    std::unordered_set<std::string_view> seen;
    CopyIn ids(tx, "riskreg_stage_ids", {"id"});
    for (const auto& a : all)
      if (seen.insert(a.risk_id).second) ids.row({a.risk_id});
    ids.complete();
  }
  struct Current {
    int64_t key = 0;
    std::optional<int64_t> id;        ///< its current assessment before this batch
    std::optional<ScoreCodes> score;  ///< and that assessment's score
    const ScoreCodes* now = nullptr;  ///< its score as the batch goes on
    int64_t last = -1, before = -1;   ///< the batch's last two re-scores of it (indexes in `all`)
  };
  std::unordered_map<std::string, Current> risks;
  for (const auto& r : tx.exec(R"sql(SELECT r.id, r.key, r.current_assessment, c.likelihood, c.impact
        FROM risks r JOIN riskreg_stage_ids s ON s.id = r.id
        LEFT JOIN assessments c ON c.id = r.current_assessment ORDER BY r.key FOR UPDATE OF r)sql")) {
    Current c;
    c.key = r[1].as<int64_t>();
    if (!r[2].is_null()) c.id = r[2].as<int64_t>();
    if (!r[3].is_null()) c.score = ScoreCodes{str(r[3]), str(r[4])};
    risks.emplace(str(r[0]), std::move(c));
  }
  // Check every re-score in order, as one by one would, before writing anything.
  std::vector<Current*> risk_of(all.size());
  std::vector<const ScoreCodes*> from(all.size());
  for (auto& [id, c] : risks) c.now = c.score ? &*c.score : nullptr;
  for (size_t i = 0; i < all.size(); ++i) {
    const NewAssessment& a = all[i];
    auto it = risks.find(a.risk_id);
    if (it == risks.end()) throw Error(ErrorKind::NotFound, events::unknown_risk(a.risk_id));
    Current& c = it->second;
    if (a.expect && (!c.now || !(*c.now == *a.expect)))
      throw Error(ErrorKind::Conflict, events::score_conflict(a.risk_id));
    risk_of[i] = &c;
    from[i] = c.now;
    c.now = &a.score;
    c.before = c.last;
    c.last = static_cast<int64_t>(i);
  }
  auto ids = pg_next_ids(tx, "assessments", "id", static_cast<int64_t>(all.size()));
  out.reserve(all.size());
  {
    CopyIn rows(tx, "riskreg_stage_assessments",
                {"id", "risk", "likelihood", "impact", "assessed_by", "assessed_at", "reason"});
    for (size_t i = 0; i < all.size(); ++i) {
      const NewAssessment& a = all[i];
      AssessmentRow row{ids[i], a.risk_id, a.score, a.by, format_timestamp(a.at), a.reason};
      rows.row({row.id, risk_of[i]->key, row.score.likelihood, row.score.impact, row.by, row.at, row.reason});
      out.push_back(std::move(row));
    }
    rows.complete();
  }
  {
    CopyIn pointers(tx, "riskreg_stage_pointers", {"key", "cur", "prev"});
    for (const auto& [id, c] : risks) {
      std::optional<int64_t> prev = c.before >= 0 ? std::optional(ids[static_cast<size_t>(c.before)]) : c.id;
      pointers.row({c.key, ids[static_cast<size_t>(c.last)], prev ? CopyField(*prev) : CopyField(nullptr)});
    }
    pointers.complete();
  }
  tx.exec(R"sql(INSERT INTO assessments (id, risk, likelihood, impact, assessed_by, assessed_at, reason)
      SELECT id, risk, likelihood, impact, assessed_by, assessed_at, reason FROM riskreg_stage_assessments ORDER BY id)sql");
  tx.exec(R"sql(UPDATE risks r SET previous_assessment = s.prev, current_assessment = s.cur
      FROM riskreg_stage_pointers s WHERE r.key = s.key)sql");
  AuditCopy audit(tx);
  for (size_t i = 0; i < out.size(); ++i) {
    const AssessmentRow& row = out[i];
    audit.add(row.at, row.by, events::kScore, row.risk_id,
              events::score_detail(row, from[i] ? std::optional(*from[i]) : std::nullopt));
  }
  audit.complete();
  if (next_seq) *next_seq = audit.next_seq();
  return out;
}

std::vector<AlertDelivery> PgStore::alert_deliveries(const std::string& period) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<AlertDelivery> out;
    for (const auto& r : tx.exec_params(R"sql(SELECT id, period, recipient, channel, status, attempts, detail,
        message_sha256, at FROM alert_deliveries WHERE period = $1 ORDER BY id)sql",
                                        period))
      out.push_back({r[0].as<int64_t>(), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5].as<int>(), str(r[6]),
                     str(r[7]), str(r[8])});
    return out;
  });
}

AlertDelivery PgStore::append_alert_delivery(const AlertDelivery& d, const std::string& by) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    AlertDelivery out = d;
    out.id =
        tx.exec_params(R"sql(INSERT INTO alert_deliveries (period, recipient, channel, status, attempts,
        detail, message_sha256, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id)sql",
                       d.period, d.recipient, d.channel, d.status, d.attempts, d.detail, d.message_sha256, d.at)[0][0]
            .as<int64_t>();
    int64_t seq = append_audit(tx, d.at, by, events::kAlert, d.period, events::alert_detail(out));
    tx.commit();
    events::log_committed(events::kAlert, d.period, seq, where_);
    return out;
  });
}

OwnerChange PgStore::assign_owner(const std::string& risk_id, const std::string& owner, const std::string& by,
                                  Timestamp at_ts, const std::string& reason) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    auto k = tx.exec_params("SELECT key FROM risks WHERE id = $1 FOR UPDATE", risk_id);
    if (k.empty()) throw Error(ErrorKind::NotFound, events::unknown_risk(risk_id));
    int64_t key = k[0][0].as<int64_t>();
    OwnerChange c{0, risk_id, owner, by, format_timestamp(at_ts), reason};
    c.id = tx.exec_params(R"sql(INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason)
        VALUES ($1,$2,$3,$4,$5) RETURNING id)sql",
                          key, owner, by, c.at, reason)[0][0]
               .as<int64_t>();
    tx.exec_params("UPDATE risks SET owner = $1 WHERE key = $2", owner, key);
    int64_t seq = append_audit(tx, c.at, by, events::kOwner, risk_id, events::owner_detail(c));
    tx.commit();
    events::log_committed(events::kOwner, risk_id, seq, where_);
    return c;
  });
}

std::vector<Feed> PgStore::read_feeds(pqxx::dbtransaction& tx, const std::string& where, const std::string& id) {
  std::vector<Feed> out;
  std::string sql = std::string(kFeedSelect) + where + " ORDER BY f.from_risk, f.to_risk";
  for (const auto& r : where.empty() ? tx.exec(sql) : tx.exec_params(sql, id)) out.push_back(read_feed(r));
  return out;
}

void PgStore::read_priorities(pqxx::dbtransaction& tx, const std::string& where, const std::string& arg,
                              std::vector<Priority>& out) {
  // Three more queries for all the priorities `where` selects, not three per priority: a
  // whole register's priorities are a handful of round trips.
  auto run = [&](const std::string& sql) { return where.empty() ? tx.exec(sql) : tx.exec_params(sql, arg); };
  std::unordered_map<std::string, size_t> at;
  size_t first = out.size();
  for (const auto& row : run(std::string(kPrioritySelect) + where + " ORDER BY pos")) {
    out.push_back(read_priority(row));
    at.emplace(out.back().id, out.size() - 1);
  }
  if (out.size() == first) return;
  const std::string chosen = where.empty() ? "" : " WHERE x.priority IN (SELECT p.id FROM priorities p " + where + ")";
  for (const auto& r : run("SELECT x.priority, r.id FROM priority_risks x JOIN risks r ON r.key = x.risk" + chosen +
                           " ORDER BY x.priority, x.pos"))
    out[at.at(str(r[0]))].risks.push_back(str(r[1]));
  for (const auto& r :
       run("SELECT x.priority, x.objective FROM priority_objectives x" + chosen + " ORDER BY x.priority, x.pos"))
    out[at.at(str(r[0]))].departmental_objectives.push_back(str(r[1]));
  for (const auto& r : run(std::string(kActionSelect) + chosen + " ORDER BY x.priority, x.pos")) {
    Action a = read_action(r);
    out[at.at(a.priority_id)].actions.push_back(std::move(a));
  }
}

void PgStore::for_each_feed(const std::function<void(const Feed&)>& visit) {
  auto res = guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    return tx.exec(std::string(kFeedSelect) + " ORDER BY f.from_risk, f.to_risk");
  });
  for (const auto& r : res) visit(read_feed(r));
}

void PgStore::scan_register(const std::function<void(size_t risks, unsigned workers)>& start,
                            const std::function<void(unsigned worker, size_t position, const RiskBrief&)>& risk,
                            const std::function<void(size_t from, size_t to)>& feed) {
  guarded(where_, conn_.get(), [&] {
    // One snapshot: the count, every page of risks and the feed links all read in one
    // repeatable-read transaction, so a write committed meanwhile is in none of them.
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(*conn_);
    std::unordered_map<std::string, size_t> position;
    start(static_cast<size_t>(tx.exec("SELECT count(*) FROM risks")[0][0].as<int64_t>()), 1);
    const std::string sql = state_page_sql();
    for_each_state_page([&](int64_t after) { return tx.exec_params(sql, after); },
                        [&](const RiskState& s) {
                          size_t at = position.size();
                          position.emplace(s.id, at);
                          risk(0, at, brief_of(s));
                        });
    for (const Feed& f : read_feeds(tx, "", "")) {
      auto from = position.find(f.from), to = position.find(f.to);
      if (from != position.end() && to != position.end()) feed(from->second, to->second);
    }
  });
}

RiskLinks PgStore::links(const std::string& risk_id) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    RiskLinks l;
    l.feeds_out = read_feeds(tx, "WHERE a.id = $1", risk_id);
    l.feeds_in = read_feeds(tx, "WHERE b.id = $1", risk_id);
    read_priorities(tx,
                    "WHERE p.id IN (SELECT pr.priority FROM priority_risks pr JOIN risks r ON r.key = pr.risk "
                    "WHERE r.id = $1)",
                    risk_id, l.priorities);
    return l;
  });
}

std::vector<std::optional<ScoreCodes>> PgStore::feeder_scores(const std::string& risk_id) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<std::optional<ScoreCodes>> out;
    for (const auto& r :
         tx.exec_params(R"sql(SELECT c.likelihood, c.impact FROM risks t JOIN feeds f ON f.to_risk = t.key
        JOIN risks r ON r.key = f.from_risk LEFT JOIN assessments c ON c.id = r.current_assessment
        WHERE t.id = $1 ORDER BY f.from_risk)sql",
                        risk_id))
      out.push_back(r[0].is_null() ? std::nullopt : std::optional(ScoreCodes{str(r[0]), str(r[1])}));
    return out;
  });
}

Neighbourhood PgStore::downstream(const std::string& risk_id, int depth) {
  return guarded(where_, conn_.get(), [&] {
    // One statement (its own snapshot, one round trip): the neighbourhood found by a recursive
    // query along the feed links (their primary key leads with from_risk), and everything a
    // cascade needs of it as JSON arrays of the same columns the row queries read.
    const std::string sql = std::string(R"sql(
WITH RECURSIVE reach(key, d) AS (
  SELECT key, 0 FROM risks WHERE id = $1
  UNION
  SELECT f.to_risk, r.d + 1 FROM reach r JOIN feeds f ON f.from_risk = r.key WHERE r.d < $2),
part AS (SELECT DISTINCT key FROM reach),
mitigating AS (SELECT DISTINCT pr.priority AS id FROM priority_risks pr WHERE pr.risk IN (SELECT key FROM part))
SELECT
  (SELECT json_agg(json_build_array()sql") +
                            kRiskColumns + ", r.status) ORDER BY r.key)" + kRiskFrom +
                            R"sql(WHERE r.key IN (SELECT key FROM part)),
  (SELECT json_agg(json_build_array()sql" +
                            kFeedColumns + ") ORDER BY f.from_risk, f.to_risk)" + kFeedFrom +
                            R"sql(WHERE f.from_risk IN (SELECT key FROM part) AND f.to_risk IN (SELECT key FROM part)),
  (SELECT json_agg(json_build_array()sql" +
                            kPriorityColumns + R"sql() ORDER BY p.pos) FROM priorities p
    WHERE p.id IN (SELECT id FROM mitigating)),
  (SELECT json_agg(json_build_array(x.priority, r.id) ORDER BY x.priority, x.pos) FROM priority_risks x
    JOIN risks r ON r.key = x.risk WHERE x.priority IN (SELECT id FROM mitigating)),
  (SELECT json_agg(json_build_array(x.priority, x.objective) ORDER BY x.priority, x.pos) FROM priority_objectives x
    WHERE x.priority IN (SELECT id FROM mitigating)),
  (SELECT json_agg(json_build_array()sql" +
                            kActionColumns + R"sql() ORDER BY x.priority, x.pos) FROM actions x
    WHERE x.priority IN (SELECT id FROM mitigating)))sql";
    pqxx::nontransaction tx(*conn_);
    auto row = tx.exec_params(sql, risk_id, depth)[0];
    auto rows = [&](int i) { return row[i].is_null() ? json::array() : json::parse(row[i].c_str()); };
    const json risks = rows(0);
    if (risks.empty()) throw Error(ErrorKind::NotFound, events::unknown_risk(risk_id));
    Neighbourhood n;
    for (const auto& r : risks) {
      n.part.risks.push_back(read_risk(JsonRow{r}));
      if (r.at(15) == "closed") n.closed.insert(n.part.risks.back().id);
    }
    for (const auto& f : rows(1)) n.part.feeds.push_back(read_feed(JsonRow{f}));
    std::unordered_map<std::string, size_t> at;
    for (const auto& p : rows(2)) {
      n.part.priorities.push_back(read_priority(JsonRow{p}));
      at.emplace(n.part.priorities.back().id, n.part.priorities.size() - 1);
    }
    for (const auto& x : rows(3))
      n.part.priorities[at.at(x.at(0).get<std::string>())].risks.push_back(x.at(1).get<std::string>());
    for (const auto& x : rows(4))
      n.part.priorities[at.at(x.at(0).get<std::string>())].departmental_objectives.push_back(
          x.at(1).get<std::string>());
    for (const auto& x : rows(5)) {
      Action a = read_action(JsonRow{x});
      n.part.priorities[at.at(a.priority_id)].actions.push_back(std::move(a));
    }
    return n;
  });
}

RegisterData PgStore::load() {
  return guarded(where_, conn_.get(), [&] {
    // One snapshot for the whole register.
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(*conn_);
    RegisterData d;
    d.info = read_info(tx);
    for (const auto& row : tx.exec(std::string(kRiskSelect) + " ORDER BY r.key")) d.risks.push_back(read_risk(row));
    d.feeds = read_feeds(tx, "", "");
    for (const auto& row : tx.exec("SELECT id, number, title, description, corporate_objective, community_theme, "
                                   "pis_as_written, pis, notes FROM objectives ORDER BY pos")) {
      Objective o;
      o.id = str(row[0]);
      if (!row[1].is_null()) o.number = row[1].as<int>();
      o.title = str(row[2]);
      o.description = str(row[3]);
      o.corporate_objective = str(row[4]);
      o.community_theme = str(row[5]);
      o.pis_as_written = str(row[6]);
      o.pis = from_json(row[7]);
      o.notes = from_json(row[8]);
      d.objectives.push_back(std::move(o));
    }
    for (const auto& row : tx.exec("SELECT kind, name, variants, notes FROM concepts ORDER BY pos"))
      d.concepts.push_back({str(row[0]), str(row[1]), from_json(row[2]), from_json(row[3])});
    read_priorities(tx, "", "", d.priorities);
    for (const auto& row :
         tx.exec("SELECT pos, objective, objective_basis, title, apa_areas, notes FROM outcomes ORDER BY pos")) {
      Outcome o;
      o.objective = str(row[1]);
      o.objective_basis = str(row[2]);
      o.title = str(row[3]);
      o.apa_areas = from_json(row[4]);
      o.notes = from_json(row[5]);
      for (const auto& s : tx.exec_params("SELECT id, text, progress, future_actions, notes FROM outcome_priorities "
                                          "WHERE outcome = $1 ORDER BY pos",
                                          row[0].as<int64_t>()))
        o.priorities.push_back({str(s[0]), str(s[1]), from_json(s[2]), from_json(s[3]), from_json(s[4])});
      d.outcomes.push_back(std::move(o));
    }
    return d;
  });
}

std::optional<Action> PgStore::action(const std::string& action_id) {
  return pg::guarded(where_, conn_.get(), [&]() -> std::optional<Action> {
    pqxx::read_transaction tx(*conn_);
    // The id as written first, through its index; only when none has it, any case (a scan).
    auto res = tx.exec_params(std::string(kActionSelect) + " WHERE x.id = $1", action_id);
    if (res.empty())
      res = tx.exec_params(std::string(kActionSelect) + " WHERE lower(x.id) = lower($1) ORDER BY x.id LIMIT 1",
                           action_id);
    if (res.empty()) return std::nullopt;
    return read_action(res[0]);
  });
}

}  // namespace riskreg
