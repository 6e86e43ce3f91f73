#pragma once
/// Help that a person can use: text wrapped at word boundaries to the terminal's width,
/// an example for every command, `riskreg help CMD`, the usage line of the command a usage
/// error is about, and a "did you mean" for unknown options. Everything is read from the
/// CLI11 command definitions, so the help, the man page and the shell completions
/// (cli/completion.cc) cannot drift from the commands.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace riskreg::cli {

/// CLI11's formatter, wrapping descriptions and footers to `width` columns.
std::shared_ptr<CLI::Formatter> wrapping_formatter(size_t width);

/// Gives every command its examples (a footer), and drops the meaningless defaults CLI11
/// captures ("=0", "=[]", "=false") so that --help shows only real ones.
void finish_help(CLI::App& app);

/// The command named first on the command line (skipping global options), or nullptr.
CLI::App* command_named_in(CLI::App& app, int argc, char** argv);

/// "Usage: riskreg score [OPTIONS] id score" for a command (or the root).
std::string usage_line(const CLI::App& app, const CLI::App* cmd);

/// The first argument that looks like an option and that `cmd` (or the root) does not have,
/// with a "did you mean"; "" when there is none.
std::string unknown_option(const CLI::App& app, const CLI::App* cmd, int argc, char** argv);

/// The command list, as bare `riskreg` prints it.
std::string command_list(const CLI::App& app, size_t width);

}  // namespace riskreg::cli
