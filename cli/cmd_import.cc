// PLACEHOLDER: replaced by the full command (see cli/commands.h). Not registered as a subcommand yet.
#include "commands.h"

namespace riskreg::cli {

void add_import(CLI::App&, Context&) {}

}  // namespace riskreg::cli
