#include "help.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "core/text.h"
#include "render.h"

namespace riskreg::cli {

namespace {
class WrappingFormatter : public CLI::Formatter {
 public:
  explicit WrappingFormatter(size_t width) : width_(width) { column_width(30); }

  std::string make_option_desc(const CLI::Option* opt) const override {
    return wrap(CLI::Formatter::make_option_desc(opt), room());
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), wrap(sub->get_description(), room()), column_width_);
    return out.str();
  }
  std::string make_description(const CLI::App* app) const override {
    std::string d = CLI::Formatter::make_description(app);
    return d.empty() ? d : wrap(d, width_) + "\n";
  }
  std::string make_footer(const CLI::App* app) const override {
    std::string f = app->get_footer();
    if (f.empty()) return f;
    // Example lines keep their own breaks; each is wrapped under its indent.
    std::string out;
    size_t start = 0;
    for (size_t p;; start = p + 1) {
      p = f.find('\n', start);
      std::string line = f.substr(start, p == std::string::npos ? std::string::npos : p - start);
      size_t indent = line.find_first_not_of(' ');
      if (indent == std::string::npos) indent = 0;
      out += std::string(indent, ' ') + wrap(line.substr(indent), width_, indent + 4, indent) + "\n";
      if (p == std::string::npos) break;
    }
    return out;
  }

 private:
  size_t room() const { return width_ > column_width_ + 20 ? width_ - column_width_ : 20; }
  size_t width_;
};

/// One or two examples per command: what a new user types first.
const std::map<std::string, std::string>& examples() {
  static const std::map<std::string, std::string> e = {
      {"init", "riskreg init                      # the Darlington register from data/ and rules/"},
      {"list",
       "riskreg list --above-appetite\n"
       "  riskreg list --band \"Very high\" --owner \"jan lefevre\""},
      {"show",
       "riskreg show 5                    # what the owner needs\n"
       "  riskreg show R5 --full            # and the seed's text, evidence and notes"},
      {"score", "riskreg score 5 B2 --reason \"Savings target raised\" --expect C2"},
      {"owner", "riskreg owner 5 \"Jan Lefevre\" --reason \"Handover from the MTFP board\""},
      {"matrix", "riskreg matrix                    # also --counts, --ids, --json"},
      {"flags",
       "riskreg flags --severity critical\n"
       "  riskreg flags --summary"},
      {"rules",
       "riskreg rules check rules/flags.toml\n"
       "  riskreg rules apply rules/ --reason \"Appetite lowered\""},
      {"trace", "riskreg trace 5"},
      {"cascade", "riskreg cascade 5 B1               # what-if: nothing is written"},
      {"graph", "riskreg graph check"},
      {"network", "riskreg network"},
      {"audit", "riskreg audit verify"},
      {"export", "riskreg export --format csv --out register-export"},
      {"import", "riskreg import risks.csv --check"},
      {"alert", "riskreg alert --period 2026-11 --dry-run"},
      {"generate", "riskreg --db big.db generate --risks 100000 --seed 1"},
      {"migrate", "riskreg migrate --from sqlite:register.db --to postgresql://admin@db/riskreg"},
      {"help", "riskreg help score"},
      {"add", "riskreg add --title \"Agency staff costs\" --current C2 --owner \"Jan Lefevre\" --reason \"New in Q3\""},
      {"edit",
       "riskreg edit 5 --add-control \"Monthly budget clinic\" --reason \"Agreed at DMT\"\n"
       "  riskreg edit 5 --remove-control 2 --expect-version 7 --reason \"Control retired\""},
      {"target", "riskreg target 5 D3 --reason \"Where the savings plan should bring it\""},
      {"close", "riskreg close 9 --reason \"ICT programme delivered\""},
      {"reopen", "riskreg reopen 9 --reason \"Phase 2 started\""},
      {"review",
       "riskreg review 5 --reason \"Quarterly clinic: no change\"   # next review from the cadence\n"
       "  riskreg review 5 --next 2027-01-31 --reason \"Review after the budget\""},
      {"note", "riskreg note 5 \"Asked finance for the Q3 figures\" --reason \"Clinic follow-up\""},
      {"log",
       "riskreg log 5                     # one line per event, newest first\n"
       "  riskreg log --since 2026-11-01 --kind score --by manager"},
      {"link", "riskreg link 6 P3.1 --reason \"The priority's actions mitigate it\""},
      {"unlink", "riskreg unlink 6 P3.1 --reason \"Linked in error\""},
      {"feed", "riskreg feed 5 3 --basis inferred --probability 0.3 --reason \"Budget cuts reach placements\""},
      {"unfeed", "riskreg unfeed 5 3 --reason \"No longer related\""},
      {"action",
       "riskreg action P3.1-A2             # its due date, status and history\n"
       "  riskreg action P3.1-A2 --status done --reason \"Delivered in March\""},
      {"respond",
       "riskreg respond 4 treat --reason \"Sufficiency strategy\"\n"
       "  riskreg respond 6 tolerate --approver \"Director\" --until 2027-03-31 --reason \"Restructure\""},
  };
  return e;
}

