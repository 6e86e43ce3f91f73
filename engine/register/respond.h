#pragma once
/// `riskreg respond ID treat|tolerate|transfer|terminate|none`: the decision about a risk above
/// the appetite line, checked before its transaction and written as one change of the risk's
/// "response" field (domain/response.h), audited and versioned like every other field.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/matrix.h"
#include "store/store.h"

namespace riskreg::lifecycle {

struct RespondRequest {
  std::string id;        ///< canonical
  std::string decision;  ///< as given: treat, tolerate, transfer, terminate or none (any case)
  std::optional<std::string> approver, until, to;
};

/// The longest acceptance the rules allow, in months: the flags file's param
/// `acceptance_max_months`, else 12.
int acceptance_max_months(const std::vector<RulesFile>& rules, const Matrix& m);

/// The change `req` asks for (kind events::kRespond; who, when and why left to fill), from the
/// risk's state `s`. Throws Error(InvalidInput) naming the option and the valid choices: an
/// unknown decision; tolerate without --approver or --until, or with an expiry not after
/// today or past the maximum; --to on anything but transfer (required there); --approver or
/// --until on anything but tolerate; a closed or unscored risk.
ChangeRequest respond_change(const RiskState& s, const std::vector<RulesFile>& rules, const Matrix& m, Timestamp now,
                             const RespondRequest& req);

/// The decision as a person reads it: "tolerate (accepted by Jane Doe until 2027-03-31 at C2)",
/// "transfer to Zurich Municipal", "treat", "none".
std::string response_shown(const Matrix& m, const std::string& stored);

/// A re-score's effect on an acceptance: when `stored` tolerates the risk at a score and
/// `to` is worse than it (a higher band, or a higher key in the matrix's order), the change
/// that ends the acceptance (kind events::kLapse, the response set to none; who, when left to
/// fill), else none.
std::optional<ChangeRequest> acceptance_lapse(const Matrix& m, const std::string& risk_id, const std::string& stored,
                                              const ScoreCodes& to);

}  // namespace riskreg::lifecycle
