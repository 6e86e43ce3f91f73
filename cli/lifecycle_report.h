#pragma once
/// What the lifecycle commands (add, edit, target, close, reopen, review, note) share: the
/// options every one takes, and how a written change is reported (text or JSON).
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "context.h"
#include "store/store.h"

namespace riskreg::cli {

/// --reason, --as, --json (and --expect-version where `expect` is given).
struct ChangeOptions {
  std::string reason;
  std::optional<std::string> as;
  std::optional<int64_t> expect_version;
  bool json = false;
};
void add_change_options(CLI::App* cmd, ChangeOptions& o, const char* reason_help, bool expect);

/// Applies `req` (kind, risk, edits filled; who, when and why from `o`), after the rules
/// check every write makes, and reports what it wrote.
void run_change(Context& ctx, ChangeRequest req, const ChangeOptions& o, const std::string& default_reason);

/// "R5  title 'Old' -> 'New'  (change #12 by ann at ...)" per row; or the rows as JSON.
void print_changes(Context& ctx, const std::string& risk_id, const AppliedChange& a, bool json);

}  // namespace riskreg::cli
