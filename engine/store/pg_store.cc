#include "store/pg_store.h"

#include <tuple>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "audit/chain.h"
#include "core/error.h"
#include "store/pg_schema.h"

using nlohmann::json;

namespace riskreg {

namespace {

/// Rows fetched per round trip when streaming risks: bounded memory on a million-risk
/// register, and each page is its own short transaction, so `visit` may call the store.
constexpr int kPage = 5000;

std::string to_json(const std::vector<std::string>& v) { return json(v).dump(); }
std::vector<std::string> from_json(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return {};
  return json::parse(f.c_str()).get<std::vector<std::string>>();
}

std::string str(const pqxx::field& f) { return f.is_null() ? std::string() : std::string(f.c_str(), f.size()); }
std::optional<std::string> opt_str(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return str(f);
}

/// A nullable text parameter: libpqxx sends a null `const char*` as SQL NULL.
const char* opt(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

/// A nullable number parameter, kept alive by the caller's `buf`.
const char* opt_num(const std::optional<double>& v, std::string& buf) {
  if (!v) return nullptr;
  buf = pqxx::to_string(*v);
  return buf.c_str();
}
const char* opt_num(const std::optional<int>& v, std::string& buf) {
  if (!v) return nullptr;
  buf = std::to_string(*v);
  return buf.c_str();
}

/// Runs `f`, turning libpqxx's errors into typed ones.
template <typename F>
auto guarded(const std::string& where, pqxx::connection* conn, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const pqxx::broken_connection& e) {
    throw Error(ErrorKind::Internal, where + ": lost the connection to the PostgreSQL server (" +
                                         std::string(e.what()).substr(0, std::string(e.what()).find('\n')) + ")");
  } catch (const pqxx::sql_error& e) {
    // libpqxx 6.4 leaves sqlstate() empty for parameterised statements; its exception
    // classes carry the state instead.
    std::string msg = e.what();
    msg = msg.substr(0, msg.find('\n'));
    const std::string& state = e.sqlstate();
    if (dynamic_cast<const pqxx::serialization_failure*>(&e) || dynamic_cast<const pqxx::deadlock_detected*>(&e) ||
        state == "55P03")
      throw Error(ErrorKind::Busy, where + ": the register stayed locked by another writer; try again (" + msg + ")");
    if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) || state == "42501")
      throw Error(ErrorKind::Conflict, where + ": refused by the database for user '" +
                                           std::string(conn ? conn->username() : "?") + "': " + msg);
    if (dynamic_cast<const pqxx::undefined_table*>(&e) || dynamic_cast<const pqxx::undefined_column*>(&e))
      throw Error(ErrorKind::Schema, where + ": not a riskreg register, or damaged (" + msg + ")");
    throw Error(ErrorKind::Internal, where + ": " + msg);
  } catch (const pqxx::failure& e) {
    throw Error(ErrorKind::Internal, where + ": " + std::string(e.what()));
  }
}

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

// The same columns as SqliteStore's state query; column 19 is the risk's key (for paging).
const char* kStateSelect = R"sql(
SELECT r.id, r.title, r.owner, r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason,
       (SELECT count(*) FROM priority_risks pr WHERE pr.risk = r.key),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key),
       r.key
FROM risks r
LEFT JOIN assessments c ON c.id = r.current_assessment
LEFT JOIN assessments p ON p.id = r.previous_assessment
)sql";

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
  return s;
}

}  // namespace

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

