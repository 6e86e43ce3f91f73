#pragma once
/// The register's content as plain values: what a data folder holds and what the store
/// keeps. Scores are cells of the register's matrix.
#include <optional>
#include <string>
#include <vector>

#include "domain/matrix.h"

namespace riskreg {

struct Risk {
  std::string id;  ///< "R5"
  std::optional<int> number;
  std::string title;
  std::string heading;
  std::string vulnerability;
  std::vector<std::string> triggers;
  std::vector<std::string> consequences;
  std::vector<std::string> controls;
  std::optional<ScoreCodes> current;  ///< latest score (in data: becomes the first assessment)
  std::optional<ScoreCodes> target;
  std::optional<std::string> owner;
  std::optional<double> spontaneous_probability;  ///< overrides the likelihood mapping
  std::vector<std::string> notes;
};

/// Risk `from` feeds risk `to`: its occurrence raises the other's likelihood.
struct Feed {
  std::string from;
  std::string to;
  std::string basis;  ///< "stated" or "inferred"
  std::string evidence;
  std::optional<double> transition_probability;  ///< overrides the rules' default
  std::string direction_note;
};

struct Objective {
  std::string id;  ///< "O3"
  std::optional<int> number;
  std::string title;
  std::string description;
  std::string corporate_objective;
  std::string community_theme;
  std::string pis_as_written;
  std::vector<std::string> pis;
  std::vector<std::string> notes;
};

struct NamedConcept {
  std::string kind;  ///< "corporate_objective" | "community_theme"
  std::string name;
  std::vector<std::string> variants;
  std::vector<std::string> notes;
};

struct Action {
  std::string id;  ///< "P3.1-A2"
  std::string priority_id;
  std::string text;
  std::string lead_officers_as_written;
  std::vector<std::string> lead_officers;
  std::vector<std::string> milestones;
  std::string completion;  ///< as written ("Sept 09")
  /// When it is due, YYYY-MM-DD ("" for none): read from `completion` when the register is
  /// created (domain/action_status.h), then as `riskreg action --due` sets it.
  std::string due = {};
  /// "" (not recorded: the plan records none), or one of action_statuses().
  std::string status = {};
  std::string resources;
  std::string pis_as_written;
  std::vector<std::string> pis;
  std::string targets;
  std::vector<std::string> notes;
};

/// A row of the plan's Change Drivers table that names a priority: the issues cell (its lines
/// as written) and the line of the response cell that names the priority, with the seed line
/// of the row. A priority the table names twice has two rows.
struct ChangeDriverRow {
  int seed_line = 0;
  std::vector<std::string> issues;
  std::string response;
  bool operator==(const ChangeDriverRow&) const = default;
};

struct Priority {
  std::string id;  ///< "P3.1"
  std::string number;
  std::string parent;
  std::string title;
  std::string heading;
  std::vector<std::string> subtitles;
  std::string change_driver;
  std::vector<ChangeDriverRow> change_drivers_table;  ///< the Change Drivers table's rows naming it
  std::string risks_as_written;
  std::vector<std::string> risks;
  std::string service_plan_objective;
  std::string departmental_objectives_as_written;
  std::vector<std::string> departmental_objectives;
  std::string corporate_objective;
  std::string community_theme;
  std::string service_improvement;
  std::string expected_outcome;
  std::string efficiency_gains;
  std::string corporate_implications;
  std::string additional_information;
  std::vector<std::string> notes;
  std::vector<Action> actions;
};

/// A priority the appendix states for an outcome, with progress and future actions.
struct OutcomePriority {
  std::string id;  ///< "O1-S3"
  std::string text;
  std::vector<std::string> progress;
  std::vector<std::string> future_actions;
  std::vector<std::string> notes;
};

struct Outcome {
  std::string objective;  ///< "O1"
  std::string objective_basis;
  std::string title;
  std::vector<std::string> apa_areas;
  std::vector<std::string> notes;
  std::vector<OutcomePriority> priorities;
};

struct RegisterInfo {
  std::string name;
  std::string body;
  std::string period;
  std::vector<std::string> sources;
  std::optional<std::string> risk_manager;
  std::vector<std::string> notes;
};

/// A whole register as loaded from a data folder or read from the store.
struct RegisterData {
  RegisterInfo info;
  std::vector<Risk> risks;
  std::vector<Feed> feeds;
  std::vector<Objective> objectives;
  std::vector<NamedConcept> concepts;
  std::vector<Priority> priorities;
  std::vector<Outcome> outcomes;

  const Risk* find_risk(const std::string& id) const;
  const Priority* find_priority(const std::string& id) const;
};

}  // namespace riskreg
