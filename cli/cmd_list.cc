// riskreg list: the register as a table, JSON or CSV, streamed risk by risk (flags too).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/text.h"
#include "io/csv.h"
#include "register/risk_view.h"
#include "render.h"
#include "rules/flags.h"

namespace riskreg::cli {

namespace {
struct ListOptions {
  bool above = false;
  bool json = false;
  bool csv = false;
  std::string owner;
  std::string band;
};

std::string score_text(const Matrix& m, const std::optional<Cell>& c) { return c ? m.format(*c) : ""; }

/// Rows buffered to size the table's columns. A register that fits is printed exactly as
/// a whole table; past it, the widths are fixed from these rows and the rest streams, so
/// the first row of a million-risk register appears at once.
constexpr size_t kWidthWindow = 1000;

/// A table printed as rows arrive: columns sized from the first kWidthWindow rows.
class TableStream {
 public:
  TableStream(std::ostream& out, std::vector<std::string> header) : out_(out), header_(std::move(header)) {}

  void row(std::vector<std::string> r) {
    ++count_;
    if (width_.empty()) {
      buffered_.push_back(std::move(r));
      if (buffered_.size() >= kWidthWindow) flush();
      return;
    }
    line(r);
  }
  /// Prints whatever is still buffered; returns the number of rows.
  size_t finish() {
    flush();
    return count_;
  }

 private:
  void flush() {
    if (!width_.empty()) return;
    width_.resize(header_.size());
    for (size_t i = 0; i < header_.size(); ++i) width_[i] = text_width(header_[i]);
    for (const auto& r : buffered_)
      for (size_t i = 0; i < r.size() && i < width_.size(); ++i) width_[i] = std::max(width_[i], text_width(r[i]));
    line(header_);
    for (const auto& r : buffered_) line(r);
    buffered_.clear();
    buffered_.shrink_to_fit();
  }
  void line(const std::vector<std::string>& r) {
    std::string s;
    for (size_t i = 0; i < r.size(); ++i) {
      s += r[i];
      size_t w = text_width(r[i]);
      if (i + 1 < r.size()) s.append((i < width_.size() && width_[i] > w ? width_[i] - w : 0) + 2, ' ');
    }
    s += '\n';
    out_ << s;
  }

  std::ostream& out_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> buffered_;
  std::vector<size_t> width_;  ///< empty until the columns are sized
  size_t count_ = 0;
};
}  // namespace

void add_list(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("list", "List the risks: id, title, owner, current, target, band, appetite");
  cmd->add_flag("--above-appetite", opt->above, "Only risks above the appetite line");
  cmd->add_option("--owner", opt->owner, "Only risks owned by NAME");
  cmd->add_option("--band", opt->band, "Only risks in BAND");
  auto* j = cmd->add_flag("--json", opt->json, "JSON output (one array)");
  cmd->add_flag("--csv", opt->csv, "CSV output (RFC 4180)")->excludes(j);
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    auto keep = [&](const RiskView& v) {
      if (opt->above && !v.above_appetite) return false;
      if (!opt->owner.empty() && v.state.owner.value_or("") != opt->owner) return false;
      if (!opt->band.empty() && (!v.band || v.band->name != opt->band)) return false;
      return true;
    };
    if (opt->csv) {
      write_csv_row(ctx.out, {"id", "title", "owner", "current", "target", "band", "above_appetite"});
      ctx.store().for_each_risk([&](const RiskState& s) {
        auto v = view_of(s, m);
        if (!keep(v)) return;
        write_csv_row(ctx.out, {s.id, s.title, s.owner.value_or(""), score_text(m, v.current), score_text(m, v.target),
                                v.band ? v.band->name : "", v.above_appetite ? "yes" : "no"});
      });
      return;
    }
    // Flags risk by risk as the rows stream: nothing is loaded up front.
    auto set = rules::rule_set_from(ctx.store().rules(), m);
    rules::RiskFlagger flagger(ctx.store(), m, set, ctx.clock().now());
    auto flags_of = [&](const RiskState& s) {
      std::vector<std::string> names;
      for (const auto* rule : flagger.fired(s)) names.push_back(rule->name);
      return names;
    };
    if (opt->json) {
      // Streamed: one element at a time, so a large register never sits in memory.
      ctx.out << "[";
      bool first = true;
      ctx.store().for_each_risk([&](const RiskState& s) {
        auto v = view_of(s, m);
        if (!keep(v)) return;
        nlohmann::json e = {{"id", s.id},
                            {"title", s.title},
                            {"owner", s.owner ? nlohmann::json(*s.owner) : nlohmann::json()},
                            {"current", v.current ? nlohmann::json(m.format(*v.current)) : nlohmann::json()},
                            {"target", v.target ? nlohmann::json(m.format(*v.target)) : nlohmann::json()},
                            {"band", v.band ? nlohmann::json(v.band->name) : nlohmann::json()},
                            {"above_appetite", v.above_appetite},
                            {"flags", flags_of(s)}};
        ctx.out << (first ? "\n  " : ",\n  ") << e.dump();
        first = false;
      });
      ctx.out << (first ? "]\n" : "\n]\n");
      return;
    }
    TableStream table(ctx.out, {"ID", "TITLE", "OWNER", "CURRENT", "TARGET", "BAND", "APPETITE", "FLAGS"});
    ctx.store().for_each_risk([&](const RiskState& s) {
      auto v = view_of(s, m);
      if (!keep(v)) return;
      auto flags = flags_of(s);
      table.row({s.id, clip(s.title, 50), s.owner.value_or("-"), v.current ? m.format(*v.current) : "-",
                 v.target ? m.format(*v.target) : "-", v.band ? v.band->name : "-",
                 v.above_appetite ? "ABOVE" : "within", flags.empty() ? "-" : join(flags, ",")});
    });
    size_t rows = table.finish();
    ctx.out << rows << (rows == 1 ? " risk" : " risks") << "\n";
  });
}

}  // namespace riskreg::cli
