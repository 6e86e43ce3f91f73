// riskreg help [COMMAND]: the command list, or one command's help (as `riskreg COMMAND --help`).
#include <algorithm>
#include <ostream>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "help.h"

namespace riskreg::cli {

void add_help(CLI::App& app, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("help", "Show the command list, or one command's options and examples");
  cmd->add_option("command", *name, "The command to explain");
  cmd->callback([name, &app, &ctx] {
    if (name->empty()) {
      ctx.out << command_list(app, ctx.width());
      return;
    }
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), *name) == names.end())
      throw Error(ErrorKind::Usage, "unknown command '" + *name + "'" + did_you_mean_suffix(*name, names) +
                                        " (commands: " + join(names, ", ") + ")");
    ctx.out << app.get_subcommand(*name)->help("riskreg");
  });
}

}  // namespace riskreg::cli
