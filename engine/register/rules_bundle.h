#pragma once
/// Checking a bundle of rules files as every command that uses them will (reading and finding
/// them: rules/rules_files.h).
#include <string>
#include <vector>

#include "domain/matrix.h"
#include "rules/rules_files.h"
#include "store/store.h"

namespace riskreg {

/// Parses every file of a bundle as the commands that use it will: matrix.toml, flags.toml,
/// cascade.toml and network.toml. Throws the first problem (FileError, `file:line:col`), so a
/// write command checks everything it depends on before its transaction, and `init` never
/// stores a rules file a later command would refuse.
void validate_rules(const std::vector<RulesFile>& rules);

/// The alert templates of a rules folder (`DIR/templates/*.mustache`, when the folder has
/// one): each valid UTF-8, every `{{` tag closed and every section (`{{#x}}`, `{{^x}}`) closed
/// by its own `{{/x}}`. Throws FileError at the first problem's line and column.
void validate_templates(const std::string& rules_dir);

}  // namespace riskreg
