// riskreg audit: the tamper-evident log. `verify` checks the chain and the history it
// records (engine/store/verify.h), and against anchors kept elsewhere (engine/audit/anchor.h);
// `anchor` writes the head for safekeeping; `log` prints it. What each protects against:
// docs/audit.md.
#include <nlohmann/json.hpp>
#include <ostream>

#include "audit/anchor.h"
#include "commands.h"
#include "core/error.h"
#include "render.h"
#include "store/verify.h"

namespace riskreg::cli {

namespace {
struct AuditLogOptions {
  bool json = false;
};

struct AuditVerifyOptions {
  std::vector<std::string> heads, manifests, anchors;
};

struct AuditAnchorOptions {
  std::string out;
  bool force = false;
};

void run_verify(Context& ctx, const AuditVerifyOptions& opt) {
  // The anchors are read before the register is opened: a bad one changes nothing.
  std::vector<Anchor> anchors;
  for (const auto& h : opt.heads) anchors.push_back(anchor_from_hash(h));
  for (const auto& m : opt.manifests) anchors.push_back(read_manifest(m));
  for (const auto& a : opt.anchors) anchors.push_back(read_anchor_file(a));
  auto v = verify_audit(ctx.store(), anchors);
  if (v.ok()) {
    ctx.out << "audit verify: ok, " << v.entries << (v.entries == 1 ? " entry" : " entries") << ", head "
            << (v.head.empty() ? "(none)" : v.head) << "\n";
    for (size_t i = 0; i < anchors.size(); ++i)
      ctx.out << "audit verify: the history up to entry " << v.anchored[i] << " is the one anchored ("
              << anchors[i].source << ")\n";
    return;
  }
  // Every problem on stdout, for the record; the first one is the error. The register's own
  // chain and history come first (exit 11); a register sound in itself that no longer holds
  // an anchored history is exit 13.
  for (const auto& p : v.problems) ctx.out << "audit verify: " << p.message << "\n";
  for (const auto& p : v.anchor_problems) ctx.out << "audit verify: " << p.message << "\n";
  size_t all = v.problems.size() + v.anchor_problems.size();
  std::string more = all > 1 ? " (and " + std::to_string(all - 1) + " more)" : "";
  if (!v.problems.empty()) throw Error(ErrorKind::Tampered, "audit verify: " + v.problems.front().message + more);
  throw Error(ErrorKind::Unanchored, "audit verify: " + v.anchor_problems.front().message + more);
}

void run_anchor(Context& ctx, const AuditAnchorOptions& opt) {
  // Only a register that verifies is anchored: an anchor vouches for the history it names.
  auto v = verify_audit(ctx.store());
  if (!v.ok())
    throw Error(ErrorKind::Tampered, "audit anchor: the register does not verify, so nothing was anchored: " +
                                         v.problems.front().message + " (see 'riskreg audit verify')");
  if (!v.last) throw Error(ErrorKind::NotFound, "audit anchor: the audit log is empty; there is no head to anchor");
  std::string doc = anchor_document(*v.last, ctx.store().info().name, ctx.clock().now());
  if (opt.out.empty()) {
    ctx.out << doc;
    return;
  }
  write_anchor_file(opt.out, doc, opt.force);
  ctx.out << "audit anchor: entry " << v.last->seq << ", head " << v.last->hash << ", written to " << opt.out
          << "; keep it where the register's writers cannot change it\n";
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
  auto* cmd = app.add_subcommand("audit", "The tamper-evident audit log: verify it, anchor it, or print it");
  cmd->require_subcommand(1);
  auto* verify = cmd->add_subcommand(
      "verify",
      "Check the SHA-256 chain, that every assessment and the rules in force match the entries that recorded "
      "them, and that the register still holds the history of each anchor given");
  auto vopt = std::make_shared<AuditVerifyOptions>();
  verify
      ->add_option("--head", vopt->heads, "A chain head kept elsewhere (64 hex digits): its history must be unchanged")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  verify
      ->add_option("--manifest", vopt->manifests,
                   "An earlier export's manifest (manifest.json, a CSV export's folder, or a JSON export)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  verify->add_option("--anchor", vopt->anchors, "A file written by 'audit anchor --out'")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  verify->callback([vopt, &ctx] { run_verify(ctx, *vopt); });
  auto aopt = std::make_shared<AuditAnchorOptions>();
  auto* anchor = cmd->add_subcommand(
      "anchor", "Write the chain's head (entry number, hash, time) for safekeeping outside the register");
  anchor->add_option("--out", aopt->out, "Write it to FILE (readable by its owner only) instead of stdout");
  anchor->add_flag("--force", aopt->force, "Overwrite an existing FILE");
  anchor->callback([aopt, &ctx] { run_anchor(ctx, *aopt); });
  auto opt = std::make_shared<AuditLogOptions>();
  auto* log = cmd->add_subcommand("log", "Print the log: seq, at, actor, action, entity, detail, hash prefix");
  log->add_flag("--json", opt->json, "JSON output (one array, full detail and hashes)");
  log->callback([opt, &ctx] { run_log(ctx, *opt); });
}

}  // namespace riskreg::cli
