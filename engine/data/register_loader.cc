#include "data/register_loader.h"

#include "domain/action_status.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/text.h"
#include "data/toml_reader.h"

namespace fs = std::filesystem;

namespace riskreg {

namespace {

/// Reads a score string at `key` and parses it on the matrix, failing at the value.
std::optional<ScoreCodes> score_at(const TomlTable& t, std::string_view key, const Matrix& m) {
  auto s = t.opt_str(key);
  if (!s) return std::nullopt;
  auto c = m.parse(*s);
  if (!c)
    t.fail(key, "'" + *s + "' is not a score on the matrix '" + m.name + "'" + did_you_mean_suffix(*s, m.all_scores()) +
                    " (scores look like " + m.all_scores().front() + " … " + m.all_scores().back() + ")");
  return m.codes(*c);
}

/// Remembers where each reference was written, so dangling ones fail at their position.
struct RefCheck {
  const TomlFile* file;
  toml::source_region where;
  std::string ref;
  std::string what;  ///< "risk", "priority", "objective"
};

void check_refs(const std::vector<RefCheck>& refs, const std::set<std::string>& known, const std::string& what) {
  std::vector<std::string> names(known.begin(), known.end());
  for (const auto& r : refs) {
    if (r.what != what || known.count(r.ref)) continue;
    r.file->fail(r.where, "unknown " + what + " '" + r.ref + "'" + did_you_mean_suffix(r.ref, names));
  }
}

void note_refs(std::vector<RefCheck>& refs, const TomlTable& t, std::string_view key, const std::string& what) {
  const toml::node* n = t.node(key);
  if (!n || !n->is_array()) return;
  for (const auto& e : *n->as_array())
    if (auto s = e.value<std::string>()) refs.push_back({&t.file(), e.source(), *s, what});
}

void note_ref(std::vector<RefCheck>& refs, const TomlTable& t, std::string_view key, const std::string& what) {
  const toml::node* n = t.node(key);
  if (n)
    if (auto s = n->value<std::string>()) refs.push_back({&t.file(), n->source(), *s, what});
}

}  // namespace

RegisterData load_register_dir(const std::string& dir, const Matrix& m) {
  RegisterData r;
  // Files must outlive the reference checks, which keep pointers to them.
  std::vector<std::unique_ptr<TomlFile>> files;
  auto open = [&](const std::string& name, bool required) -> const TomlFile* {
    fs::path p = fs::path(dir) / name;
    if (!fs::exists(p)) {
      if (required) throw FileError({p.string(), 0, 0}, "missing: a register folder needs " + name);
      return nullptr;
    }
    files.push_back(std::make_unique<TomlFile>(TomlFile::read(p.string())));
    return files.back().get();
  };
  if (!fs::is_directory(dir)) throw FileError({dir, 0, 0}, "not a register data folder");
  std::vector<RefCheck> refs;

  {
    const TomlFile* f = open("register.toml", true);
    TomlTable t(*f, f->root());
    t.only({"name", "body", "period", "sources", "risk_manager", "notes"});
    r.info.name = t.str("name");
    r.info.body = t.str_or("body", "");
    r.info.period = t.str_or("period", "");
    r.info.sources = t.strs("sources");
    r.info.risk_manager = t.opt_str("risk_manager");
    r.info.notes = t.strs("notes");
  }

  std::set<std::string> risk_ids;
  {
    const TomlFile* f = open("risks.toml", true);
    TomlTable root(*f, f->root());
    root.only({"risk"});
    for (const auto& t : root.tables("risk")) {
      t.only({"id", "number", "title", "heading", "vulnerability", "triggers", "consequences", "controls", "current",
              "target", "owner", "spontaneous_probability", "notes"});
      Risk k;
      k.id = t.str("id");
      if (k.id.empty()) t.fail("id", "a risk id cannot be empty");
      if (!risk_ids.insert(k.id).second) t.fail("id", "risk id '" + k.id + "' is used twice");
      if (auto n = t.opt_int("number")) k.number = static_cast<int>(*n);
      k.title = t.line("title");
      k.heading = t.str_or("heading", "");
      k.vulnerability = t.str_or("vulnerability", "");
      k.triggers = t.strs("triggers");
      k.consequences = t.strs("consequences");
      k.controls = t.strs("controls");
      k.current = score_at(t, "current", m);
      k.target = score_at(t, "target", m);
      k.owner = t.opt_str("owner");
      k.spontaneous_probability = t.opt_num("spontaneous_probability");
      if (k.spontaneous_probability && (*k.spontaneous_probability < 0 || *k.spontaneous_probability > 1))
        t.fail("spontaneous_probability", "a probability must be between 0 and 1");
      k.notes = t.strs("notes");
      r.risks.push_back(std::move(k));
    }
  }

  if (const TomlFile* f = open("feeds.toml", false)) {
    TomlTable root(*f, f->root());
    root.only({"feed"});
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& t : root.tables("feed")) {
      t.only({"from", "to", "basis", "evidence", "transition_probability", "direction_note", "notes"});
      Feed e;
      e.from = t.str("from");
      e.to = t.str("to");
      note_ref(refs, t, "from", "risk");
      note_ref(refs, t, "to", "risk");
      e.basis = t.str("basis");
      if (e.basis != "stated" && e.basis != "inferred")
        t.fail("basis", "basis must be 'stated' or 'inferred', not '" + e.basis + "'");
      e.evidence = t.str("evidence");
      e.transition_probability = t.opt_num("transition_probability");
      if (e.transition_probability && (*e.transition_probability < 0 || *e.transition_probability > 1))
        t.fail("transition_probability", "a probability must be between 0 and 1");
      e.direction_note = t.str_or("direction_note", "");
      if (e.from == e.to) t.fail("to", "a risk cannot feed itself");
      if (!seen.insert({e.from, e.to}).second) t.fail("to", "link " + e.from + " -> " + e.to + " is given twice");
      r.feeds.push_back(std::move(e));
    }
  }

