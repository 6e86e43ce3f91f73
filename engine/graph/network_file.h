#pragma once
/// Where a risk network comes from: a standalone network file (docs/graph.md "Network
/// files"), or the register, through the likelihood → probability mapping of
/// rules/network.toml.
#include <map>
#include <string>

#include "data/toml_reader.h"
#include "domain/matrix.h"
#include "domain/register.h"
#include "graph/network_model.h"
#include "store/store.h"

namespace riskreg {

/// rules/network.toml: how a register's scores become a network's numbers.
struct NetworkRules {
  std::map<std::string, double> spontaneous;  ///< likelihood code → s
  std::map<std::string, double> impact;       ///< impact code → numeric impact
  double stated = 0.5;                        ///< t of a `stated` feed link
  double inferred = 0.25;                     ///< t of an `inferred` feed link
  MonteCarloOptions simulation;               ///< defaults for runs, seed, max_occurrences
};

/// Parses rules/network.toml. Throws FileError with positions.
NetworkRules load_network_rules(const TomlFile& file);
NetworkRules load_network_rules_text(const std::string& text, const std::string& name);
/// The mapping in a register's rules bundle. Throws Error(NotFound) if it has no network.toml.
NetworkRules network_rules_from(const std::vector<RulesFile>& rules);

/// The register as a network: s from the risk's own spontaneous_probability, else its
/// current likelihood; impact from its current impact; t from the link's own
/// transition_probability, else its basis. An unscored risk without its own s gets s = 0.
/// Throws Error(InvalidInput) when the rules map no number to a code in use.
RiskNetwork network_from_register(const RegisterData& data, const Matrix& m, const NetworkRules& rules);

/// Reads a standalone network file. Throws FileError with positions.
RiskNetwork load_network_file(const std::string& path);
RiskNetwork load_network_text(const std::string& text, const std::string& name);

}  // namespace riskreg