PgStore::PgStore(const std::string& url, Mode mode) : url_(url), where_(redact_url(url)) {
  try {
    conn_ = std::make_unique<pqxx::connection>(url_);
  } catch (const pqxx::broken_connection& e) {
    std::string msg = e.what();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    for (auto& c : msg)
      if (c == '\n') c = ' ';
    throw Error(ErrorKind::Internal, "cannot connect to the PostgreSQL server at " + where_ + ": " + msg);
  } catch (const pqxx::failure& e) {
    throw Error(ErrorKind::Usage, "'" + where_ + "' is not a usable PostgreSQL connection string: " + e.what());
  }
  guarded(where_, conn_.get(), [&] {
    {
      pqxx::nontransaction nt(*conn_);
      nt.exec("SET client_min_messages TO warning");
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

void PgStore::append_audit(pqxx::dbtransaction& tx, const std::string& at, const std::string& actor,
                           const std::string& action, const std::string& entity, const std::string& detail) {
  // The chain head row serialises appends: whoever holds it reads the true last entry.
  tx.exec("SELECT id FROM audit_head WHERE id = 1 FOR UPDATE");
  AuditEntry e;
  e.prev_hash = kGenesisHash;
  e.seq = 1;
  auto last = tx.exec("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last.empty()) {
    e.seq = last[0][0].as<int64_t>() + 1;
    e.prev_hash = str(last[0][1]);
  }
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.entity = entity;
  e.detail = detail;
  e.hash = audit_hash(e.prev_hash, e);
  tx.exec_params("INSERT INTO audit VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", e.seq, e.at, e.actor, e.action, e.entity,
                 e.detail, e.prev_hash, e.hash);
}

void PgStore::create(const RegisterData& d, const std::vector<RulesFile>& rules, const std::string& by,
                     Timestamp at_ts, const std::string& reason) {
  guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    pg_migrate(tx, where_);
    auto n = tx.exec("SELECT (SELECT count(*) FROM risks) + (SELECT count(*) FROM audit)")[0][0].as<int64_t>();
    if (n != 0)
      throw Error(ErrorKind::Conflict,
                  where_ + " already holds a register; use --force to replace it (its history will be lost)");
    fill(tx, d, rules, by, format_timestamp(at_ts), reason);
    tx.commit();
  });
}

void PgStore::replace(const RegisterData& d, const std::vector<RulesFile>& rules, const std::string& by,
                      Timestamp at_ts, const std::string& reason) {
  guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    tx.exec("SELECT pg_advisory_xact_lock(7262737265670)");
    pg_drop_register(tx);
    pg_migrate(tx, where_);
    fill(tx, d, rules, by, format_timestamp(at_ts), reason);
    tx.commit();
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

  json rules_detail = json::object();
  for (const auto& f : rules) {
    tx.exec_params("INSERT INTO rules_files (name, content, sha256, loaded_at, loaded_by) VALUES ($1,$2,$3,$4,$5)",
                   f.name, f.content, f.sha256, at, by);
    rules_detail[f.name] = f.sha256;
  }

  // Keys and ids are assigned here, in data order, exactly as SQLite assigns them to a
  // fresh file; the identity sequences are moved past them at the end.
  std::unordered_map<std::string, int64_t> keys;
  std::vector<AssessmentRow> initial;
  {
    // COPY rather than one INSERT per row: a million-risk register is three round trips,
    // not three million. Keys are assigned here, in data order, as SQLite assigns them
    // to a fresh file; the identity sequences are moved past them at the end.
    pqxx::stream_to risks(tx, "risks",
                          std::vector<std::string>{"key", "id", "number", "title", "heading", "vulnerability",
                                                   "triggers", "consequences", "controls", "target_likelihood",
                                                   "target_impact", "spontaneous_probability", "notes", "owner",
                                                   "current_assessment"});
    int64_t key = 0, assessment = 0;
    std::string k, num, prob, triggers, consequences, controls, notes, cur;
    for (const auto& r : d.risks) {
      ++key;
      keys[r.id] = key;
      k = std::to_string(key);
      triggers = to_json(r.triggers);
      consequences = to_json(r.consequences);
      controls = to_json(r.controls);
      notes = to_json(r.notes);
      const char* current = nullptr;
      if (r.current) {
        cur = std::to_string(++assessment);
        current = cur.c_str();
        initial.push_back({assessment, r.id, *r.current, by, at, reason});
      }
      risks << std::make_tuple(k.c_str(), r.id.c_str(), opt_num(r.number, num), r.title.c_str(),
                                        r.heading.c_str(), r.vulnerability.c_str(), triggers.c_str(),
                                        consequences.c_str(), controls.c_str(),
                                        r.target ? r.target->likelihood.c_str() : nullptr,
                                        r.target ? r.target->impact.c_str() : nullptr,
                                        opt_num(r.spontaneous_probability, prob), notes.c_str(), opt(r.owner),
                                        current);
    }
    risks.complete();
  }
  {
    pqxx::stream_to out(tx, "assessments",
                        std::vector<std::string>{"id", "risk", "likelihood", "impact", "assessed_by", "assessed_at",
                                                 "reason"});
    std::string id, key;
    for (const auto& a : initial) {
      id = std::to_string(a.id);
      key = std::to_string(keys[a.risk_id]);
      out << std::make_tuple(id.c_str(), key.c_str(), a.score.likelihood.c_str(), a.score.impact.c_str(),
                                      by.c_str(), at.c_str(), reason.c_str());
    }
    out.complete();
  }
  {
    pqxx::stream_to out(tx, "owner_changes",
                        std::vector<std::string>{"id", "risk", "owner", "changed_by", "changed_at", "reason"});
    int64_t change = 0;
    std::string id, key;
    for (const auto& r : d.risks) {
      if (!r.owner) continue;
      id = std::to_string(++change);
      key = std::to_string(keys[r.id]);
      out << std::make_tuple(id.c_str(), key.c_str(), r.owner->c_str(), by.c_str(), at.c_str(),
                                      reason.c_str());
    }
    out.complete();
  }
  std::string b1;
  auto key_of = [&](const std::string& id) {
    auto it = keys.find(id);
    if (it == keys.end()) throw Error(ErrorKind::NotFound, "unknown risk '" + id + "'");
    return it->second;
  };
  for (const auto& f : d.feeds)
    tx.exec_params("INSERT INTO feeds VALUES ($1,$2,$3,$4,$5,$6)", key_of(f.from), key_of(f.to), f.basis, f.evidence,
                   opt_num(f.transition_probability, b1), f.direction_note);
  int pos = 0;
  for (const auto& o : d.objectives)
    tx.exec_params("INSERT INTO objectives VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)", o.id, pos++,
                   opt_num(o.number, b1), o.title, o.description, o.corporate_objective, o.community_theme,
                   o.pis_as_written, to_json(o.pis), to_json(o.notes));
  pos = 0;
  for (const auto& c : d.concepts)
    tx.exec_params("INSERT INTO concepts VALUES ($1,$2,$3,$4,$5)", c.kind, c.name, pos++, to_json(c.variants),
                   to_json(c.notes));
  pos = 0;
  for (const auto& p : d.priorities) {
    tx.exec_params(
        "INSERT INTO priorities VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)", p.id,
        pos++, p.number, p.parent.empty() ? nullptr : p.parent.c_str(), p.title, p.heading, to_json(p.subtitles),
        p.change_driver, p.risks_as_written, p.service_plan_objective, p.departmental_objectives_as_written,
        p.corporate_objective, p.community_theme, p.service_improvement, p.expected_outcome, p.efficiency_gains,
        p.corporate_implications, p.additional_information, to_json(p.notes));
    int k = 0;
    for (const auto& r : p.risks) tx.exec_params("INSERT INTO priority_risks VALUES ($1,$2,$3)", p.id, key_of(r), k++);
    k = 0;
    for (const auto& o : p.departmental_objectives)
      tx.exec_params("INSERT INTO priority_objectives VALUES ($1,$2,$3)", p.id, o, k++);
    k = 0;
    for (const auto& a : p.actions)
      tx.exec_params("INSERT INTO actions VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)", a.id, p.id, k++, a.text,
                     a.lead_officers_as_written, to_json(a.lead_officers), to_json(a.milestones), a.completion,
                     a.resources, a.pis_as_written, to_json(a.pis), a.targets, to_json(a.notes));
  }
  pos = 0;
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
  append_audit(tx, at, by, "create", "register",
               json{{"name", d.info.name},
                    {"rules", rules_detail},
                    {"reason", reason},
                    {"risks", d.risks.size()},
                    {"feeds", d.feeds.size()},
                    {"priorities", d.priorities.size()},
                    {"outcomes", d.outcomes.size()},
                    {"assessments",
                     {{"count", initial.size()},
                      {"last", initial.empty() ? 0 : initial.back().id},
                      {"sha256", assessments_digest(initial)}}}}
                   .dump());
}

RegisterInfo PgStore::read_info(pqxx::dbtransaction& tx) {
  RegisterInfo i;
  for (const auto& row : tx.exec("SELECT key, value FROM meta")) {
    std::string k = str(row[0]), v = str(row[1]);
    if (k == "name") i.name = v;
    else if (k == "body") i.body = v;
    else if (k == "period") i.period = v;
    else if (k == "sources") i.sources = from_json(row[1]);
    else if (k == "notes") i.notes = from_json(row[1]);
    else if (k == "risk_manager") i.risk_manager = v;
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
    pqxx::read_transaction tx(*conn_);
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
        (SELECT count(*) FROM objectives), (SELECT count(*) FROM outcome_priorities), (SELECT count(*) FROM audit))sql")[0];
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

std::vector<std::string> PgStore::risk_ids() {
  return guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    std::vector<std::string> out;
    for (const auto& r : tx.exec("SELECT id FROM risks ORDER BY key")) out.push_back(str(r[0]));
    return out;
  });
}

std::optional<Risk> PgStore::risk(const std::string& id) {
  return guarded(where_, conn_.get(), [&]() -> std::optional<Risk> {
    pqxx::read_transaction tx(*conn_);
    auto res = tx.exec_params(R"sql(SELECT id, number, title, heading, vulnerability, triggers, consequences,
        controls, spontaneous_probability, notes, owner FROM risks WHERE id = $1)sql",
                              id);
    if (res.empty()) return std::nullopt;
    const auto& row = res[0];
    Risk r;
    r.id = str(row[0]);
    if (!row[1].is_null()) r.number = row[1].as<int>();
    r.title = str(row[2]);
    r.heading = str(row[3]);
    r.vulnerability = str(row[4]);
    r.triggers = from_json(row[5]);
    r.consequences = from_json(row[6]);
    r.controls = from_json(row[7]);
    if (!row[8].is_null()) r.spontaneous_probability = row[8].as<double>();
    r.notes = from_json(row[9]);
    r.owner = opt_str(row[10]);
    return r;
  });
}