  std::set<std::string> objective_ids;
  if (const TomlFile* f = open("objectives.toml", false)) {
    TomlTable root(*f, f->root());
    root.only({"departmental_objective", "corporate_objective", "community_theme"});
    for (const auto& t : root.tables("departmental_objective")) {
      t.only({"id", "number", "title", "description", "corporate_objective", "community_theme", "pis_as_written", "pis",
              "notes"});
      Objective o;
      o.id = t.str("id");
      if (!objective_ids.insert(o.id).second) t.fail("id", "objective id '" + o.id + "' is used twice");
      if (auto n = t.opt_int("number")) o.number = static_cast<int>(*n);
      o.title = t.line("title");
      o.description = t.str_or("description", "");
      o.corporate_objective = t.str_or("corporate_objective", "");
      o.community_theme = t.str_or("community_theme", "");
      o.pis_as_written = t.str_or("pis_as_written", "");
      o.pis = t.strs("pis");
      o.notes = t.strs("notes");
      r.objectives.push_back(std::move(o));
    }
    for (const char* kind : {"corporate_objective", "community_theme"}) {
      for (const auto& t : root.tables(kind)) {
        t.only({"name", "variants", "notes"});
        r.concepts.push_back({kind, t.str("name"), t.strs("variants"), t.strs("notes")});
      }
    }
  }

