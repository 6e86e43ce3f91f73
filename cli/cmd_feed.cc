// riskreg feed FROM TO --basis stated|inferred [--probability P]: FROM's occurrence raises TO's
// likelihood (a versioned change); a link that closes a cycle is allowed and reported.
#include <map>
#include <optional>
#include <set>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "lifecycle_report.h"
#include "register/risk_view.h"
#include "store/changes.h"

namespace riskreg::cli {

namespace {
struct FeedOptions {
  std::string from, to, basis;
  std::optional<double> probability;
  ChangeOptions change;
};

/// A path of feed links from `from` to `to` (both included), or empty when there is none.
std::vector<std::string> path(Store& st, const std::string& from, const std::string& to) {
  std::map<std::string, std::vector<std::string>> next;
  st.for_each_feed([&](const Feed& f) { next[f.from].push_back(f.to); });
  std::map<std::string, std::string> came_from;
  std::vector<std::string> queue = {from};
  std::set<std::string> seen = {from};
  for (size_t i = 0; i < queue.size(); ++i) {
    if (queue[i] == to) {
      std::vector<std::string> out = {to};
      while (out.back() != from) out.push_back(came_from[out.back()]);
      return {out.rbegin(), out.rend()};
    }
    for (const auto& n : next[queue[i]])
      if (seen.insert(n).second) came_from[n] = queue[i], queue.push_back(n);
  }
  return {};
}
}  // namespace

void add_feed(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<FeedOptions>();
  auto* cmd = app.add_subcommand("feed",
                                 "Record that one risk feeds another (its occurrence raises the other's "
                                 "likelihood), or change how");
  cmd->add_option("from", opt->from, "The risk that feeds (R5, or 5)")->required();
  cmd->add_option("to", opt->to, "The risk it feeds")->required();
  cmd->add_option("--basis", opt->basis, "stated (the plan says so) or inferred (required)")->required();
  cmd->add_option("--probability", opt->probability,
                  "The chance its occurrence sets the other off, 0 to 1 (default: network.toml's for the basis)");
  add_change_options(cmd, opt->change, "Why, and the evidence for it (required)", true);
  cmd->callback([opt, &ctx] {
    Store& st = ctx.store();
    ChangeRequest req;
    req.kind = "feed";
    req.risk_id = resolve_risk_id(st, opt->from);
    std::string to = resolve_risk_id(st, opt->to);
    std::string basis = to_lower(trim(opt->basis));
    if (basis != "stated" && basis != "inferred")
      throw Error(ErrorKind::InvalidInput, "--basis '" + escape_controls(opt->basis) + "' is not a basis" +
                                               did_you_mean_suffix(basis, {"stated", "inferred"}) +
                                               " (valid: stated, inferred)");
    if (opt->probability && !(*opt->probability >= 0 && *opt->probability <= 1))
      throw Error(ErrorKind::InvalidInput,
                  "--probability " + std::to_string(*opt->probability) + " is not a probability (0 to 1)");
    req.edits.push_back({"feed:" + to, EditOp::Set, changes::feed_value(basis, opt->probability), 0});
    auto cycle = path(st, to, req.risk_id);  // read before: the new link closes it
    run_change(ctx, req, opt->change, "");
    if (!cycle.empty() && !opt->change.json)
      ctx.out << wrap("This link closes a cycle: " + req.risk_id + " -> " + join(cycle, " -> ") +
                          " (allowed: the network model handles loops; `riskreg graph check` lists cycles)",
                      ctx.width(), 2)
              << "\n";
  });
}

}  // namespace riskreg::cli
