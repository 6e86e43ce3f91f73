#pragma once
/// Rendering an alert into messages with mustache templates (mstch). HTML bodies escape all
/// register text through `{{ }}`; plain-text bodies insert it verbatim, with control characters
/// written visibly (alert/address.h escape_controls) so that no register text can move a
/// terminal's cursor or forge a line.
#include <string>

#include "alert/build.h"

namespace riskreg::alert {

/// One template: where it came from (for error messages) and its text.
struct Template {
  std::string path;
  std::string text;
};

/// The four templates: a summary for the risk manager and a part for each owner, each as
/// plain text and HTML.
struct Templates {
  Template summary_text, summary_html, owner_text, owner_html;
};

/// Checks a template's mustache syntax: every tag closed, every section closed by its own
/// name, no partial or delimiter change (riskreg gives none). Throws FileError at the
/// offending tag (`file:line:col: problem`, exit 5).
void check_template(const Template& t);

/// Reads and checks alert-summary.txt.mustache, alert-summary.html.mustache,
/// alert-owner.txt.mustache and alert-owner.html.mustache from `dir`. Throws FileError naming
/// a missing or malformed one.
Templates load_templates(const std::string& dir);

struct Message {
  std::string kind;       ///< "summary" or "owner"
  std::string recipient;  ///< who: the owner's name, or "risk manager"
  std::string address;    ///< where: an e-mail address ("" when none is known)
  std::string subject;    ///< one line, control characters escaped
  std::string text;
  std::string html;

  /// SHA-256 over subject, text and HTML: what the register records as sent.
  std::string sha256() const;
  /// What identifies this message among a period's deliveries, as recorded in the register:
  /// "summary: risk manager <rm@example.org>", "owner: Jan Lefevre <jan@example.org>" (no
  /// address part when there is none). Unique within a plan even when the risk manager and an
  /// owner share an address, or an owner is called "risk manager".
  std::string key() const;
};

/// The risk manager's summary of `a` (every risk), or an owner's part (`a` already cut to
/// their risks by Alert::for_owner).
Message render_summary(const Alert& a, const Templates& t);
Message render_owner(const Alert& a, const Templates& t, const std::string& owner);

}  // namespace riskreg::alert