  std::set<std::string> priority_ids, action_ids;
  if (const TomlFile* f = open("priorities.toml", false)) {
    TomlTable root(*f, f->root());
    root.only({"priority"});
    for (const auto& t : root.tables("priority")) {
      t.only({"id",
              "number",
              "parent",
              "title",
              "heading",
              "subtitles",
              "change_driver",
              "change_drivers_table",
              "risks_as_written",
              "risks",
              "service_plan_objective",
              "departmental_objectives_as_written",
              "departmental_objectives",
              "corporate_objective",
              "community_theme",
              "service_improvement",
              "expected_outcome",
              "efficiency_gains",
              "corporate_implications",
              "additional_information",
              "notes",
              "action"});
      Priority p;
      p.id = t.str("id");
      if (!priority_ids.insert(p.id).second) t.fail("id", "priority id '" + p.id + "' is used twice");
      p.number = t.str_or("number", "");
      p.parent = t.str_or("parent", "");
      if (!p.parent.empty()) note_ref(refs, t, "parent", "priority");
      p.title = t.line("title");
      p.heading = t.str_or("heading", "");
      p.subtitles = t.strs("subtitles");
      p.change_driver = t.str_or("change_driver", "");
      for (const auto& row : t.tables("change_drivers_table")) {
        row.only({"seed_line", "issues", "response"});
        ChangeDriverRow c;
        c.seed_line = static_cast<int>(row.opt_int("seed_line").value_or(0));
        c.issues = row.strs("issues");
        c.response = row.str("response");
        p.change_drivers_table.push_back(std::move(c));
      }
      p.risks_as_written = t.str_or("risks_as_written", "");
      p.risks = t.strs("risks");
      note_refs(refs, t, "risks", "risk");
      p.service_plan_objective = t.str_or("service_plan_objective", "");
      p.departmental_objectives_as_written = t.str_or("departmental_objectives_as_written", "");
      p.departmental_objectives = t.strs("departmental_objectives");
      note_refs(refs, t, "departmental_objectives", "objective");
      p.corporate_objective = t.str_or("corporate_objective", "");
      p.community_theme = t.str_or("community_theme", "");
      p.service_improvement = t.str_or("service_improvement", "");
      p.expected_outcome = t.str_or("expected_outcome", "");
      p.efficiency_gains = t.str_or("efficiency_gains", "");
      p.corporate_implications = t.str_or("corporate_implications", "");
      p.additional_information = t.str_or("additional_information", "");
      p.notes = t.strs("notes");
      for (const auto& a : t.tables("action")) {
        a.only({"id", "text", "lead_officers_as_written", "lead_officers", "milestones", "completion", "resources",
                "pis_as_written", "pis", "targets", "notes"});
        Action x;
        x.id = a.str("id");
        if (!action_ids.insert(x.id).second) a.fail("id", "action id '" + x.id + "' is used twice");
        x.priority_id = p.id;
        x.text = a.str("text");
        x.lead_officers_as_written = a.str_or("lead_officers_as_written", "");
        x.lead_officers = a.strs("lead_officers");
        x.milestones = a.strs("milestones");
        x.completion = a.str_or("completion", "");
        x.due = due_from_completion(x.completion);
        x.resources = a.str_or("resources", "");
        x.pis_as_written = a.str_or("pis_as_written", "");
        x.pis = a.strs("pis");
        x.targets = a.str_or("targets", "");
        x.notes = a.strs("notes");
        p.actions.push_back(std::move(x));
      }
      r.priorities.push_back(std::move(p));
    }
  }

  std::vector<fs::path> appendix;
  for (const auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (name.rfind("appendix", 0) == 0 && e.path().extension() == ".toml") appendix.push_back(e.path());
  }
  std::sort(appendix.begin(), appendix.end());
  std::set<std::string> outcome_ids;
  for (const auto& p : appendix) {
    const TomlFile* f = open(p.filename().string(), true);
    TomlTable root(*f, f->root());
    root.only({"outcome"});
    for (const auto& t : root.tables("outcome")) {
      t.only({"objective", "objective_basis", "title", "apa_areas", "notes", "priority"});
      Outcome o;
      o.objective = t.str("objective");
      note_ref(refs, t, "objective", "objective");
      o.objective_basis = t.str_or("objective_basis", "stated");
      o.title = t.line("title");
      o.apa_areas = t.strs("apa_areas");
      o.notes = t.strs("notes");
      for (const auto& s : t.tables("priority")) {
        s.only({"id", "text", "progress", "future_actions", "notes"});
        OutcomePriority op{s.str("id"), s.str("text"), s.strs("progress"), s.strs("future_actions"), s.strs("notes")};
        if (!outcome_ids.insert(op.id).second) s.fail("id", "appendix priority id '" + op.id + "' is used twice");
        o.priorities.push_back(std::move(op));
      }
      r.outcomes.push_back(std::move(o));
    }
  }

  check_refs(refs, risk_ids, "risk");
  check_refs(refs, priority_ids, "priority");
  check_refs(refs, objective_ids, "objective");
  return r;
}

}  // namespace riskreg