std::optional<RiskState> PgStore::risk_state(const std::string& id) {
  return guarded(where_, conn_.get(), [&]() -> std::optional<RiskState> {
    pqxx::read_transaction tx(*conn_);
    auto res = tx.exec_params(std::string(kStateSelect) + " WHERE r.id = $1", id);
    if (res.empty()) return std::nullopt;
    return read_state(res[0]);
  });
}

void PgStore::for_each_risk(const std::function<void(const RiskState&)>& visit) {
  int64_t after = 0;
  for (;;) {
    auto page = guarded(where_, conn_.get(), [&] {
      pqxx::read_transaction tx(*conn_);
      return tx.exec_params(std::string(kStateSelect) + " WHERE r.key > $1 ORDER BY r.key LIMIT " +
                                std::to_string(kPage),
                            after);
    });
    for (const auto& row : page) visit(read_state(row));
    if (page.size() < static_cast<size_t>(kPage)) return;
    after = page[page.size() - 1][19].as<int64_t>();
  }
}

void PgStore::for_each_risk_as_of(const std::string& as_of, const std::function<void(const RiskState&)>& visit) {
  // The same columns as kStateSelect, with current/previous/owner taken from history as of $1.
  const char* sql = R"sql(
SELECT r.id, r.title,
       (SELECT o.owner FROM owner_changes o WHERE o.risk = r.key AND o.changed_at <= $1 ORDER BY o.id DESC LIMIT 1),
       r.target_likelihood, r.target_impact,
       c.id, c.likelihood, c.impact, c.assessed_by, c.assessed_at, c.reason,
       p.id, p.likelihood, p.impact, p.assessed_by, p.assessed_at, p.reason,
       (SELECT count(*) FROM priority_risks pr WHERE pr.risk = r.key),
       (SELECT count(*) FROM priority_risks pr JOIN actions a ON a.priority = pr.priority WHERE pr.risk = r.key),
       r.key
FROM risks r
JOIN LATERAL (SELECT * FROM assessments a WHERE a.risk = r.key AND a.assessed_at <= $1
              ORDER BY a.id DESC LIMIT 1) c ON true
LEFT JOIN LATERAL (SELECT * FROM assessments a WHERE a.risk = r.key AND a.assessed_at <= $1
                   ORDER BY a.id DESC LIMIT 1 OFFSET 1) p ON true
WHERE r.key > $2 ORDER BY r.key LIMIT )sql";
  int64_t after = 0;
  for (;;) {
    auto page = guarded(where_, conn_.get(), [&] {
      pqxx::read_transaction tx(*conn_);
      return tx.exec_params(std::string(sql) + std::to_string(kPage), as_of, after);
    });
    for (const auto& row : page) visit(read_state(row));
    if (page.size() < static_cast<size_t>(kPage)) return;
    after = page[page.size() - 1][19].as<int64_t>();
  }
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
      out.push_back({r[0].as<int64_t>(), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]),
                     str(r[7])});
    return out;
  });
}

