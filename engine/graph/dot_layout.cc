#include "graph/dot_layout.h"

#include "core/module.h"

// Defined by the module's own code (graph/dot_svg.cc); null unless this program links it.
extern "C" const riskreg::DotLayoutModule* riskreg_graphviz_module() __attribute__((weak));

namespace riskreg {

const DotLayoutModule& dot_layout() {
  return module_table<DotLayoutModule>(riskreg_graphviz_module, "graphviz", "riskreg_graphviz_module",
                                       "the HTML export's graph layout");
}

}  // namespace riskreg
