#pragma once
/// The one registry of subcommands. Each `cmd_*.cc` defines its `add_*` function, which
/// declares its options, registers itself with CLI11 and runs against the engine.
#include <CLI/CLI.hpp>

#include "context.h"

namespace riskreg::cli {

using AddCommand = void (*)(CLI::App& app, Context& ctx);

void add_init(CLI::App& app, Context& ctx);
void add_list(CLI::App& app, Context& ctx);
void add_show(CLI::App& app, Context& ctx);
void add_score(CLI::App& app, Context& ctx);
void add_owner(CLI::App& app, Context& ctx);
void add_matrix(CLI::App& app, Context& ctx);

inline constexpr AddCommand kCommands[] = {
    add_init, add_list, add_show, add_score, add_owner, add_matrix,
};

}  // namespace riskreg::cli
