// riskreg list: the register as a table, JSON or CSV, streamed risk by risk (flags too).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "core/error.h"
#include "core/text.h"
#include "domain/response.h"
#include "io/csv.h"
#include "register/risk_view.h"
#include "render.h"
#include "rules/flags.h"
#include "vocabulary.h"

namespace riskreg::cli {

namespace {
struct ListOptions {
  bool above = false;
  bool all = false;
  bool json = false;
  bool csv = false;
  std::optional<std::string> owner;  // given, even empty, it must name an owner
  std::string band;
  std::optional<std::string> response;
};

/// The decision's name (treat, tolerate, ...), "" for none.
std::string decision_of(const RiskState& s) {
  auto r = parse_response(s.response);
  return r ? r->decision : "";
}

/// `--response` as given: one of the four decisions or none, any case; refused otherwise.
std::string response_named(const std::string& text) {
  std::string t = to_lower(trim(text));
  std::vector<std::string> valid = response_kinds();
  valid.push_back("none");
  if (std::find(valid.begin(), valid.end(), t) == valid.end())
    throw Error(ErrorKind::InvalidInput, "--response '" + escape_controls(text) + "' is not a decision" +
                                             did_you_mean_suffix(t, valid) + " (valid: " + join(valid, ", ") + ")");
  return t == "none" ? "" : t;
}

std::string score_text(const Matrix& m, const std::optional<Cell>& c) { return c ? m.format(*c) : ""; }

/// Rows buffered to size the table's columns. A register that fits is printed exactly as
/// a whole table; past it, the widths are fixed from these rows and the rest streams, so
/// the first row of a million-risk register appears at once.
constexpr size_t kWidthWindow = 1000;

/// A cell and the colour it is shown in ("" for none): colour is added after the cell is
/// cut and padded, so it never counts towards the width.
struct TableCell {
  std::string text;
  std::string colour;
};

/// A table printed as rows arrive: columns sized from the first kWidthWindow rows, then fitted
/// to `max_width` columns by cutting the titles (down to kMinTitle characters), then the flags.
class TableStream {
 public:
  static constexpr size_t kTitle = 1, kFlags = 8, kMinTitle = 10, kMinFlags = 9;

  TableStream(std::ostream& out, std::vector<std::string> header, size_t max_width)
      : out_(out), header_(std::move(header)), max_width_(max_width) {}

