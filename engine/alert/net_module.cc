#include "alert/net_module.h"

#include "core/module.h"

// Defined by the module's own code (alert/curl_send.cc); null unless this program links it.
extern "C" const riskreg::alert::NetModule* riskreg_net_module() __attribute__((weak));

namespace riskreg::alert {

const NetModule& net() {
  return module_table<NetModule>(riskreg_net_module, "net", "riskreg_net_module", "alert delivery by SMTP or webhook");
}

}  // namespace riskreg::alert