std::pair<AssessmentRow, std::string> PgStore::append_one(pqxx::dbtransaction& tx, const NewAssessment& a) {
  // The lost-update guard: the risk's row stays locked until commit, so `expect` is
  // checked against the score no other writer can change meanwhile.
  auto cur = tx.exec_params("SELECT key, current_assessment FROM risks WHERE id = $1 FOR UPDATE", a.risk_id);
  if (cur.empty()) throw Error(ErrorKind::NotFound, "unknown risk '" + a.risk_id + "'");
  int64_t key = cur[0][0].as<int64_t>();
  std::optional<ScoreCodes> current;
  if (!cur[0][1].is_null()) {
    auto c = tx.exec_params("SELECT likelihood, impact FROM assessments WHERE id = $1", cur[0][1].as<int64_t>());
    if (!c.empty()) current = ScoreCodes{str(c[0][0]), str(c[0][1])};
  }
  if (a.expect && (!current || !(*current == *a.expect)))
    throw Error(ErrorKind::Conflict, a.risk_id + ": the score is no longer the expected one (someone re-scored it); "
                                         "check it with 'riskreg show " + a.risk_id + "' and try again");
  AssessmentRow row;
  row.risk_id = a.risk_id;
  row.score = a.score;
  row.by = a.by;
  row.at = format_timestamp(a.at);
  row.reason = a.reason;
  try {
    row.id = tx.exec_params(R"sql(INSERT INTO assessments (risk, likelihood, impact, assessed_by, assessed_at,
        reason) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id)sql",
                            key, row.score.likelihood, row.score.impact, row.by, row.at, row.reason)[0][0]
                 .as<int64_t>();
  } catch (const pqxx::insufficient_privilege&) {
    throw Error(ErrorKind::Conflict, a.risk_id + ": refused by the database: user '" + conn_->username() +
                                         "' may not re-score this risk (risk owners may re-score only the "
                                         "risks they own; see docs/postgresql.md)");
  }
  tx.exec_params("UPDATE risks SET previous_assessment = current_assessment, current_assessment = $1 WHERE key = $2",
                 row.id, key);
  json detail = {{"assessment", row.id},
                 {"likelihood", row.score.likelihood},
                 {"impact", row.score.impact},
                 {"reason", row.reason}};
  if (current) detail["from"] = {{"likelihood", current->likelihood}, {"impact", current->impact}};
  return {row, detail.dump()};
}

