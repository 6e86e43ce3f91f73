// Fuzz target: the score parser (Matrix::parse), as `riskreg score ID SCORE` and every data
// file use it, on the Darlington matrix and the two fixture matrices. A text that parses must
// format back to a text that parses to the same cell.
#include <cstdlib>
#include <vector>

#include "fuzz_common.h"

using namespace riskreg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Matrix> matrices = [] {
    std::string dir = std::string(RISKREG_SOURCE_DIR) + "/tests/fixtures/matrices/";
    return std::vector<Matrix>{fuzz::darlington(), load_matrix_file(dir + "numeric-5x5.toml"),
                               load_matrix_file(dir + "reversed-letters.toml")};
  }();
  std::string text = fuzz::text_of(data, size);
  for (const auto& m : matrices) {
    auto c = m.parse(text);
    if (!c) continue;
    if (c->likelihood < 0 || c->likelihood >= m.likelihood.size() || c->impact < 0 || c->impact >= m.impact.size())
      std::abort();
    auto back = m.parse(m.format(*c));
    if (!back || back->likelihood != c->likelihood || back->impact != c->impact) std::abort();
  }
  return 0;
}
