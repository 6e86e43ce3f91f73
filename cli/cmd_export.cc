// riskreg export: the register, its history, its feed links and a manifest, as CSV files or
// one JSON file, an XLSX workbook or an HTML page, now or as it stood at a date (engine/io/export.h).
#include <optional>
#include <ostream>

#include "commands.h"
#include "core/clock.h"
#include "core/error.h"
#include "io/export.h"
#include "progress.h"
#include "register/rules_apply.h"
#include "register/rules_bundle.h"

namespace riskreg::cli {

namespace {
struct ExportOptions {
  std::string format;
  std::string out;
  std::string as_of;
  bool force = false;
  std::optional<std::string> mode;  // given, even empty, it is checked
};

/// `YYYY-MM-DD` means the end of that day (everything assessed on it counts);
/// `YYYY-MM-DDTHH:MM[:SS][Z]` is taken to the second.
std::string as_of_time(const std::string& text) {
  auto t = parse_timestamp(text);
  if (!t) throw Error(ErrorKind::Usage, "--as-of '" + text + "' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  if (text.size() == 10) *t += std::chrono::seconds(86399);
  return format_timestamp(*t);
}
}  // namespace

void add_export(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "Export the register, its assessment history and a manifest");
  cmd->add_option("--format", opt->format,
                  "csv (a folder: risks.csv, assessments.csv, feeds.csv, manifest.json), json (one file), xlsx (one "
                  "workbook) or html (one self-contained page)")
      ->required()
      ->check(CLI::IsMember({"csv", "json", "xlsx", "html"}));
  cmd->add_option("--out", opt->out, "Where to write it")->required();
  cmd->add_option("--as-of", opt->as_of,
                  "The register as it stood at DATE (YYYY-MM-DD: the end of that day), rebuilt from the history");
  cmd->add_flag("--force", opt->force,
                "Replace an existing PATH: a file, or a folder an earlier CSV export wrote (never another folder)");
  cmd->add_option("--mode", opt->mode,
                  "File mode of the export, octal (default 0600: its owner only; e.g. 0640 to share with the group)");
  cmd->callback([opt, &ctx] {
    auto format = opt->format == "csv"    ? ExportFormat::Csv
                  : opt->format == "json" ? ExportFormat::Json
                  : opt->format == "xlsx" ? ExportFormat::Xlsx
                                          : ExportFormat::Html;
    unsigned mode = opt->mode ? parse_export_mode(*opt->mode) : 0600u;
    std::optional<std::string> as_of;
    if (!opt->as_of.empty()) as_of = as_of_time(opt->as_of);
    TerminalProgress progress(ctx.err, "export", TerminalProgress::stderr_is_terminal());
    // As of a time, the matrix in force then (rules apply versions it).
    std::optional<Matrix> then;
    if (as_of) then = matrix_from(rules_in_force(ctx.store(), as_of));
    auto s = export_register(ctx.store(), then ? *then : ctx.matrix(), format, opt->out, opt->force, as_of,
                             ctx.clock().now(), &progress, mode);
    ctx.out << "exported " << s.risks << (s.risks == 1 ? " risk" : " risks") << " and " << s.assessments
            << (s.assessments == 1 ? " assessment" : " assessments");
    if (as_of) ctx.out << " as of " << *as_of;
    ctx.out << " to " << opt->out << "\n";
  });
}

}  // namespace riskreg::cli
