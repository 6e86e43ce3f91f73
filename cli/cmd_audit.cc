// riskreg audit: the tamper-evident log. `verify` checks the chain and the history it
// records (engine/audit/verify.h); `log` prints it.
#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/verify.h"
#include "commands.h"
#include "core/error.h"
#include "render.h"

namespace riskreg::cli {

namespace {
struct AuditLogOptions {
  bool json = false;
};

void run_verify(Context& ctx) {
  auto v = verify_audit(ctx.store());
  if (v.ok()) {
    ctx.out << "audit verify: ok, " << v.entries << (v.entries == 1 ? " entry" : " entries") << ", head "
            << (v.head.empty() ? "(none)" : v.head) << "\n";
    return;
  }
  // Every problem on stdout, for the record; the first one is the error.
  for (const auto& p : v.problems) ctx.out << "audit verify: " << p.message << "\n";
  std::string more = v.problems.size() > 1 ? " (and " + std::to_string(v.problems.size() - 1) + " more)" : "";
  throw Error(ErrorKind::Tampered, "audit verify: " + v.problems.front().message + more);
}

void run_log(Context& ctx, const AuditLogOptions& opt) {
  auto log = ctx.store().audit_log();
  if (opt.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : log) {
      auto detail = nlohmann::json::parse(e.detail, nullptr, false);
      out.push_back({{"seq", e.seq},
                     {"at", e.at},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"entity", e.entity},
                     {"detail", detail.is_discarded() ? nlohmann::json(e.detail) : detail},
                     {"prev_hash", e.prev_hash},
                     {"hash", e.hash}});
    }
    ctx.out << out.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : log)
    rows.push_back(
        {std::to_string(e.seq), e.at, e.actor, e.action, e.entity, clip(e.detail, 60), e.hash.substr(0, 12)});
  print_table(ctx.out, {"SEQ", "AT", "ACTOR", "ACTION", "ENTITY", "DETAIL", "HASH"}, rows);
  ctx.out << rows.size() << (rows.size() == 1 ? " entry" : " entries") << "\n";
}
}  // namespace

void add_audit(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("audit", "The tamper-evident audit log: verify it, or print it");
  cmd->require_subcommand(1);
  auto* verify = cmd->add_subcommand(
      "verify", "Check the SHA-256 chain and that every assessment matches the entry that recorded it");
  verify->callback([&ctx] { run_verify(ctx); });
  auto opt = std::make_shared<AuditLogOptions>();
  auto* log = cmd->add_subcommand("log", "Print the log: seq, at, actor, action, entity, detail, hash prefix");
  log->add_flag("--json", opt->json, "JSON output (one array, full detail and hashes)");
  log->callback([opt, &ctx] { run_log(ctx, *opt); });
}

}  // namespace riskreg::cli
