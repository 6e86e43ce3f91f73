// riskreg export: the register, its history and a manifest, as CSV files or one JSON file
// (engine/io/export.h).
#include <ostream>

#include "commands.h"
#include "io/export.h"

namespace riskreg::cli {

namespace {
struct ExportOptions {
  std::string format;
  std::string out;
  bool force = false;
};
}  // namespace

void add_export(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "Export the register, its assessment history and a manifest");
  cmd->add_option("--format", opt->format,
                  "csv (a folder: risks.csv, assessments.csv, manifest.json) or json (one file)")
      ->required()
      ->check(CLI::IsMember({"csv", "json"}));
  cmd->add_option("--out", opt->out, "Where to write it")->required();
  cmd->add_flag("--force", opt->force, "Overwrite an existing PATH");
  cmd->callback([opt, &ctx] {
    auto format = opt->format == "csv" ? ExportFormat::Csv : ExportFormat::Json;
    auto s = export_register(ctx.store(), ctx.matrix(), format, opt->out, opt->force);
    ctx.out << "exported " << s.risks << (s.risks == 1 ? " risk" : " risks") << " and " << s.assessments
            << (s.assessments == 1 ? " assessment" : " assessments") << " to " << opt->out << "\n";
  });
}

}  // namespace riskreg::cli
