// riskreg init: create the register from a data folder and a rules folder.
#include <optional>
#include <ostream>

#include "commands.h"
#include "register/create.h"
#include "store/open.h"

namespace riskreg::cli {

namespace {
struct InitOptions {
  std::string data;
  std::string rules;
  bool force = false;
  std::optional<std::string> as;
};
}  // namespace

void add_init(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Create the register database from data/ and rules/");
  cmd->add_option("--data", opt->data, "Register data folder (default: the Darlington 2009 register)");
  cmd->add_option("--rules", opt->rules, "Rules folder holding matrix.toml (default: rules/)");
  cmd->add_flag("--force", opt->force, "Replace an existing register (its history is lost)");
  cmd->add_option("--as", opt->as, "Who is creating it (default: the OS user)");
  cmd->callback([opt, &ctx] {
    CreateRequest req;
    req.db_path = ctx.db_path();
    req.data_dir = opt->data.empty() ? ctx.default_data_dir() : opt->data;
    req.rules_dir = opt->rules.empty() ? ctx.default_rules_dir() : opt->rules;
    req.force = opt->force;
    req.by = ctx.actor(opt->as);
    auto r = create_register(req, ctx.clock());
    ctx.out << "Created " << redact_url(req.db_path) << ": " << r.counts.risks << " risks, " << r.counts.feeds
            << " feed links, " << r.counts.priorities << " priorities, " << r.counts.actions << " actions, "
            << r.counts.objectives << " objectives, " << r.counts.outcomes << " appendix priorities; matrix '"
            << r.matrix_name << "'\n";
  });
}

}  // namespace riskreg::cli