AssessmentRow PgStore::append_assessment(const NewAssessment& a) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    auto [row, detail] = append_one(tx, a);
    append_audit(tx, row.at, row.by, "score", row.risk_id, detail);
    tx.commit();
    return row;
  });
}

std::vector<AssessmentRow> PgStore::append_assessments(const std::vector<NewAssessment>& all) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    // Every risk row first, then the chain head: the same lock order as append_assessment.
    std::vector<std::pair<AssessmentRow, std::string>> done;
    done.reserve(all.size());
    for (const auto& a : all) done.push_back(append_one(tx, a));
    std::vector<AssessmentRow> out;
    out.reserve(done.size());
    for (auto& [row, detail] : done) {
      append_audit(tx, row.at, row.by, "score", row.risk_id, detail);
      out.push_back(std::move(row));
    }
    tx.commit();
    return out;
  });
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
    out.id = tx.exec_params(R"sql(INSERT INTO alert_deliveries (period, recipient, channel, status, attempts,
        detail, message_sha256, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id)sql",
                            d.period, d.recipient, d.channel, d.status, d.attempts, d.detail, d.message_sha256,
                            d.at)[0][0]
                 .as<int64_t>();
    append_audit(tx, d.at, by, "alert", d.period,
                 json{{"delivery", out.id}, {"recipient", d.recipient}, {"channel", d.channel}, {"status", d.status},
                      {"attempts", d.attempts}, {"message_sha256", d.message_sha256}}
                     .dump());
    tx.commit();
    return out;
  });
}

