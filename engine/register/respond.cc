#include "register/respond.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "audit/events.h"
#include "core/error.h"
#include "core/text.h"
#include "domain/response.h"
#include "register/lifecycle.h"
#include "rules/rule_set.h"
#include "store/changes.h"

namespace riskreg::lifecycle {

int acceptance_max_months(const std::vector<RulesFile>& rules, const Matrix& m) {
  auto set = rules::rule_set_from(rules, m);
  for (const auto& p : set.params)
    if (p.name == "acceptance_max_months" && p.type == rules::Type::Number && p.num >= 1 && p.num <= 120)
      return static_cast<int>(p.num);
  return 12;
}

namespace {
/// `today` plus `months` calendar months (the day clamped to the month's last).
std::string add_months(Timestamp today, int months) {
  using namespace std::chrono;
  year_month_day d{floor<days>(today)};
  year_month ym = year_month{d.year(), d.month()} + std::chrono::months(months);
  year_month_day_last last{ym.year(), month_day_last{ym.month()}};
  unsigned day = std::min(static_cast<unsigned>(d.day()), static_cast<unsigned>(last.day()));
  return format_date(Timestamp(sys_days(year_month_day{ym.year(), ym.month(), std::chrono::day{day}})));
}

/// The severity order rules/facts.cc's `direction` uses: band, then numeric score, then steps.
std::tuple<int, double, int> severity(const Matrix& m, Cell c) {
  return {m.band(c).rank, m.score(c).value_or(0), c.likelihood + c.impact};
}
}  // namespace

ChangeRequest respond_change(const RiskState& s, const std::vector<RulesFile>& rules, const Matrix& m, Timestamp now,
                             const RespondRequest& req) {
  const std::string& id = s.id;
  std::string decision = to_lower(trim(req.decision));
  std::vector<std::string> valid = response_kinds();
  valid.push_back("none");
  if (std::find(valid.begin(), valid.end(), decision) == valid.end())
    throw Error(ErrorKind::InvalidInput, id + ": '" + escape_controls(req.decision) + "' is not a response" +
                                             did_you_mean_suffix(decision, valid) + " (valid: " + join(valid, ", ") +
                                             ")");
  if (s.closed) throw Error(ErrorKind::InvalidInput, id + " is closed; reopen it before recording a decision");
  auto only = [&](const std::optional<std::string>& v, const char* option, const char* for_decision) {
    if (v && decision != for_decision)
      throw Error(ErrorKind::InvalidInput,
                  id + ": " + option + " goes with " + for_decision + " only, not " + decision);
  };
  only(req.approver, "--approver", "tolerate");
  only(req.until, "--until", "tolerate");
  only(req.to, "--to", "transfer");
  Response r;
  r.decision = decision;
  if (decision == "tolerate") {
    if (!req.approver || trim(*req.approver).empty())
      throw Error(ErrorKind::InvalidInput,
                  id + ": tolerate needs --approver WHO (who accepts the risk) and --until YYYY-MM-DD");
    check_text(id + ": --approver", *req.approver, false, true);
    r.approver = trim(*req.approver);
    if (!req.until) throw Error(ErrorKind::InvalidInput, id + ": tolerate needs --until YYYY-MM-DD (when it expires)");
    r.until = parse_date(id + ": --until", *req.until);
    std::string today = format_date(now);
    if (r.until <= today)
      throw Error(ErrorKind::InvalidInput,
                  id + ": --until " + r.until + " is not after today (" + today + "); an acceptance must expire later");
    int months = acceptance_max_months(rules, m);
    std::string latest = add_months(now, months);
    if (r.until > latest)
      throw Error(ErrorKind::InvalidInput, id + ": --until " + r.until + " is more than " + std::to_string(months) +
                                               " months ahead (latest " + latest +
                                               "; the rules' acceptance_max_months)");
    if (!s.current) throw Error(ErrorKind::InvalidInput, id + " has no score to accept; score it first");
    r.score = changes::score_text(s.current->score);
  } else if (decision == "transfer") {
    if (!req.to || trim(*req.to).empty())
      throw Error(ErrorKind::InvalidInput, id + ": transfer needs --to PARTY (an insurer, partner or contractor)");
    check_text(id + ": --to", *req.to, false, true);
    r.to = trim(*req.to);
  }
  std::string value = decision == "none" ? "" : response_value(r);
  if (value == s.response)
    throw Error(ErrorKind::InvalidInput,
                id + ": the decision is already " + response_shown(m, value) + "; nothing was written");
  ChangeRequest c;
  c.kind = events::kRespond;
  c.risk_id = id;
  c.edits.push_back({"response", EditOp::Set, value, 0});
  return c;
}

std::string response_shown(const Matrix& m, const std::string& stored) {
  auto r = parse_response(stored);
  if (!r) return "none";
  if (r->decision == "tolerate")
    return "tolerate (accepted by " + r->approver + " until " + r->until + " at " + score_shown(m, r->score) + ")";
  if (r->decision == "transfer") return "transfer to " + r->to;
  return r->decision;
}

std::optional<ChangeRequest> acceptance_lapse(const Matrix& m, const std::string& risk_id, const std::string& stored,
                                              const ScoreCodes& to) {
  auto r = parse_response(stored);
  if (!r || r->decision != "tolerate") return std::nullopt;
  auto accepted = changes::score_from_text(r->score);
  auto was = accepted ? m.cell(*accepted) : std::nullopt;
  auto now = m.cell(to);
  if (!now || (was && severity(m, *now) <= severity(m, *was))) return std::nullopt;
  ChangeRequest c;
  c.kind = events::kLapse;
  c.risk_id = risk_id;
  c.edits.push_back({"response", EditOp::Set, "", 0});
  c.reason = "acceptance ended: re-scored to " + m.format(*now) + ", worse than the " +
             (was ? m.format(*was) : std::string("score")) + " accepted by " + r->approver;
  return c;
}

}  // namespace riskreg::lifecycle
