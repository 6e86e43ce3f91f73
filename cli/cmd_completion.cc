// riskreg completion bash|zsh|man: shell completion scripts and the man page's command
// sections, generated from the CLI11 command definitions (so they cannot drift from them).
// Hidden from the command list: CMake runs it to build build/cli/riskreg.bash,
// build/cli/_riskreg and build/cli/riskreg.1 (with help2man).
#include <ostream>
#include <sstream>

#include "commands.h"
#include "core/error.h"

namespace riskreg::cli {

namespace {
struct CommandInfo {
  std::string name, description;
  std::vector<std::string> options;        ///< every option, "--band"
  std::vector<std::string> value_options;  ///< the options that take a value
  std::vector<std::string> positionals;    ///< in order, "id", "score"
};

std::vector<CommandInfo> commands_of(const CLI::App& app) {
  std::vector<CommandInfo> out;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;  // hidden (this command)
    CommandInfo c{sub->get_name(), sub->get_description(), {"--help"}, {}, {}};
    for (const CLI::Option* o : sub->get_options()) {
      if (o->get_lnames().empty() && o->get_snames().empty()) {
        c.positionals.push_back(o->get_name());
        continue;
      }
      for (const auto& l : o->get_lnames()) {
        if (l == "help") continue;
        c.options.push_back("--" + l);
        if (o->get_type_size() != 0) c.value_options.push_back("--" + l);
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string words(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& w : v) s += (s.empty() ? "" : " ") + w;
  return s;
}

/// Single-quoted for a shell.
std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string bash_script(const CLI::App& app) {
  auto cmds = commands_of(app);
  std::ostringstream o;
  o << "# bash completion for riskreg, generated from its command definitions by `riskreg completion bash`.\n"
       "# Completes commands, options, `help COMMAND`, and risk ids where a command takes one (read\n"
       "# from the register with `riskreg list --csv`, honouring --db on the command line).\n\n"
       "_riskreg_ids() {\n"
       "  local i db=()\n"
       "  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do\n"
       "    [[ ${COMP_WORDS[i]} == --db ]] && db=(--db \"${COMP_WORDS[i + 1]}\")\n"
       "  done\n"
       "  \"${COMP_WORDS[0]}\" \"${db[@]}\" list --csv 2>/dev/null | tail -n +2 | cut -d, -f1\n"
       "}\n\n"
       "_riskreg() {\n"
       "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
       "  local cmd='' npos=0 i w\n"
       "  local commands="
    << quoted([&] {
         std::vector<std::string> n;
         for (const auto& c : cmds) n.push_back(c.name);
         return words(n);
       }())
    << "\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    w=${COMP_WORDS[i]}\n"
       "    if [[ -z $cmd ]]; then\n"
       "      if [[ $w == --db ]]; then ((i++)); continue; fi\n"
       "      [[ $w == -* ]] || cmd=$w\n"
       "      continue\n"
       "    fi\n"
       "    if [[ $w == -* ]]; then\n"
       "      [[ \" $(_riskreg_value_options \"$cmd\") \" == *\" $w \"* ]] && ((i++))\n"
       "      continue\n"
       "    fi\n"
       "    ((npos++))\n"
       "  done\n"
       "  if [[ -z $cmd ]]; then\n"
       "    if [[ $prev == --db ]]; then COMPREPLY=($(compgen -f -- \"$cur\")); return; fi\n"
       "    if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '--db --help --version' -- \"$cur\")); return; fi\n"
       "    COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n"
       "    return\n"
       "  fi\n"
       "  if [[ \" $(_riskreg_value_options \"$cmd\") \" == *\" $prev \"* ]]; then\n"
       "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
       "    return\n"
       "  fi\n"
       "  if [[ $cur == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$(_riskreg_options \"$cmd\")\" -- \"$cur\"))\n"
       "    return\n"
       "  fi\n"
       "  case \"$cmd:$npos\" in\n"
       "    help:0) COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")) ;;\n";
  for (const auto& c : cmds)
    if (!c.positionals.empty() && c.positionals[0] == "id")
      o << "    " << c.name << ":0) COMPREPLY=($(compgen -W \"$(_riskreg_ids)\" -- \"$cur\")) ;;\n";
  o << "  esac\n"
       "}\n\n"
       "_riskreg_options() {\n"
       "  case $1 in\n";
  for (const auto& c : cmds) o << "    " << c.name << ") echo " << quoted(words(c.options)) << " ;;\n";
  o << "  esac\n"
       "}\n\n"
       "_riskreg_value_options() {\n"
       "  case $1 in\n";
  for (const auto& c : cmds) o << "    " << c.name << ") echo " << quoted(words(c.value_options)) << " ;;\n";
  o << "  esac\n"
       "}\n\n"
       "complete -F _riskreg riskreg\n";
  return o.str();
}

/// zsh's `_describe` wants "name:description" with ':' escaped.
std::string zsh_item(const std::string& name, const std::string& desc) {
  std::string d;
  for (char c : desc) {
    if (c == ':') d += '\\';
    if (c == '\'') {
      d += "'\\''";
      continue;
    }
    d += c;
  }
  return "'" + name + ":" + d + "'";
}

std::string zsh_script(const CLI::App& app) {
  auto cmds = commands_of(app);
  std::ostringstream o;
  o << "#compdef riskreg\n"
       "# zsh completion for riskreg, generated from its command definitions by `riskreg completion zsh`.\n"
       "# Completes commands, options, `help COMMAND`, files for an option's value, and risk ids where\n"
       "# a command takes one (read from the register with `riskreg list --csv`, honouring --db).\n\n"
       "_riskreg_ids() {\n"
       "  local -a ids db\n"
       "  local i\n"
       "  for ((i = 2; i < CURRENT; i++)); do [[ ${words[i]} == --db ]] && db=(--db ${words[i+1]}); done\n"
       "  ids=(${(f)\"$(${words[1]} $db list --csv 2>/dev/null | tail -n +2 | cut -d, -f1)\"})\n"
       "  compadd -a ids\n"
       "}\n\n"
       "# The options of command $1 that take a value, in $reply.\n"
       "_riskreg_value_options() {\n"
       "  case $1 in\n";
  for (const auto& c : cmds) o << "    " << c.name << ") reply=(" << words(c.value_options) << ") ;;\n";
  o << "    *) reply=() ;;\n"
       "  esac\n"
       "}\n\n"
       "_riskreg() {\n"
       "  local -a commands reply\n"
       "  commands=(\n";
  for (const auto& c : cmds) o << "    " << zsh_item(c.name, c.description) << "\n";
  o << "  )\n"
       "  local cmd='' i npos=0\n"
       "  # The command and how many of its positional words come before the current one; an\n"
       "  # option's value is no positional word. The loop ends past CURRENT when the current\n"
       "  # word is an option's value.\n"
       "  for ((i = 2; i < CURRENT; i++)); do\n"
       "    if [[ -z $cmd ]]; then\n"
       "      if [[ ${words[i]} == --db ]]; then ((i++)); continue; fi\n"
       "      [[ ${words[i]} == -* ]] || cmd=${words[i]}\n"
       "      continue\n"
       "    fi\n"
       "    if [[ ${words[i]} == -* ]]; then\n"
       "      _riskreg_value_options $cmd\n"
       "      (( ${reply[(Ie)${words[i]}]} )) && ((i++))\n"
       "      continue\n"
       "    fi\n"
       "    ((npos++))\n"
       "  done\n"
       "  if (( i > CURRENT )); then _files; return; fi\n"
       "  if [[ -z $cmd ]]; then\n"
       "    if [[ ${words[CURRENT]} == -* ]]; then compadd -- --db --help --version; else _describe command commands; "
       "fi\n"
       "    return\n"
       "  fi\n"
       "  if [[ ${words[CURRENT]} == -* ]]; then\n"
       "    case $cmd in\n";
  for (const auto& c : cmds) o << "      " << c.name << ") compadd -- " << words(c.options) << " ;;\n";
  o << "    esac\n"
       "    return\n"
       "  fi\n"
       "  case \"$cmd:$npos\" in\n"
       "    help:0) _describe command commands ;;\n";
  for (const auto& c : cmds)
    if (!c.positionals.empty() && c.positionals[0] == "id") o << "    " << c.name << ":0) _riskreg_ids ;;\n";
  o << "    *) _files ;;\n"
       "  esac\n"
       "}\n\n"
       "_riskreg \"$@\"\n";
  return o.str();
}

/// help2man's --include file: every command's own help, verbatim, under COMMANDS.
std::string man_include(const CLI::App& app) {
  std::ostringstream o;
  o << "[NAME]\nriskreg \\- a risk register and scoring engine\n\n[COMMANDS]\n";
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;
    std::string help = sub->help("riskreg");
    std::string esc;
    for (char c : help) esc += c == '\\' ? std::string("\\e") : std::string(1, c);
    o << ".SS \"riskreg " << sub->get_name() << "\"\n.nf\n" << esc << ".fi\n";
  }
  o << "\n[ENVIRONMENT]\n.TP\nRISKREG_DB\nthe register (a path or a postgresql:// connection string)\n"
       ".TP\nRISKREG_NOW\nfix the clock (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)\n"
       ".TP\nNO_COLOR\nno colours (also off when stdout is not a terminal or TERM=dumb)\n"
       ".TP\nCOLORTERM\n\"truecolor\" or \"24bit\" for 24-bit colour (else 256 or 16 colours from TERM)\n"
       ".TP\nRISKREG_LOG\ndiagnostics level on stderr\n"
       "\n[SEE ALSO]\nThe README.md and docs/ of the riskreg source tree (exit codes, rules, alerts).\n";
  return o.str();
}
}  // namespace

void add_completion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print a bash or zsh completion script, or the man page's sections");
  cmd->group("");  // hidden: a build step, not a user's command
  cmd->add_option("shell", *shell, "bash, zsh or man")->required()->check(CLI::IsMember({"bash", "zsh", "man"}));
  cmd->callback([shell, &app, &ctx] {
    if (*shell == "bash") ctx.out << bash_script(app);
    if (*shell == "zsh") ctx.out << zsh_script(app);
    if (*shell == "man") ctx.out << man_include(app);
  });
}

}  // namespace riskreg::cli
