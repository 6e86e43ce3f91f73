#include "alert/send.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "alert/address.h"
#include "audit/chain.h"
#include "core/error.h"

namespace riskreg::alert {

namespace {
/// Where `who` is reached: their address in the configuration's [recipients] (validated when
/// it was read), else `who` itself when it is a plain address (alert/address.h). A name that
/// merely contains '@' is never an address.
std::optional<std::string> address_of(const AlertConfig& c, const std::string& who) {
  if (auto it = c.recipients.find(who); it != c.recipients.end()) return it->second;
  if (valid_address(who)) return who;
  return std::nullopt;
}

/// A bounded, file-name-safe form of a name: letters, digits, '.', '-' kept, runs of anything
/// else one '_', at most 48 bytes.
std::string slug(const std::string& s) {
  std::string out;
  for (char ch : s) {
    bool keep =
        (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
    if (keep)
      out += ch;
    else if (out.empty() || out.back() != '_')
      out += '_';
    if (out.size() >= 48) break;
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);  // no hidden files, no ".."
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
  plan.manager_configured = register_manager.has_value() || c.risk_manager.has_value();
  if (manager) {
    summary.address = *manager;
  } else if (need_addresses) {
    throw Error(ErrorKind::InvalidInput, register_manager ? "no address for the risk manager '" +
                                                                escape_controls(*register_manager) +
                                                                "': add it to [recipients] in the alert configuration"
                                                          : "the register names no risk manager: set risk_manager in "
                                                            "the alert configuration");
  }
  plan.messages.push_back(std::move(summary));
  for (const auto& owner : a.owners()) {
    auto addr = address_of(c, owner);
    if (!addr && need_addresses) {
      plan.warnings.push_back("no address for owner '" + escape_controls(owner) +
                              "' in [recipients]: their part is not sent");
      continue;
    }
    Message m = render_owner(a.for_owner(owner), t, owner);
    m.address = addr.value_or("");
    plan.messages.push_back(std::move(m));
  }
  return plan;
}

std::string FileTransport::base_name(const Message& m) const {
  // The summary has a name no owner's file can take; an owner's file carries a hash of the
  // whole name, so that "Ann/Lee" and "Ann?Lee" (one slug) stay apart, and a bounded slug, so
  // that a very long name still makes a valid file name.
  if (m.kind == "summary") return period_ + "-summary";
  return period_ + "-owner-" + slug(m.recipient) + "-" + sha256_hex(m.recipient).substr(0, 12);
}

Outcome FileTransport::send(const Message& m) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  std::string base = dir_ + "/" + base_name(m);
  for (const auto& [ext, body] : {std::pair<std::string, const std::string*>{".txt", &m.text}, {".html", &m.html}}) {
    std::ofstream out(base + ext, std::ios::binary | std::ios::trunc);
    if (ext == ".txt") {
      out << "To: " << escape_controls(m.recipient);
      if (!m.address.empty()) out << " <" << m.address << ">";
      out << "\nSubject: " << m.subject << "\n\n";
    }
    out << *body;
    if (!out.flush()) return {false, 1, "cannot write " + base + ext};
  }
  return {true, 1, "written to " + base + ".txt and .html"};
}

SendReport send_all(Store& store, Transport& transport, const std::string& period, const std::vector<Message>& messages,
                    bool resend, bool dry_run, const std::string& by, const Clock& clock) {
  // Deliveries are keyed by message (Message::key), so that when the risk manager and an owner
  // share an address, one part's success never hides the other's failure.
  std::set<std::string> done;
  for (const auto& d : store.alert_deliveries(period))
    if (d.status == "sent" && d.channel == transport.channel()) done.insert(d.recipient);
  // Rows recorded before keys named the message hold the bare address (or name): such a row
  // still counts when exactly one of this run's messages goes there.
  std::map<std::string, int> bare;
  for (const auto& m : messages) ++bare[m.address.empty() ? m.recipient : m.address];
  SendReport report;
  for (const auto& m : messages) {
    DeliveryResult r;
    r.message = &m;
    r.key = m.key();
    std::string legacy = m.address.empty() ? m.recipient : m.address;
    bool sent_before = done.count(r.key) || (bare[legacy] == 1 && done.count(legacy));
    if (!resend && sent_before) {
      r.status = "already sent";
      ++report.already;
      spdlog::info("alert {} {} {}: already sent, skipped", period, transport.channel(), r.key);
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
