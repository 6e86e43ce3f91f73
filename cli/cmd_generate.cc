// riskreg generate: a synthetic register of any size, deterministic for a seed (issue 8).
#include <optional>
#include <ostream>

#include "commands.h"
#include "register/generate.h"
#include "store/open.h"

namespace riskreg::cli {

namespace {
struct GenerateOptions {
  int64_t risks = 0;
  uint64_t seed = 1;
  int bodies = 0;
  std::string rules;
  bool force = false;
  std::optional<std::string> as;
};
}  // namespace

void add_generate(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<GenerateOptions>();
  auto* cmd = app.add_subcommand("generate", "Write a synthetic register (for scale tests and benchmarks)");
  cmd->add_option("--risks", opt->risks, "How many risks (1 to 1,000,000 and beyond)")
      ->required()
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  cmd->add_option("--seed", opt->seed, "Random seed: the same seed gives the same register (default 1)");
  cmd->add_option("--bodies", opt->bodies, "Public bodies the risks belong to (default: one per 1,000 risks)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--rules", opt->rules, "Rules folder holding matrix.toml (default: rules/, Darlington's matrix)");
  cmd->add_flag("--force", opt->force, "Replace an existing register (its history is lost)");
  cmd->add_option("--as", opt->as, "Who is creating it (default: the OS user)");
  cmd->callback([opt, &ctx] {
    GenerateRequest req;
    req.db_path = ctx.db_path();
    req.rules_dir = opt->rules.empty() ? ctx.default_rules_dir() : opt->rules;
    req.risks = opt->risks;
    req.seed = opt->seed;
    req.bodies = opt->bodies;
    req.force = opt->force;
    req.by = ctx.actor(opt->as);
    auto r = generate_register(req, ctx.clock());
    ctx.out << "Generated " << redact_url(req.db_path) << ": " << r.counts.risks << " risks, " << r.counts.feeds
            << " feed links, " << r.counts.priorities << " priorities, " << r.counts.actions << " actions, "
            << r.counts.assessments << " assessments (" << r.rescores << " re-scores); matrix '" << r.matrix_name
            << "', seed " << req.seed << "\n";
  });
}

}  // namespace riskreg::cli
