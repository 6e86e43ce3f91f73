#include "alert/send.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"

namespace riskreg::alert {

namespace {
std::optional<std::string> address_of(const AlertConfig& c, const std::string& who) {
  if (who.find('@') != std::string::npos) return who;
  if (auto it = c.recipients.find(who); it != c.recipients.end()) return it->second;
  return std::nullopt;
}

/// A file-name-safe form of a recipient.
std::string slug(const std::string& s) {
  std::string out;
  for (char ch : s) {
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '@' ||
                ch == '.' || ch == '-';
    out += keep ? ch : '_';
  }
  return out.empty() ? "_" : out;
}
}  // namespace

Plan compose(const Alert& a, const Templates& t, const AlertConfig& c,
             const std::optional<std::string>& register_manager, bool need_addresses) {
  Plan plan;
  Message summary = render_summary(a, t);
  std::optional<std::string> manager;
  if (register_manager) manager = address_of(c, *register_manager);
  if (!manager) manager = c.risk_manager;
  if (manager) {
    summary.address = *manager;
  } else if (need_addresses) {
    throw Error(ErrorKind::InvalidInput, register_manager ? "no address for the risk manager '" + *register_manager +
                                                                "': add it to [recipients] in the alert configuration"
                                                          : "the register names no risk manager: set risk_manager in "
                                                            "the alert configuration");
  }
  plan.messages.push_back(std::move(summary));
  for (const auto& owner : a.owners()) {
    auto addr = address_of(c, owner);
    if (!addr && need_addresses) {
      plan.warnings.push_back("no address for owner '" + owner + "' in [recipients]: their part is not sent");
      continue;
    }
    Message m = render_owner(a.for_owner(owner), t, owner);
    m.address = addr.value_or("");
    plan.messages.push_back(std::move(m));
  }
  return plan;
}

Outcome FileTransport::send(const Message& m) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::string base = dir_ + "/" + period_ + "-" + slug(m.address.empty() ? m.recipient : m.address);
  for (const auto& [ext, body] : {std::pair<std::string, const std::string*>{".txt", &m.text}, {".html", &m.html}}) {
    std::ofstream out(base + ext, std::ios::binary | std::ios::trunc);
    if (ext == ".txt") out << "Subject: " << m.subject << "\n\n";
    out << *body;
    if (!out.flush()) return {false, 1, "cannot write " + base + ext};
  }
  return {true, 1, "written to " + base + ".txt and .html"};
}

SendReport send_all(Store& store, Transport& transport, const std::string& period, const std::vector<Message>& messages,
                    bool resend, bool dry_run, const std::string& by, const Clock& clock) {
  std::set<std::string> done;
  for (const auto& d : store.alert_deliveries(period))
    if (d.status == "sent" && d.channel == transport.channel()) done.insert(d.recipient);
  SendReport report;
  for (const auto& m : messages) {
    DeliveryResult r;
    r.message = &m;
    r.key = m.address.empty() ? m.recipient : m.address;
    if (!resend && done.count(r.key)) {
      r.status = "already sent";
      ++report.already;
    } else if (dry_run) {
      r.status = "would send";
      ++report.would;
    } else {
      r.outcome = transport.send(m);
      r.status = r.outcome.sent ? "sent" : "failed";
      ++(r.outcome.sent ? report.sent : report.failed);
      AlertDelivery d;
      d.period = period;
      d.recipient = r.key;
      d.channel = transport.channel();
      d.status = r.status;
      d.attempts = r.outcome.attempts;
      d.detail = r.outcome.detail;
      d.message_sha256 = m.sha256();
      d.at = format_timestamp(clock.now());
      store.append_alert_delivery(d, by);
    }
    report.results.push_back(std::move(r));
  }
  return report;
}

}  // namespace riskreg::alert
