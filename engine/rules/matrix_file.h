#pragma once
/// Loads a matrix definition (rules/matrix.toml). See docs/rules.md for the format.
#include <string>

#include "data/toml_reader.h"
#include "domain/matrix.h"

namespace riskreg {

/// Builds a Matrix from a parsed matrix file. Throws FileError with positions.
Matrix load_matrix(const TomlFile& file);
Matrix load_matrix_file(const std::string& path);
Matrix load_matrix_text(const std::string& text, const std::string& name);

}  // namespace riskreg
