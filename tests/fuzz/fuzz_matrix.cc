// Fuzz target: a matrix file (rules/matrix.toml format). A matrix that loads must then be
// usable: every cell formats to a score that parses back to the same cell.
#include <cstdlib>

#include "core/error.h"
#include "fuzz_common.h"

using namespace riskreg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<Matrix> m;
  try {
    m = load_matrix_text(fuzz::text_of(data, size), "fuzz.toml");
  } catch (const Error&) {
    return 0;
  }
  for (int l = 0; l < m->likelihood.size(); ++l)
    for (int i = 0; i < m->impact.size(); ++i) {
      Cell c{l, i};
      auto back = m->parse(m->format(c));
      if (!back || back->likelihood != l || back->impact != i) std::abort();
      (void)m->band(c);
      (void)m->above_appetite(c);
    }
  return 0;
}
