#pragma once
/// The rules files a register is scored with. `riskreg init` copies rules/*.toml into the
/// register, so the matrix travels with the data and every change to it is audited.
#include <string>
#include <vector>

#include "domain/matrix.h"
#include "records/records.h"

namespace riskreg {

/// Reads every *.toml in `dir` (sorted by name). Throws FileError if `dir` has no matrix.toml.
std::vector<RulesFile> read_rules_dir(const std::string& dir);

/// The matrix defined by a bundle's matrix.toml. Throws FileError.
Matrix matrix_from(const std::vector<RulesFile>& rules);

/// The file called `name` in a bundle, or nullptr.
const RulesFile* find_rules_file(const std::vector<RulesFile>& rules, const std::string& name);

}  // namespace riskreg
