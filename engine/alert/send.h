#pragma once
/// From an alert to recorded deliveries: who gets which message, what was already sent for
/// the period (so a scheduler's retry sends nothing twice), and the per-recipient outcome,
/// appended to the register only for what was actually attempted.
#include <optional>
#include <string>
#include <vector>

#include "alert/build.h"
#include "alert/config.h"
#include "alert/deliver.h"
#include "alert/render.h"
#include "store/store.h"

namespace riskreg::alert {

struct Plan {
  std::vector<Message> messages;      ///< the summary first, then one per owner, by name
  std::vector<std::string> warnings;  ///< owners left out for want of an address
  bool manager_configured = false;    ///< the register or the configuration names a risk manager
};

/// The messages of `a`: the summary for the risk manager (the register's `risk_manager`, a
/// name looked up in the configuration's recipients or a plain address, else the
/// configuration's `risk_manager`) and each owner's part, at the owner's address in
/// [recipients] (or the owner's name when it is itself a plain address: alert/address.h). When
/// `need_addresses` (SMTP), an owner without an address is left out with a warning, and a
/// missing risk manager address is Error(InvalidInput).
Plan compose(const Alert& a, const Templates& t, const AlertConfig& c,
             const std::optional<std::string>& register_manager, bool need_addresses);

/// Writes each message as <dir>/<period>-summary.txt and .html, and
/// <dir>/<period>-owner-<name, bounded>-<hash of the name>.txt and .html: unique per message.
class FileTransport : public Transport {
 public:
  FileTransport(std::string dir, std::string period) : dir_(std::move(dir)), period_(std::move(period)) {}
  const char* channel() const override { return "file"; }
  Outcome send(const Message& m) override;
  /// The file name of `m`, without directory or extension.
  std::string base_name(const Message& m) const;

 private:
  std::string dir_;
  std::string period_;
};

struct DeliveryResult {
  const Message* message = nullptr;
  std::string key;     ///< the message as recorded (Message::key)
  std::string status;  ///< "sent", "failed", "already sent", "would send"
  Outcome outcome;
};

struct SendReport {
  std::vector<DeliveryResult> results;
  int sent = 0, failed = 0, already = 0, would = 0;
};

/// Delivers each message not yet sent for (period, message key, channel), or every one with
/// `resend`, and appends each outcome (sent or failed) to the register. With `dry_run`
/// nothing is delivered or recorded: results say "would send".
SendReport send_all(Store& store, Transport& transport, const std::string& period, const std::vector<Message>& messages,
                    bool resend, bool dry_run, const std::string& by, const Clock& clock);

}  // namespace riskreg::alert
