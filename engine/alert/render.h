#pragma once
/// Rendering an alert into messages with mustache templates (mstch). HTML bodies escape all
/// register text through `{{ }}`; plain-text bodies insert it verbatim.
#include <string>

#include "alert/build.h"

namespace riskreg::alert {

/// The four templates: a summary for the risk manager and a part for each owner, each as
/// plain text and HTML.
struct Templates {
  std::string summary_text, summary_html, owner_text, owner_html;
};

/// Reads alert-summary.txt.mustache, alert-summary.html.mustache, alert-owner.txt.mustache and
/// alert-owner.html.mustache from `dir`. Throws FileError naming a missing one.
Templates load_templates(const std::string& dir);

struct Message {
  std::string kind;       ///< "summary" or "owner"
  std::string recipient;  ///< who: the owner's name, or "risk manager"
  std::string address;    ///< where: an e-mail address ("" when none is known)
  std::string subject;    ///< one line, no control characters
  std::string text;
  std::string html;

  /// SHA-256 over subject, text and HTML: what the register records as sent.
  std::string sha256() const;
};

/// The risk manager's summary of `a` (every risk), or an owner's part (`a` already cut to
/// their risks by Alert::for_owner).
Message render_summary(const Alert& a, const Templates& t);
Message render_owner(const Alert& a, const Templates& t, const std::string& owner);

}  // namespace riskreg::alert
