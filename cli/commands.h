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
void add_flags(CLI::App& app, Context& ctx);       // issue 3: cmd_flags.cc
void add_rules(CLI::App& app, Context& ctx);       // issue 3: cmd_rules.cc
void add_trace(CLI::App& app, Context& ctx);       // issue 4: cmd_trace.cc
void add_cascade(CLI::App& app, Context& ctx);     // issue 4: cmd_cascade.cc
void add_graph(CLI::App& app, Context& ctx);       // issue 4: cmd_graph.cc
void add_network(CLI::App& app, Context& ctx);     // issue 4: cmd_network.cc
void add_audit(CLI::App& app, Context& ctx);       // issue 6: cmd_audit.cc
void add_export(CLI::App& app, Context& ctx);      // issue 6: cmd_export.cc
void add_import(CLI::App& app, Context& ctx);      // issue 6: cmd_import.cc
void add_alert(CLI::App& app, Context& ctx);       // issue 5: cmd_alert.cc
void add_generate(CLI::App& app, Context& ctx);    // issue 8: cmd_generate.cc
void add_migrate(CLI::App& app, Context& ctx);     // issue 9: cmd_migrate.cc
void add_help(CLI::App& app, Context& ctx);        // issue 21: cmd_help.cc
void add_completion(CLI::App& app, Context& ctx);  // issue 21: cmd_completion.cc (hidden)
// issue 19, the lifecycle: cmd_add.cc, cmd_edit.cc, ...
void add_add(CLI::App& app, Context& ctx);
void add_edit(CLI::App& app, Context& ctx);
void add_target(CLI::App& app, Context& ctx);
void add_close(CLI::App& app, Context& ctx);
void add_reopen(CLI::App& app, Context& ctx);
void add_review(CLI::App& app, Context& ctx);
void add_note(CLI::App& app, Context& ctx);
void add_log(CLI::App& app, Context& ctx);
void add_link(CLI::App& app, Context& ctx);
void add_unlink(CLI::App& app, Context& ctx);
void add_feed(CLI::App& app, Context& ctx);
void add_unfeed(CLI::App& app, Context& ctx);
void add_action(CLI::App& app, Context& ctx);
void add_respond(CLI::App& app, Context& ctx);  // issue 25: cmd_respond.cc

inline constexpr AddCommand kCommands[] = {
    add_init,    add_list,       add_show,    add_score, add_owner,  add_matrix, add_flags,   add_rules,    add_trace,
    add_cascade, add_graph,      add_network, add_audit, add_export, add_import, add_alert,   add_generate, add_migrate,
    add_help,    add_completion, add_add,     add_edit,  add_target, add_close,  add_reopen,  add_review,   add_note,
    add_log,     add_link,       add_unlink,  add_feed,  add_unfeed, add_action, add_respond,
};

}  // namespace riskreg::cli
