#pragma once
/// The rules files a register is scored with. `riskreg init` copies rules/*.toml into the
/// register, so the matrix travels with the data and every change to it is audited.
#include <string>
#include <vector>

#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg {

/// Reads every *.toml in `dir` (sorted by name). Throws FileError if `dir` has no matrix.toml.
std::vector<RulesFile> read_rules_dir(const std::string& dir);

/// The matrix defined by a bundle's matrix.toml. Throws FileError.
Matrix matrix_from(const std::vector<RulesFile>& rules);

/// The file called `name` in a bundle, or nullptr.
const RulesFile* find_rules_file(const std::vector<RulesFile>& rules, const std::string& name);

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
