#include "io/xlsx_module.h"

#include "core/module.h"

// Defined by the module's own code (io/xlsx_book.cc); null unless this program links it.
extern "C" const riskreg::XlsxModule* riskreg_xlsx_module() __attribute__((weak));

namespace riskreg {

const XlsxModule& xlsx() {
  return module_table<XlsxModule>(riskreg_xlsx_module, "xlsx", "riskreg_xlsx_module", "the XLSX export");
}

}  // namespace riskreg
