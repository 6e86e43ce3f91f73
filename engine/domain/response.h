#pragma once
/// The decision recorded about a risk above the appetite line (`riskreg respond`): one of the
/// four responses of UK public-sector practice. It is one field of the risk ("response"),
/// versioned like the others: its value is "" (no decision) or a JSON object
/// {"decision": "tolerate", "approver": "...", "until": "YYYY-MM-DD", "score": "C/2"} with the
/// members its decision takes: an acceptance (tolerate) names its approver, its expiry and the
/// score it was given for; a transfer names the party it went to.
#include <optional>
#include <string>
#include <vector>

namespace riskreg {

/// treat, tolerate, transfer, terminate: what `respond` accepts (and "none" to withdraw).
const std::vector<std::string>& response_kinds();

struct Response {
  std::string decision;  ///< one of response_kinds()
  std::string approver;  ///< tolerate
  std::string until;     ///< tolerate: YYYY-MM-DD, the acceptance's expiry
  std::string score;     ///< tolerate: the score accepted, as store/changes.h score_text ("C/2")
  std::string to;        ///< transfer: the party (insurer, partner, contractor)
};

/// The stored value's decision; none for "" (no decision) or a value that is not one.
std::optional<Response> parse_response(const std::string& stored);

/// The value stored for `r` (canonical JSON: the same bytes on every store).
std::string response_value(const Response& r);

}  // namespace riskreg
