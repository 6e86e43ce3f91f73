// riskreg import FILE.csv: risks as their owners keep them in a spreadsheet, written in one
// transaction as they are checked, all or nothing (engine/io/import.h, docs/export-import.md).
#include <optional>
#include <ostream>

#include "commands.h"
#include "core/error.h"
#include "io/import.h"
#include "progress.h"

namespace riskreg::cli {

namespace {
struct ImportOptions {
  std::string file;
  std::optional<std::string> as;
  bool check = false;
};
}  // namespace

void add_import(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand("import", "Import risks from a CSV file (all or nothing)");
  cmd->add_option("file", opt->file, "A CSV file with a header row (see docs/export-import.md)")->required();
  cmd->add_option("--as", opt->as, "Who is importing (default: the OS user)");
  cmd->add_flag("--check", opt->check, "Validate the file and say what it would change; write nothing");
  cmd->callback([opt, &ctx] {
    auto plural = [](int64_t n, const char* one, const char* many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    std::string by = ctx.actor(opt->as);
    ctx.check_rules();
    if (opt->check) {
      const ImportFile file(opt->file);
      auto b = plan_import(ctx.store(), ctx.matrix(), file.text(), opt->file, by, ctx.clock().now());
      int64_t created = 0;
      for (const auto& r : b.risks) created += !r.exists;
      ctx.out << opt->file << ": " << plural(b.rows, "row", "rows") << " valid; would create "
              << plural(created, "risk", "risks") << " and update " << (b.risks.size() - created) << "\n";
      return;
    }
    bool tty = TerminalProgress::stderr_is_terminal();
    // Rows are checked and written at once (on two threads): one line counts those written.
    TerminalProgress writing(ctx.err, "import", tty);
    auto r = import_csv(ctx.store(), ctx.matrix(), opt->file, by, ctx.clock().now(), nullptr, &writing);
    ctx.out << "imported " << opt->file << " (import " << r.import_id << "): " << plural(r.created, "risk", "risks")
            << " created, " << r.updated << " updated, " << plural(r.assessments, "assessment", "assessments")
            << " and " << plural(r.owner_changes, "owner change", "owner changes") << " appended\n";
  });
}

}  // namespace riskreg::cli
