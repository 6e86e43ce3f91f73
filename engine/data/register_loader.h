#pragma once
/// Loads a register data folder (docs/data-format.md) into RegisterData, checking every
/// reference. Errors are FileErrors with file:line:col.
#include <string>

#include "domain/matrix.h"
#include "domain/register.h"

namespace riskreg {

RegisterData load_register_dir(const std::string& dir, const Matrix& matrix);

}  // namespace riskreg
