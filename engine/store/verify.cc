#include "store/verify.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "audit/events.h"
#include "store/changes.h"

namespace riskreg {

namespace {

using nlohmann::json;

std::string q(const std::string& s) { return "'" + s + "'"; }

std::string row_name(const AssessmentRow& r) { return "assessment " + std::to_string(r.id) + " (" + r.risk_id + ")"; }

/// The first field where `row` and what `entry` recorded of it differ, as
/// "likelihood is 'A', audit entry 5 recorded 'B'"; "" when they agree.
std::string first_difference(const AssessmentRow& row, const AuditEntry& e, const json& d) {
  auto text = [&](const char* k) { return d.contains(k) && d[k].is_string() ? d[k].get<std::string>() : ""; };
  const std::pair<const char*, std::pair<std::string, std::string>> fields[] = {
      {"risk", {row.risk_id, e.entity}},
      {"likelihood", {row.score.likelihood, text("likelihood")}},
      {"impact", {row.score.impact, text("impact")}},
      {"reason", {row.reason, text("reason")}},
      {"by", {row.by, e.actor}},
      {"at", {row.at, e.at}},
  };
  for (const auto& [name, v] : fields)
    if (v.first != v.second)
      return std::string(name) + " is " + q(v.first) + ", audit entry " + std::to_string(e.seq) + " recorded " +
             q(v.second);
  return "";
}

/// The first field where a change row and what its audit entry recorded of it differ, as
/// "to is 'X', audit entry 5 recorded 'Y'"; "" when they agree. `subject` names the row's
/// subject ("risk", "action").
std::string change_difference(const ChangeRow& row, const AuditEntry& e, const events::RecordedChange& c,
                              const char* subject) {
  const std::pair<const char*, std::pair<std::string, std::string>> fields[] = {
      {"kind", {row.kind, e.action}},  {subject, {row.subject, e.entity}},
      {"field", {row.field, c.field}}, {"from", {row.from, c.from}},
      {"to", {row.to, c.to}},          {"reason", {row.reason, c.reason}},
      {"by", {row.by, e.actor}},       {"at", {row.at, e.at}},
  };
  for (const auto& [field, v] : fields)
    if (v.first != v.second)
      return std::string(field) + " is " + q(v.first) + ", audit entry " + std::to_string(e.seq) + " recorded " +
             q(v.second);
  return "";
}

/// Every stored version of every rules file (each row of `rules_files`) against the audit
/// entry that stored it: a "rules" entry (`rules apply`) names its rows by number with their
/// SHA-256; the "create" entry names the first version's files by name, and its rows are the
/// first of each name that no "rules" entry claims. Each row's content must hash to what its
/// entry recorded, its sha256 column agree, and its loader and time be the entry's actor and
/// time (`--as-of` reads the rules by that time); a row no entry claims was inserted, an
/// entry's row that is gone was deleted. Editing a stored file (the matrix's appetite line,
/// say) changes what every command scores with; the sha256 column is no witness, since it
/// sits beside the content.
void check_rules(Store& store, const std::vector<AuditEntry>& log, std::vector<AuditProblem>& problems) {
  auto problem = [&](const AuditEntry* entry, std::string message) {
    problems.push_back({entry ? std::optional(entry->seq) : std::nullopt, std::nullopt, std::move(message)});
  };
  auto entry_name = [](const AuditEntry& e) { return "entry " + std::to_string(e.seq); };
  struct Claim {
    const AuditEntry* entry;
    std::string name, sha256;
    int64_t version;
  };
  std::map<int64_t, Claim> claimed;  // rows of `rules_files` by number, as "rules" entries recorded them
  const AuditEntry* create = nullptr;
  std::map<std::string, std::string> first;             // the "create" entry's files: name -> SHA-256
  std::map<std::string, const AuditEntry*> last_entry;  // the last entry that recorded each name
  bool any = false;
  for (const auto& e : log) {
    auto r = events::rules_of(e);
    if (!r) continue;
    any = true;
    for (const auto& [name, sha] : r->sha256) last_entry[name] = &e;
    if (e.action == events::kCreate) {
      if (!create) create = &e, first = r->sha256;
      continue;
    }
    for (const auto& [name, sha] : r->sha256) {
      auto row = r->rows.find(name);
      if (row == r->rows.end()) {
        problem(&e, entry_name(e) + " was edited: it records the rules file " + q(name) + " without its row");
        continue;
      }
      if (!claimed.emplace(row->second, Claim{&e, name, sha, r->version}).second)
        problem(&e, entry_name(e) + " records the rules file row " + std::to_string(row->second) +
                        " a second time (inserted)");
    }
  }
  if (!any) return;  // a log whose entries recorded no rules: nothing to hold them to

  const auto rows = store.rules_rows();
  std::map<std::string, int64_t> in_force;  // the latest row of each name
  for (const auto& f : rows) in_force[f.name] = f.seq;
  auto file = [&](const StoredRulesFile& f, int64_t version) {
    return "the rules file " + q(f.name) +
           (in_force[f.name] == f.seq ? std::string(" in force") : " of rules version " + std::to_string(version));
  };
  // One row against what `e` recorded of it (version `version`, SHA-256 `recorded`).
  auto hold = [&](const StoredRulesFile& f, const AuditEntry& e, const std::string& recorded, int64_t version) {
    const std::string actual = sha256_hex(f.content);
    if (actual != recorded)
      problem(&e, file(f, version) + " was edited: its content's SHA-256 is " + actual + ", " + entry_name(e) +
                      " recorded " + recorded);
    else if (f.sha256 != actual)
      problem(&e, "the rules file " + q(f.name) + " was edited: its stored sha256 is " + f.sha256 +
                      ", but its content (as " + entry_name(e) + " recorded it) hashes to " + actual);
    else if (f.loaded_by != e.actor)
      problem(&e, file(f, version) + " was edited: loaded_by is " + q(f.loaded_by) + ", " + entry_name(e) +
                      " recorded " + q(e.actor));
    else if (f.loaded_at != e.at)
      problem(&e, file(f, version) + " was edited: loaded_at is " + q(f.loaded_at) + ", " + entry_name(e) +
                      " recorded " + q(e.at));
  };

  std::set<int64_t> seen;
  std::set<std::string> first_found;
  for (const auto& f : rows) {
    if (auto c = claimed.find(f.seq); c != claimed.end()) {
      seen.insert(f.seq);
      const Claim& claim = c->second;
      if (claim.name != f.name)
        problem(claim.entry, "the rules file row " + std::to_string(f.seq) + " was edited: its name is " + q(f.name) +
                                 ", " + entry_name(*claim.entry) + " recorded " + q(claim.name));
      else
        hold(f, *claim.entry, claim.sha256, claim.version);
      continue;
    }
    if (create && first.count(f.name) && first_found.insert(f.name).second) {
      hold(f, *create, first[f.name], 1);
      continue;
    }
    auto last = last_entry.find(f.name);
    if (last == last_entry.end())
      problem(nullptr, "the rules file " + q(f.name) +
                           (in_force[f.name] == f.seq ? std::string(" is in force but")
                                                      : " (row " + std::to_string(f.seq) + ") is in the register but") +
                           " no audit entry recorded it (inserted outside riskreg)");
    else
      problem(last->second, "the rules file " + q(f.name) + (in_force[f.name] == f.seq ? " in force" : "") + " (row " +
                                std::to_string(f.seq) + ", loaded by " + q(f.loaded_by) +
                                ") has no audit entry (inserted outside riskreg); " + entry_name(*last->second) +
                                " recorded its last version");
  }
  for (const auto& [name, sha] : first)
    if (!first_found.count(name))
      problem(create, "the rules file " + q(name) + " recorded by " + entry_name(*create) +
                          " is missing from the register (deleted)");
  for (const auto& [seq, claim] : claimed)
    if (!seen.count(seq))
      problem(claim.entry, "the rules file " + q(claim.name) + " of rules version " + std::to_string(claim.version) +
                               " (row " + std::to_string(seq) + ") recorded by " + entry_name(*claim.entry) +
                               " is missing from the register (deleted)");
}

/// The lifecycle's changes (store/changes.h): each row against its own entry, each entry
/// against its row, and each risk's stored fields against the last change of each (a field
/// edited in the risks table, or a risk closed there, differs from what the history says).
void check_changes(Store& store, const std::vector<AuditEntry>& log, std::vector<AuditProblem>& problems) {
  auto problem = [&](std::optional<int64_t> entry, std::string message) {
    problems.push_back({entry, std::nullopt, std::move(message)});
  };
  struct Recorded {
    const AuditEntry* entry;
    events::RecordedChange change;
  };
  std::map<int64_t, Recorded> recorded;
  for (const auto& e : log) {
    if (!events::is_change_entry(e.action, e.entity)) continue;
    auto c = events::change_of(e.detail);
    if (!c) {
      problem(e.seq, "entry " + std::to_string(e.seq) + " was edited: it names no change");
      continue;
    }
    if (!recorded.emplace(c->change, Recorded{&e, *c}).second)
      problem(e.seq, "entry " + std::to_string(e.seq) + " records change " + std::to_string(c->change) +
                         " a second time (inserted)");
  }
  std::set<int64_t> matched;
  // The fields each risk should hold, by the changes in order.
  std::map<std::string, std::map<std::string, std::string>> expected;
  store.for_each_change([&](const ChangeRow& row) {
    const std::string name = "change " + std::to_string(row.id) + " (" + row.subject + " " + row.field + ")";
    auto it = recorded.find(row.id);
    if (it == recorded.end()) {
      problem(std::nullopt, name + " has no audit entry (inserted outside riskreg, or its entry was deleted)");
    } else {
      matched.insert(row.id);
      const AuditEntry& e = *it->second.entry;
      const auto& c = it->second.change;
      if (auto d = change_difference(row, e, c, "risk"); !d.empty()) problem(e.seq, name + " was edited: " + d);
    }
    auto& want = expected[row.subject];
    if (row.field == "risk") {
      if (auto start = changes::fields_of_add(row.to))
        for (auto& [f, v] : *start) want[f] = v;
    } else if (row.field != "note") {
      want[row.field] = row.to;
    }
  });
  for (const auto& [id, rec] : recorded)
    if (!matched.count(id))
      problem(rec.entry->seq, "entry " + std::to_string(rec.entry->seq) + " records change " + std::to_string(id) +
                                  " (" + rec.entry->entity + "), which is missing from the history (deleted)");
  for (const auto& [risk_id, want] : expected) {
    auto r = store.risk(risk_id);
    auto s = store.risk_state(risk_id);
    if (!r || !s) continue;  // (its changes name it: a deleted risk fails their join, above)
    auto have = changes::fields_of(*r, *s);
    std::optional<RiskLinks> links;
    for (const auto& [field, value] : want)
      if (changes::is_link_field(field)) {
        if (!links) links = store.links(risk_id);
        have[field] = changes::link_value(*links, field);
      }
    for (const auto& [field, value] : want) {
      auto it = have.find(field);
      if (it != have.end() && it->second != value) {
        problem(std::nullopt, risk_id + ": its " + field + " is " + q(it->second) +
                                  ", not what its last change recorded, " + q(value) + " (the risks table was edited)");
        break;
      }
    }
  }
}

/// Each action change against its audit entry, and each action's status and due date against
/// its last change (as check_changes does for the risks').
void check_action_changes(Store& store, const std::vector<AuditEntry>& log, std::vector<AuditProblem>& problems) {
  auto problem = [&](std::optional<int64_t> entry, std::string message) {
    problems.push_back({entry, std::nullopt, std::move(message)});
  };
  std::map<int64_t, std::pair<const AuditEntry*, events::RecordedChange>> recorded;
  for (const auto& e : log) {
    if (e.action != events::kAction) continue;
    auto c = events::change_of(e.detail);
    if (!c) {
      problem(e.seq, "entry " + std::to_string(e.seq) + " was edited: it names no action change");
      continue;
    }
    if (!recorded.emplace(c->change, std::pair{&e, *c}).second)
      problem(e.seq, "entry " + std::to_string(e.seq) + " records action change " + std::to_string(c->change) +
                         " a second time (inserted)");
  }
  std::set<int64_t> matched;
  std::map<std::string, std::map<std::string, std::string>> expected;
  for (const auto& row : store.action_changes("")) {
    const std::string name = "action change " + std::to_string(row.id) + " (" + row.subject + " " + row.field + ")";
    auto it = recorded.find(row.id);
    if (it == recorded.end()) {
      problem(std::nullopt, name + " has no audit entry (inserted outside riskreg, or its entry was deleted)");
    } else {
      matched.insert(row.id);
      const AuditEntry& e = *it->second.first;
      const auto& c = it->second.second;
      if (auto d = change_difference(row, e, c, "action"); !d.empty()) problem(e.seq, name + " was edited: " + d);
    }
    expected[row.subject][row.field] = row.to;
  }
  for (const auto& [id, rec] : recorded)
    if (!matched.count(id))
      problem(rec.first->seq, "entry " + std::to_string(rec.first->seq) + " records action change " +
                                  std::to_string(id) + " (" + rec.first->entity +
                                  "), which is missing from the history (deleted)");
  for (const auto& [action_id, want] : expected) {
    auto a = store.action(action_id);
    if (!a) continue;  // (a deleted action fails its changes' foreign key)
    for (const auto& [field, value] : want) {
      const std::string& have = field == "status" ? a->status : a->due;
      if (have != value) {
        problem(std::nullopt, action_id + ": its " + field + " is " + q(have) +
                                  ", not what its last change recorded, " + q(value) +
                                  " (the actions table was edited)");
        break;
      }
    }
  }
}

}  // namespace

AuditVerification verify_audit(Store& store, const std::vector<Anchor>& anchors) {
  AuditVerification out;
  auto problem = [&](std::optional<int64_t> entry, std::optional<int64_t> assessment, std::string message) {
    out.problems.push_back({entry, assessment, std::move(message)});
  };

  const auto log = store.audit_log();
  out.entries = static_cast<int64_t>(log.size());
  auto chain = verify_chain(log);
  out.head = chain.head;
  if (!chain.ok) problem(chain.first_bad_seq, std::nullopt, chain.problem);
  if (!log.empty()) out.last = log.back();
  for (const auto& a : anchors) {
    auto c = check_anchor(log, a);
    out.anchored.push_back(c.entry);
    if (!c.problem.empty()) out.anchor_problems.push_back({a.seq, std::nullopt, std::move(c.problem)});
  }

  // "import" entries record the rows they appended by id range and digest (RowDigest);
  // older ones recorded each row with its own "score" or "owner" entry instead.
  struct ImportCover : ImportRecord::Cover {
    const AuditEntry* entry;
  };
  std::vector<ImportCover> import_assessments, import_owners;
  std::set<int64_t> owner_entries;  // owner changes recorded by their own "owner" entry
  std::map<int64_t, std::pair<const AuditEntry*, events::RecordedOwner>> owners_recorded;
  for (const auto& e : log) {
    if (e.action == events::kOwner) {
      auto o = events::owner_of(e.detail);
      if (!o) {
        problem(e.seq, std::nullopt, "entry " + std::to_string(e.seq) + " was edited: it names no owner change");
        continue;
      }
      owner_entries.insert(o->change);
      if (!owners_recorded.emplace(o->change, std::pair(&e, *o)).second)
        problem(e.seq, std::nullopt,
                "entry " + std::to_string(e.seq) + " records owner change " + std::to_string(o->change) +
                    " a second time (inserted)");
    } else if (e.action == events::kImport && !events::is_change_entry(e.action, e.entity)) {
      if (auto c = ImportRecord::cover(e.detail, "assessments")) import_assessments.push_back({*c, &e});
      if (auto c = ImportRecord::cover(e.detail, "owner_changes")) import_owners.push_back({*c, &e});
    }
  }
  auto covering = [](std::vector<ImportCover>& covers, int64_t id) -> ImportCover* {
    for (auto& c : covers)
      if (c.count > 0 && id >= c.first && id <= c.last) return &c;
    return nullptr;
  };

  std::vector<AssessmentRow> rows;
  std::vector<OwnerChange> owner_rows;
  for (const auto& id : store.risk_ids()) {
    for (auto& r : store.history(id)) rows.push_back(std::move(r));
    for (auto& o : store.owner_history(id)) owner_rows.push_back(std::move(o));
  }
  std::sort(rows.begin(), rows.end(), [](const AssessmentRow& a, const AssessmentRow& b) { return a.id < b.id; });
  std::sort(owner_rows.begin(), owner_rows.end(),
            [](const OwnerChange& a, const OwnerChange& b) { return a.id < b.id; });

  // What the log says the history holds.
  const AuditEntry* create = nullptr;
  json create_detail;
  struct Recorded {
    const AuditEntry* entry;
    json detail;
  };
  std::map<int64_t, Recorded> scores;  // by assessment id
  for (const auto& e : log) {
    if (e.action != "create" && e.action != "score") continue;
    json d = json::parse(e.detail, nullptr, false);
    if (d.is_discarded() || !d.is_object()) {
      problem(e.seq, std::nullopt, "entry " + std::to_string(e.seq) + " was edited: its detail is not a JSON object");
      continue;
    }
    if (e.action == "create") {
      if (create)
        problem(e.seq, std::nullopt, "entry " + std::to_string(e.seq) + " is a second \"create\" entry (inserted)");
      else
        create = &e, create_detail = std::move(d);
      continue;
    }
    if (!d.contains("assessment") || !d["assessment"].is_number_integer()) {
      problem(e.seq, std::nullopt, "entry " + std::to_string(e.seq) + " was edited: it names no assessment");
      continue;
    }
    auto id = d["assessment"].get<int64_t>();
    if (!scores.emplace(id, Recorded{&e, d}).second)
      problem(
          e.seq, id,
          "entry " + std::to_string(e.seq) + " records assessment " + std::to_string(id) + " a second time (inserted)");
  }

  // The initial assessments: covered by the "create" entry's digest. A register created
  // before the digest existed only has who, when and why to check them against.
  int64_t last_initial = 0;
  std::vector<AssessmentRow> initial;
  const json* recorded = create && create_detail.contains("assessments") ? &create_detail["assessments"] : nullptr;
  if (recorded) {
    last_initial = recorded->value("last", int64_t{0});
    for (const auto& r : rows)
      if (r.id <= last_initial) initial.push_back(r);
  } else if (create) {
    for (const auto& r : rows)
      if (!scores.count(r.id) && r.by == create->actor && r.at == create->at &&
          r.reason == create_detail.value("reason", std::string()))
        initial.push_back(r);
  } else if (!rows.empty()) {
    problem(std::nullopt, std::nullopt, "the log has no \"create\" entry (deleted)");
  }
  std::set<int64_t> initial_ids;
  for (const auto& r : initial) initial_ids.insert(r.id);
  if (recorded) {
    const std::string entry = "entry " + std::to_string(create->seq);
    auto count = recorded->value("count", int64_t{0});
    std::string reason = create_detail.value("reason", std::string());
    bool named = false;
    // Ids are given in order from 1, so a gap names a deleted row.
    for (int64_t id = 1; id <= last_initial; ++id)
      if (!initial_ids.count(id)) {
        problem(create->seq, id,
                "assessment " + std::to_string(id) + " recorded by the \"create\" " + entry +
                    " is missing from the history (deleted)");
        named = true;
      }
    for (const auto& r : initial) {
      std::string diff = r.by != create->actor ? "by is " + q(r.by) + ", " + entry + " recorded " + q(create->actor)
                         : r.at != create->at  ? "at is " + q(r.at) + ", " + entry + " recorded " + q(create->at)
                         : r.reason != reason  ? "reason is " + q(r.reason) + ", " + entry + " recorded " + q(reason)
                                               : "";
      if (!diff.empty()) {
        problem(create->seq, r.id, row_name(r) + " was edited: " + diff);
        named = true;
      }
    }
    if (!named && (static_cast<int64_t>(initial.size()) != count ||
                   assessments_digest(initial) != recorded->value("sha256", std::string())))
      problem(create->seq, std::nullopt,
              "the initial assessments 1-" + std::to_string(last_initial) +
                  " do not match the digest in the \"create\" " + entry + ": one was edited");
  }

  // Every later row has exactly one "score" entry that matches it.
  std::set<int64_t> seen;
  for (const auto& r : rows) {
    if (initial_ids.count(r.id)) continue;
    auto it = scores.find(r.id);
    if (it == scores.end() && covering(import_assessments, r.id)) continue;  // checked by digest below
    if (it == scores.end()) {
      problem(std::nullopt, r.id,
              row_name(r) + " has no audit entry (inserted outside riskreg, or its entry was deleted)");
      continue;
    }
    seen.insert(r.id);
    auto diff = first_difference(r, *it->second.entry, it->second.detail);
    if (!diff.empty()) problem(it->second.entry->seq, r.id, row_name(r) + " was edited: " + diff);
  }
  for (const auto& [id, rec] : scores)
    if (!seen.count(id))
      problem(rec.entry->seq, id,
              "entry " + std::to_string(rec.entry->seq) + " records assessment " + std::to_string(id) + " (" +
                  rec.entry->entity + "), which is missing from the history (deleted)");

  // Each import's appended rows against the digest it recorded: a row edited, deleted or
  // inserted in its id range changes the digest.
  auto check_digests = [&](std::vector<ImportCover>& covers, const auto& table, const char* what,
                           const auto& own_entry) {
    for (auto& c : covers) {
      if (c.count == 0) continue;
      RowDigest digest;
      for (const auto& r : table)
        if (r.id >= c.first && r.id <= c.last && !own_entry(r.id)) digest.add(r);
      if (digest.count() != c.count || digest.hex() != c.sha256)
        problem(c.entry->seq, std::nullopt,
                std::string("the ") + what + " " + std::to_string(c.first) + "-" + std::to_string(c.last) +
                    " recorded by the \"import\" entry " + std::to_string(c.entry->seq) +
                    " do not match its digest: one was edited, deleted or inserted");
    }
  };
  check_digests(import_assessments, rows, "assessments", [&](int64_t id) { return scores.count(id) > 0; });
  check_digests(import_owners, owner_rows, "owner changes", [&](int64_t id) { return owner_entries.count(id) > 0; });

  // Every owner change has exactly one "owner" entry that matches it, except the initial
  // owners (written with the "create" entry's actor, time and reason) and those an import's
  // digest covers (checked above).
  {
    std::set<int64_t> matched;
    const std::string create_reason = create ? create_detail.value("reason", std::string()) : std::string();
    for (const auto& c : owner_rows) {
      auto it = owners_recorded.find(c.id);
      const std::string name = "owner change " + std::to_string(c.id) + " (" + c.risk_id + ")";
      if (it == owners_recorded.end()) {
        bool initial_owner = create && c.by == create->actor && c.at == create->at && c.reason == create_reason;
        if (!initial_owner && !covering(import_owners, c.id))
          problem(std::nullopt, std::nullopt,
                  name + " has no audit entry (inserted outside riskreg, or its entry was deleted)");
        continue;
      }
      matched.insert(c.id);
      const AuditEntry& e = *it->second.first;
      const events::RecordedOwner& o = it->second.second;
      const std::pair<const char*, std::pair<std::string, std::string>> fields[] = {
          {"risk", {c.risk_id, e.entity}}, {"owner", {c.owner, o.owner}}, {"reason", {c.reason, o.reason}},
          {"by", {c.by, e.actor}},         {"at", {c.at, e.at}},
      };
      for (const auto& [field, v] : fields)
        if (v.first != v.second) {
          problem(e.seq, std::nullopt,
                  name + " was edited: " + field + " is " + q(v.first) + ", audit entry " + std::to_string(e.seq) +
                      " recorded " + q(v.second));
          break;
        }
    }
    for (const auto& [id, rec] : owners_recorded)
      if (!matched.count(id))
        problem(rec.first->seq, std::nullopt,
                "entry " + std::to_string(rec.first->seq) + " records owner change " + std::to_string(id) + " (" +
                    rec.first->entity + "), which is missing from the history (deleted)");
  }
  check_rules(store, log, out.problems);
  check_changes(store, log, out.problems);
  check_action_changes(store, log, out.problems);

  // Each risk's current score is its latest assessment (the pointer lives in a table
  // that is not append-only).
  std::map<std::string, int64_t> latest;
  for (const auto& r : rows) latest[r.risk_id] = r.id;
  store.for_each_risk([&](const RiskState& s) {
    // 0 for "none": assessment ids start at 1. (Plain ints: GCC 12 warns about comparing optionals here.)
    auto it = latest.find(s.id);
    int64_t want = it == latest.end() ? 0 : it->second;
    int64_t have = s.current ? s.current->id : 0;
    if (want != have)
      problem(std::nullopt, have ? std::optional(have) : std::nullopt,
              s.id + ": its current score is " + (have ? "assessment " + std::to_string(have) : "missing") +
                  ", not its latest assessment" + (want ? " " + std::to_string(want) : "") +
                  " (the risks table was edited)");
  });
  return out;
}

}  // namespace riskreg
