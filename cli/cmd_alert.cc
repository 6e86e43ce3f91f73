// riskreg alert: the monthly above-appetite alert, to stdout, files, SMTP or a webhook.
// Built to run under a scheduler: no terminal, logs on stderr, idempotent per period.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>
#include <utility>

#include "alert/address.h"
#include "alert/build.h"
#include "alert/config.h"
#include "alert/deliver.h"
#include "alert/render.h"
#include "alert/send.h"
#include "commands.h"
#include "core/error.h"
#include "rules/rule_set.h"

namespace riskreg::cli {

namespace {
struct AlertOptions {
  std::string period;
  std::string to = "stdout";
  std::string out;
  std::string config;
  std::string templates;
  std::optional<std::string> as;
  bool resend = false;
  bool dry_run = false;
};

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

/// --config, else RISKREG_ALERT_CONFIG, else $XDG_CONFIG_HOME/riskreg/alert.toml
/// (~/.config/riskreg/alert.toml). `explicit_path` says whether the user named one.
std::string config_path(const AlertOptions& o, bool& explicit_path) {
  explicit_path = true;
  if (!o.config.empty()) return o.config;
  if (const char* c = env("RISKREG_ALERT_CONFIG")) return c;
  explicit_path = false;
  if (const char* x = env("XDG_CONFIG_HOME")) return std::string(x) + "/riskreg/alert.toml";
  if (const char* h = env("HOME")) return std::string(h) + "/.config/riskreg/alert.toml";
  return "";
}

/// The zone periods are months of: the configuration's `timezone`, else TZ when it names a
/// zone, else the machine's (/etc/localtime).
std::string zone_for(const alert::AlertConfig& c) {
  if (!c.timezone.empty()) return c.timezone;
  if (const char* tz = env("TZ")) {
    std::string name = tz[0] == ':' ? tz + 1 : tz;
    if (!alert::known_zone(name))
      throw Error(ErrorKind::InvalidInput, "TZ='" + alert::escape_controls(tz) +
                                               "' is not a time zone name riskreg knows: set TZ to an IANA name "
                                               "(Europe/London) or timezone in the alert configuration");
    return name;
  }
  return "";
}

/// `manager_configured`: whether the summary has a risk manager to go to at all.
void print_message(std::ostream& out, const alert::Message& m, bool first, bool manager_configured) {
  if (!first) out << "\n";
  if (m.kind == "summary" && !manager_configured) {
    out << "Summary (no risk manager configured: set risk_manager in the alert configuration)";
  } else {
    out << "To: " << alert::escape_controls(m.recipient);
    if (!m.address.empty()) out << " <" << m.address << ">";
  }
  out << "\nSubject: " << m.subject << "\n\n" << m.text;
}
}  // namespace

void add_alert(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<AlertOptions>();
  auto* cmd =
      app.add_subcommand("alert", "Monthly above-appetite alert: summary for the risk manager, a part per owner");
  cmd->add_option("--period", opt->period,
                  "The month: YYYY-MM, current (the default) or previous (what a scheduler on the 1st wants); "
                  "months are local: the configuration's timezone, else TZ, else the machine's zone");
  cmd->add_option("--to", opt->to, "Where: stdout (default), file (--out DIR), smtp, webhook")
      ->check(CLI::IsMember({"stdout", "file", "smtp", "webhook"}));
  cmd->add_option("--out", opt->out, "With --to file: the directory to write the messages into");
  cmd->add_option("--config", opt->config,
                  "Alert configuration (default: $RISKREG_ALERT_CONFIG, else ~/.config/riskreg/alert.toml)");
  cmd->add_option("--templates", opt->templates,
                  "Template directory (default: the configuration's, else rules/templates)");
  cmd->add_option("--as", opt->as, "Who sends, for the register's record (default: the OS user)");
  cmd->add_flag("--resend", opt->resend, "Send again what was already sent for this period");
  cmd->add_flag("--dry-run", opt->dry_run, "Show what would be sent; deliver and record nothing");
  cmd->callback([opt, &ctx] {
    if (opt->to == "file" && opt->out.empty()) throw Error(ErrorKind::Usage, "--to file needs --out DIR");
    if (opt->to != "file" && !opt->out.empty()) throw Error(ErrorKind::Usage, "--out goes with --to file");
    if (opt->period != "current" && opt->period != "previous" && !opt->period.empty())
      alert::parse_period(opt->period);  // the form first: a usage error before any file is read
    bool explicit_config = false;
    std::string cfg_path = config_path(*opt, explicit_config);
    alert::AlertConfig config;
    bool need_config = opt->to == "smtp" || opt->to == "webhook";
    if (explicit_config || (!cfg_path.empty() && std::filesystem::exists(cfg_path)))
      config = alert::load_alert_config(cfg_path);
    else if (need_config)
      throw Error(ErrorKind::Usage, "--to " + opt->to +
                                        " needs an alert configuration: --config PATH, RISKREG_ALERT_CONFIG, or " +
                                        (cfg_path.empty() ? std::string("~/.config/riskreg/alert.toml") : cfg_path));
    if (opt->to == "smtp" && !config.smtp)
      throw Error(ErrorKind::Usage, cfg_path + ": --to smtp needs an [smtp] table (host, port, sender)");
    if (opt->to == "webhook" && !config.webhook)
      throw Error(ErrorKind::Usage, cfg_path + ": --to webhook needs a [webhook] table (url)");

    // Periods are local months: a scheduler on the 1st at 06:00 reports the month that just
    // ended where it runs, whatever UTC says.
    std::string zone = alert::resolve_zone(zone_for(config));
    Timestamp now = ctx.clock().now();
    alert::Period period = opt->period.empty() || opt->period == "current" ? alert::period_of(now, zone)
                           : opt->period == "previous" ? alert::previous_period(alert::period_of(now, zone))
                                                       : alert::parse_period(opt->period, zone);
    if (period.start > now)
      throw Error(ErrorKind::Usage, "--period " + period.name + " has not begun in " + zone + " (now is " +
                                        alert::local_time(now, zone) + ")");

    std::string templates = !opt->templates.empty()     ? opt->templates
                            : !config.templates.empty() ? config.templates
                                                        : ctx.default_rules_dir() + "/templates";
    // Every template is read and checked before the register is touched (exit 5, file:line:col).
    alert::Templates loaded = alert::load_templates(templates);
    Store& store = ctx.store();
    ctx.check_rules();  // before anything is sent or recorded
    const Matrix& m = ctx.matrix();
    auto rule_set = rules::rule_set_from(store.rules(), m);
    alert::Alert a = alert::build_alert(store, m, rule_set, period, now);
    alert::Plan plan = alert::compose(a, loaded, config, store.info().risk_manager, opt->to == "smtp");
    for (const auto& w : plan.warnings) ctx.err << "riskreg alert: warning: " << w << "\n";

    if (opt->to == "stdout") {
      bool first = true;
      if (opt->dry_run) ctx.out << "Dry run: nothing is sent or recorded (--to stdout never sends).\n\n";
      for (const auto& msg : plan.messages)
        print_message(ctx.out, msg, std::exchange(first, false), plan.manager_configured);
      return;
    }

    std::unique_ptr<alert::Transport> transport;
    if (opt->to == "file") {
      transport = std::make_unique<alert::FileTransport>(opt->out, period.name);
    } else if (opt->to == "webhook") {
      transport = std::make_unique<alert::WebhookTransport>(*config.webhook, config.delivery);
    } else {
      // The secret is read only when something will really be sent, and never printed.
      std::string password;
      if (!opt->dry_run) {
        std::optional<std::string> env_value;
        if (!config.smtp->password_env.empty())
          if (const char* v = env(config.smtp->password_env.c_str())) env_value = v;
        password = alert::smtp_password(*config.smtp, env_value);
      }
      transport = std::make_unique<alert::SmtpTransport>(*config.smtp, std::move(password), config.delivery, now);
    }

    std::string by = ctx.actor(opt->as);
    auto report =
        alert::send_all(store, *transport, period.name, plan.messages, opt->resend, opt->dry_run, by, ctx.clock());
    bool first = true;
    if (opt->dry_run)
      ctx.out << "Dry run: nothing below is sent or recorded (--to " << opt->to << " would send " << report.would
              << (report.would == 1 ? " message" : " messages") << ").\n\n";
    for (const auto& r : report.results) {
      ctx.err << "riskreg alert: " << period.name << " " << transport->channel() << " " << r.key << ": " << r.status;
      if (r.status == "sent" || r.status == "failed")
        ctx.err << " (" << r.outcome.attempts << (r.outcome.attempts == 1 ? " attempt" : " attempts")
                << "): " << r.outcome.detail;
      ctx.err << "\n";
      if (opt->dry_run && r.status == "would send")
        print_message(ctx.out, *r.message, std::exchange(first, false), plan.manager_configured);
    }
    if (report.failed > 0)
      throw Error(ErrorKind::Delivery, std::to_string(report.failed) + " of " +
                                           std::to_string(report.failed + report.sent) + " deliveries for " +
                                           period.name + " failed (" + transport->channel() +
                                           "); run again to retry them");
    if (report.sent == 0 && report.would == 0)
      ctx.err << "riskreg alert: nothing to send for " << period.name << ": every message was already sent (--resend "
              << "sends again)\n";
    else if (opt->dry_run)
      ctx.err << "riskreg alert: dry run: " << report.would << " would be sent, nothing recorded\n";
    else
      ctx.err << "riskreg alert: " << report.sent << " sent for " << period.name << "\n";
  });
}

}  // namespace riskreg::cli