OwnerChange PgStore::assign_owner(const std::string& risk_id, const std::string& owner, const std::string& by,
                                  Timestamp at_ts, const std::string& reason) {
  return guarded(where_, conn_.get(), [&] {
    pqxx::work tx(*conn_);
    auto k = tx.exec_params("SELECT key FROM risks WHERE id = $1 FOR UPDATE", risk_id);
    if (k.empty()) throw Error(ErrorKind::NotFound, "unknown risk '" + risk_id + "'");
    int64_t key = k[0][0].as<int64_t>();
    OwnerChange c{0, risk_id, owner, by, format_timestamp(at_ts), reason};
    c.id = tx.exec_params(R"sql(INSERT INTO owner_changes (risk, owner, changed_by, changed_at, reason)
        VALUES ($1,$2,$3,$4,$5) RETURNING id)sql",
                          key, owner, by, c.at, reason)[0][0]
               .as<int64_t>();
    tx.exec_params("UPDATE risks SET owner = $1 WHERE key = $2", owner, key);
    append_audit(tx, c.at, by, "owner", risk_id, json{{"owner", owner}, {"reason", reason}, {"change", c.id}}.dump());
    tx.commit();
    return c;
  });
}

std::vector<Feed> PgStore::read_feeds(pqxx::dbtransaction& tx, const std::string& where, const std::string& id) {
  std::vector<Feed> out;
  std::string sql = R"sql(SELECT a.id, b.id, f.basis, f.evidence, f.transition_probability,
      f.direction_note FROM feeds f JOIN risks a ON a.key = f.from_risk JOIN risks b ON b.key = f.to_risk )sql" +
                    where + " ORDER BY f.from_risk, f.to_risk";
  auto res = where.empty() ? tx.exec(sql) : tx.exec_params(sql, id);
  for (const auto& r : res) {
    Feed f;
    f.from = str(r[0]);
    f.to = str(r[1]);
    f.basis = str(r[2]);
    f.evidence = str(r[3]);
    if (!r[4].is_null()) f.transition_probability = r[4].as<double>();
    f.direction_note = str(r[5]);
    out.push_back(std::move(f));
  }
  return out;
}