  void row(std::vector<TableCell> r) {
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
  /// True if some flags were cut to fit.
  bool flags_cut() const { return flags_cut_; }

 private:
  void flush() {
    if (!width_.empty()) return;
    width_.resize(header_.size());
    for (size_t i = 0; i < header_.size(); ++i) width_[i] = text_width(header_[i]);
    for (const auto& r : buffered_)
      for (size_t i = 0; i < r.size() && i < width_.size(); ++i) width_[i] = std::max(width_[i], text_width(r[i].text));
    fit();
    std::vector<TableCell> h;
    for (const auto& t : header_) h.push_back({t, ""});
    line(h);
    for (const auto& r : buffered_) line(r);
    buffered_.clear();
    buffered_.shrink_to_fit();
  }
  void fit() {
    size_t total = 2 * (width_.size() - 1);
    for (size_t w : width_) total += w;
    if (total <= max_width_) return;
    size_t over = total - max_width_;
    size_t cut = std::min(over, width_[kTitle] > kMinTitle ? width_[kTitle] - kMinTitle : 0);
    width_[kTitle] -= cut;
    over -= cut;
    cut = std::min(over, width_[kFlags] > kMinFlags ? width_[kFlags] - kMinFlags : 0);
    width_[kFlags] -= cut;
  }
  void line(const std::vector<TableCell>& r) {
    std::string s;
    for (size_t i = 0; i < r.size(); ++i) {
      std::string text = i < width_.size() ? clip(r[i].text, width_[i]) : r[i].text;
      if (i == kFlags && text != r[i].text) flags_cut_ = true;
      size_t w = text_width(text);
      s += r[i].colour.empty() ? text : r[i].colour + text + kAnsiReset;
      if (i + 1 < r.size()) s.append((i < width_.size() && width_[i] > w ? width_[i] - w : 0) + 2, ' ');
    }
    s += '\n';
    out_ << s;
  }

  std::ostream& out_;
  std::vector<std::string> header_;
  size_t max_width_;
  std::vector<std::vector<TableCell>> buffered_;
  std::vector<size_t> width_;  ///< empty until the columns are sized
  size_t count_ = 0;
  bool flags_cut_ = false;
};
}  // namespace

void add_list(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("list", "List the risks: id, title, owner, current, target, band, appetite");
  cmd->add_flag("--above-appetite", opt->above, "Only risks above the appetite line");
  cmd->add_flag("--all", opt->all, "Closed risks too (`riskreg close`), marked closed");
  cmd->add_option("--owner", opt->owner, "Only risks owned by NAME (any case)");
  cmd->add_option("--band", opt->band, "Only risks in BAND: its name or label, any case (very-high = \"Very high\")");
  cmd->add_option("--response", opt->response,
                  "Only risks with this decision (`riskreg respond`): treat, tolerate, transfer, terminate, or none");
  auto* j = cmd->add_flag("--json", opt->json, "JSON output (one array)");
  cmd->add_flag("--csv", opt->csv, "CSV output (RFC 4180)")->excludes(j);
  cmd->callback([opt, &ctx] {
    const Matrix& m = ctx.matrix();
    const Band* band = opt->band.empty() ? nullptr : &band_named(m, opt->band);
    const std::optional<std::string> owner =
        opt->owner ? std::optional(owner_named(ctx.store().owners(), *opt->owner)) : std::nullopt;
    const std::optional<std::string> response =
        opt->response ? std::optional(response_named(*opt->response)) : std::nullopt;
    auto keep = [&](const RiskView& v) {
      if (v.state.closed && !opt->all) return false;
      if (response && decision_of(v.state) != *response) return false;
      if (opt->above && !v.above_appetite) return false;
      if (owner && !same_owner(v.state.owner.value_or(""), *owner)) return false;
      if (band && (!v.band || v.band->name != band->name)) return false;
      return true;
    };
    if (opt->csv) {
      write_csv_row(ctx.out,
                    {"id", "title", "owner", "current", "target", "band", "above_appetite", "status", "response"});
      ctx.store().for_each_risk([&](const RiskState& s) {
        auto v = view_of(s, m);
        if (!keep(v)) return;
        write_csv_row(ctx.out, {s.id, s.title, s.owner.value_or(""), score_text(m, v.current), score_text(m, v.target),
                                v.band ? v.band->name : "", v.above_appetite ? "yes" : "no",
                                s.closed ? "closed" : "open", decision_of(s)});
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
                            {"status", s.closed ? "closed" : "open"},
                            {"response", s.response.empty() ? nlohmann::json() : nlohmann::json(decision_of(s))},
                            {"flags", flags_of(s)}};
        if (auto r = parse_response(s.response); r && r->decision == "tolerate") {
          e["accepted_by"] = r->approver;
          e["accepted_until"] = r->until;
        }
        ctx.out << (first ? "\n  " : ",\n  ") << e.dump();
        first = false;
      });
      ctx.out << (first ? "]\n" : "\n]\n");
      return;
    }
    const ColourDepth depth = ctx.colour_depth();
    const std::string above_colour = alarm_code(depth);
    TableStream table(ctx.out, {"ID", "TITLE", "OWNER", "CURRENT", "TARGET", "BAND", "APPETITE", "RESPONSE", "FLAGS"},
                      ctx.width());
    ctx.store().for_each_risk([&](const RiskState& s) {
      auto v = view_of(s, m);
      if (!keep(v)) return;
      auto flags = flags_of(s);
      table.row({{s.id, ""},
                 {s.title, ""},
                 {s.owner.value_or("-"), ""},
                 {v.current ? m.format(*v.current) : "-", ""},
                 {v.target ? m.format(*v.target) : "-", ""},
                 {v.band ? v.band->name : "-", v.band ? colour_code(v.band->colour, depth) : ""},
                 {s.closed           ? "closed"
                  : v.above_appetite ? "ABOVE"
                                     : "within",
                  !s.closed && v.above_appetite ? above_colour : ""},
                 {s.response.empty() ? "-" : decision_of(s), ""},
                 {flags.empty() ? "-" : join(flags, ","), ""}});
    });
    size_t rows = table.finish();
    ctx.out << rows << (rows == 1 ? " risk" : " risks") << "\n";
    if (table.flags_cut()) ctx.out << "Flags cut to fit the terminal: `riskreg flags` lists them in full.\n";
    if (depth != ColourDepth::None && rows > 0) ctx.out << band_legend(m, depth) << "\n";
  });
}

}  // namespace riskreg::cli
