#include "lifecycle_report.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/text.h"
#include "register/lifecycle.h"

namespace riskreg::cli {

void add_change_options(CLI::App* cmd, ChangeOptions& o, const char* reason_help, bool expect) {
  cmd->add_option("--reason", o.reason, reason_help);
  cmd->add_option("--as", o.as, "Who is making the change (default: the OS user)");
  if (expect)
    cmd->add_option("--expect-version", o.expect_version,
                    "Refuse unless the risk's version (its event count, `show --json`) is still this: the "
                    "lost-update guard");
  cmd->add_flag("--json", o.json, "JSON output");
}

void run_change(Context& ctx, ChangeRequest req, const ChangeOptions& o, const std::string& default_reason) {
  ctx.check_rules();
  req.by = ctx.actor(o.as);
  req.at = ctx.clock().now();
  req.reason = lifecycle::require_reason(req.risk_id,
                                         trim(o.reason).empty() && !default_reason.empty() ? default_reason : o.reason);
  req.expect_version = o.expect_version;
  auto applied = ctx.store().apply_change(req);
  print_changes(ctx, req.risk_id, applied, o.json);
}

void print_changes(Context& ctx, const std::string& risk_id, const AppliedChange& a, bool json) {
  const Matrix& m = ctx.matrix();
  if (json) {
    auto rows = nlohmann::json::array();
    for (const auto& r : a.rows)
      rows.push_back({{"change", r.id},
                      {"kind", r.kind},
                      {"field", r.field},
                      {"from", r.from},
                      {"to", r.to},
                      {"by", r.by},
                      {"at", r.at},
                      {"reason", r.reason},
                      {"audit_seq", r.audit_seq}});
    ctx.out << nlohmann::json{{"risk", risk_id}, {"version", a.version}, {"changes", rows}}.dump(2) << "\n";
    return;
  }
  const size_t width = ctx.width();
  for (const auto& r : a.rows) {
    std::string head = risk_id + "  ";
    ctx.out << head
            << wrap(lifecycle::describe(m, r) + "  (change #" + std::to_string(r.id) + " by " + r.by + " at " + r.at +
                        ")",
                    width, head.size() + 2, head.size())
            << "\n";
  }
  ctx.out << risk_id << "  version " << a.version << "\n";
}

}  // namespace riskreg::cli