void PgStore::read_priorities(pqxx::dbtransaction& tx, const std::string& where, const std::string& arg,
                              std::vector<Priority>& out) {
  std::string sql = R"sql(SELECT id, number, coalesce(parent, ''), title, heading, subtitles,
      change_driver, risks_as_written, service_plan_objective, departmental_objectives_as_written,
      corporate_objective, community_theme, service_improvement, expected_outcome, efficiency_gains,
      corporate_implications, additional_information, notes FROM priorities p )sql" +
                    where + " ORDER BY pos";
  auto res = where.empty() ? tx.exec(sql) : tx.exec_params(sql, arg);
  for (const auto& row : res) {
    Priority p;
    int i = 0;
    p.id = str(row[i++]);
    p.number = str(row[i++]);
    p.parent = str(row[i++]);
    p.title = str(row[i++]);
    p.heading = str(row[i++]);
    p.subtitles = from_json(row[i++]);
    for (std::string* v : {&p.change_driver, &p.risks_as_written, &p.service_plan_objective,
                           &p.departmental_objectives_as_written, &p.corporate_objective, &p.community_theme,
                           &p.service_improvement, &p.expected_outcome, &p.efficiency_gains,
                           &p.corporate_implications, &p.additional_information})
      *v = str(row[i++]);
    p.notes = from_json(row[i++]);
    for (const auto& r : tx.exec_params("SELECT r.id FROM priority_risks p JOIN risks r ON r.key = p.risk "
                                        "WHERE p.priority = $1 ORDER BY p.pos",
                                        p.id))
      p.risks.push_back(str(r[0]));
    for (const auto& r :
         tx.exec_params("SELECT objective FROM priority_objectives WHERE priority = $1 ORDER BY pos", p.id))
      p.departmental_objectives.push_back(str(r[0]));
    for (const auto& r : tx.exec_params(R"sql(SELECT id, text, lead_officers_as_written, lead_officers, milestones,
        completion, resources, pis_as_written, pis, targets, notes FROM actions WHERE priority = $1 ORDER BY pos)sql",
                                        p.id)) {
      Action a;
      int j = 0;
      a.id = str(r[j++]);
      a.priority_id = p.id;
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
      p.actions.push_back(std::move(a));
    }
    out.push_back(std::move(p));
  }
}

void PgStore::for_each_feed(const std::function<void(const Feed&)>& visit) {
  auto res = guarded(where_, conn_.get(), [&] {
    pqxx::read_transaction tx(*conn_);
    return tx.exec(R"sql(SELECT a.id, b.id, f.basis, f.transition_probability FROM feeds f
        JOIN risks a ON a.key = f.from_risk JOIN risks b ON b.key = f.to_risk ORDER BY f.from_risk, f.to_risk)sql");
  });
  Feed f;
  for (const auto& r : res) {
    f.from = str(r[0]);
    f.to = str(r[1]);
    f.basis = str(r[2]);
    f.transition_probability = r[3].is_null() ? std::nullopt : std::optional<double>(r[3].as<double>());
    visit(f);
  }
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

RegisterData PgStore::load() {
  return guarded(where_, conn_.get(), [&] {
    // One snapshot for the whole register.
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(*conn_);
    RegisterData d;
    d.info = read_info(tx);
    for (const auto& row : tx.exec(R"sql(SELECT r.id, r.number, r.title, r.heading, r.vulnerability, r.triggers,
          r.consequences, r.controls, r.spontaneous_probability, r.notes, r.owner, r.target_likelihood,
          r.target_impact, c.likelihood, c.impact FROM risks r
          LEFT JOIN assessments c ON c.id = r.current_assessment ORDER BY r.key)sql")) {
      Risk r;
      r.id = str(row[0]);
      if (!row[1].is_null()) r.number = row[1].as<int>();
      r.title = str(row[2]);
      r.heading = str(row[3]);
      r.vulnerability = str(row[4]);
      r.triggers = from_json(row[5]);
      r.consequences = from_json(row[6]);
      r.controls = from_json(row[7]);
      if (!row[8].is_null()) r.spontaneous_probability = row[8].as<double>();
      r.notes = from_json(row[9]);
      r.owner = opt_str(row[10]);
      if (!row[11].is_null()) r.target = ScoreCodes{str(row[11]), str(row[12])};
      if (!row[13].is_null()) r.current = ScoreCodes{str(row[13]), str(row[14])};
      d.risks.push_back(std::move(r));
    }
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

}  // namespace riskreg
