// riskreg: the command-line shell over the engine. Errors are caught here, once, and
// mapped to the exit codes documented in README.md.
#include <algorithm>
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "help.h"
#include "store/open.h"

namespace {
/// An error message of at most about 1000 bytes: one quoting a huge argument or field keeps
/// its start and end, cut at UTF-8 character boundaries.
std::string clip(const std::string& s) {
  constexpr size_t kHead = 600, kTail = 200;
  if (s.size() <= kHead + kTail + 200) return s;
  auto start = [&](size_t i) { return (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80; };
  size_t head = kHead, tail = s.size() - kTail;
  while (head > 0 && !start(head)) --head;
  while (tail < s.size() && !start(tail)) ++tail;
  return s.substr(0, head) + "… (" + std::to_string(tail - head) + " bytes cut) …" + s.substr(tail);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace riskreg;
  configure_store_process();
  auto log = spdlog::stderr_color_mt("riskreg");
  spdlog::set_default_logger(log);
  spdlog::set_level(spdlog::level::warn);
  try {
    if (const char* lv = std::getenv("RISKREG_LOG"); lv && *lv) {
      // spdlog reads an unknown name as "off": refuse it instead of silencing diagnostics.
      const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
      if (std::find(levels.begin(), levels.end(), lv) == levels.end())
        throw Error(ErrorKind::Usage,
                    std::string("RISKREG_LOG='") + lv + "' is not a log level: use " + join_choices(levels));
      spdlog::set_level(spdlog::level::from_str(lv));
    }
    cli::Context ctx(std::cout, std::cerr);
    CLI::App app{"riskreg: a risk register and scoring engine", "riskreg"};
    app.set_version_flag("--version", std::string("riskreg ") + RISKREG_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    app.option_defaults()->always_capture_default();
    // Set before the commands are added: each command takes its parent's formatter.
    app.formatter(cli::wrapping_formatter(ctx.width()));
    app.add_option("--db", ctx.options.db,
                   "Register database (default: $RISKREG_DB, else $XDG_DATA_HOME/riskreg/register.db)");
    for (auto add : cli::kCommands) add(app, ctx);
    cli::finish_help(app);
    // Bare `riskreg`: the command list, not CLI11's "A subcommand is required".
    if (argc == 1) {
      std::cout << cli::command_list(app, ctx.width());
      return 0;
    }
    // An unknown command gets a "did you mean" instead of CLI11's "A subcommand is required".
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--db") {
        ++i;
        continue;
      }
      if (a.rfind("-", 0) == 0) continue;
      std::vector<std::string> names;
      for (const auto* sub : app.get_subcommands({}))
        if (!sub->get_group().empty()) names.push_back(sub->get_name());  // not the hidden ones
      if (a != "completion" && std::find(names.begin(), names.end(), a) == names.end())
        throw Error(ErrorKind::Usage, "unknown command '" + a + "'" + did_you_mean_suffix(a, names) +
                                          " (commands: " + join(names, ", ") + ")");
      break;
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      // One line naming what is wrong (an unknown option gets a "did you mean"), then the
      // usage line of the command it is about.
      const CLI::App* cmd = cli::command_named_in(app, argc, argv);
      std::string what;
      if (dynamic_cast<const CLI::ExtrasError*>(&e)) what = cli::unknown_option(app, cmd, argc, argv);
      std::cerr << "riskreg: " << (what.empty() ? std::string(e.what()) : what) << "\n"
                << cli::usage_line(app, cmd) << "  (riskreg help" << (cmd ? " " + cmd->get_name() : "") << ")\n";
      return exit_code(ErrorKind::Usage);
    }
    return 0;
  } catch (const FileError& e) {
    // Controls from a file or an argument are shown escaped: a message is one line of text.
    std::cerr << "riskreg: " << clip(escape_controls(e.what())) << "\n";
    if (!e.detail().empty()) {
      auto nl = e.detail().find('\n');
      std::cerr << escape_controls(e.detail().substr(0, nl), true) << "\n" << e.detail().substr(nl + 1) << "\n";
    }
    return exit_code(e.kind());
  } catch (const Error& e) {
    std::cerr << "riskreg: " << clip(escape_controls(e.what())) << "\n";
    return exit_code(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "riskreg: internal error: " << clip(escape_controls(e.what())) << "\n";
    return exit_code(ErrorKind::Internal);
  }
}