void drop_empty_defaults(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    const std::string& d = o->get_default_str();
    if (d == "0" || d == "[]" || d == "false" || d == "0.0" || d == "\"\"") o->default_str("");
  }
  for (CLI::App* sub : app.get_subcommands({})) drop_empty_defaults(*sub);
}
}  // namespace

std::shared_ptr<CLI::Formatter> wrapping_formatter(size_t width) { return std::make_shared<WrappingFormatter>(width); }

void finish_help(CLI::App& app) {
  drop_empty_defaults(app);
  for (CLI::App* sub : app.get_subcommands({})) {
    auto it = examples().find(sub->get_name());
    if (it != examples().end())
      // After the command's own footer (network's explains its columns), when it has one.
      sub->footer(sub->get_footer() + "\nExample" + std::string(it->second.find('\n') != std::string::npos ? "s" : "") +
                  ":\n  " + it->second);
  }
  app.footer("\nRun `riskreg help COMMAND` (or `riskreg COMMAND --help`) for a command's options and an example.");
}

CLI::App* command_named_in(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--db") {
      ++i;
      continue;
    }
    if (a.rfind("-", 0) == 0) continue;
    try {
      return app.get_subcommand(a);
    } catch (const CLI::OptionNotFound&) {
      return nullptr;
    }
  }
  return nullptr;
}

std::string usage_line(const CLI::App& app, const CLI::App* cmd) {
  CLI::Formatter f;
  std::string u = cmd ? f.make_usage(cmd, "riskreg " + cmd->get_name()) : f.make_usage(&app, "riskreg");
  while (!u.empty() && (u.back() == '\n' || u.back() == ' ')) u.pop_back();
  while (!u.empty() && u.front() == '\n') u.erase(u.begin());
  return u;
}

std::string unknown_option(const CLI::App& app, const CLI::App* cmd, int argc, char** argv) {
  std::vector<std::string> known;
  auto collect = [&](const CLI::App& a) {
    for (const CLI::Option* o : a.get_options()) {
      for (const auto& l : o->get_lnames()) known.push_back("--" + l);
      for (const auto& s : o->get_snames()) known.push_back("-" + s);
    }
  };
  collect(app);
  if (cmd) collect(*cmd);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-' || (a[1] >= '0' && a[1] <= '9')) continue;
    std::string name = a.substr(0, a.find('='));
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    return "unknown option '" + name + "'" + (cmd ? " for '" + cmd->get_name() + "'" : "") +
           did_you_mean_suffix(name, known);
  }
  return "";
}

std::string command_list(const CLI::App& app, size_t width) {
  std::string out = "riskreg: a risk register and scoring engine\n\n" + usage_line(app, nullptr) + "\n\nCommands:\n";
  size_t w = 0;
  for (const CLI::App* sub : app.get_subcommands({})) w = std::max(w, sub->get_name().size());
  for (const CLI::App* sub : app.get_subcommands({}))
    if (!sub->get_group().empty())  // a hidden command has no group
      out += "  " + pad(sub->get_name(), w + 2) + wrap(sub->get_description(), width, w + 4, w + 4) + "\n";
  out += "\n" +
         wrap(
             "Run `riskreg help COMMAND` for a command's options and an example; `riskreg --help` for the global "
             "options.",
             width) +
         "\n";
  return out;
}

}  // namespace riskreg::cli
