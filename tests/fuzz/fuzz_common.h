#pragma once
// Shared by the fuzz targets: the Darlington matrix, loaded once from the source tree.
#include <cstdint>
#include <string>

#include "domain/matrix.h"
#include "rules/matrix_file.h"

namespace riskreg::fuzz {

inline const Matrix& darlington() {
  static const Matrix m = load_matrix_file(std::string(RISKREG_SOURCE_DIR) + "/rules/matrix.toml");
  return m;
}

inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace riskreg::fuzz
