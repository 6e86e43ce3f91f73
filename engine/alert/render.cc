#include "alert/render.h"

#include <fstream>
#include <sstream>

#include <mstch/mstch.hpp>

#include "audit/chain.h"
#include "core/error.h"

namespace riskreg::alert {

namespace {

std::string read_template(const std::string& dir, const std::string& name) {
  std::string path = dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(SourcePos{path, 0, 0}, "cannot read the alert template");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mstch::array texts(const std::vector<std::string>& v) {
  mstch::array out;
  for (const auto& s : v) out.push_back(mstch::map{{"text", s}});
  return out;
}

mstch::map risk_node(const AlertRisk& r) {
  mstch::array priorities;
  for (const auto& p : r.priorities) {
    mstch::array actions;
    for (const auto& a : p.actions)
      actions.push_back(
          mstch::map{{"id", a.id},
                     {"text", a.text},
                     {"lead_officers", a.lead_officers.empty() ? std::string("none named") : a.lead_officers},
                     {"due", a.due.empty() ? std::string("no date") : a.due}});
    priorities.push_back(
        mstch::map{{"id", p.id}, {"title", p.title}, {"actions", actions}, {"has_actions", !actions.empty()}});
  }
  return mstch::map{{"id", r.id},
                    {"title", r.title},
                    {"owner", r.owner.empty() ? std::string("unassigned") : r.owner},
                    {"score", r.score},
                    {"band", r.band},
                    {"movement", r.movement},
                    {"flags", texts(r.flags)},
                    {"has_flags", !r.flags.empty()},
                    {"upstream", texts(r.upstream)},
                    {"has_upstream", !r.upstream.empty()},
                    {"priorities", priorities},
                    {"has_priorities", !r.priorities.empty()}};
}

mstch::map context_of(const Alert& a, const std::string& recipient) {
  mstch::array sections;
  auto section = [&](const char* title, const std::vector<AlertRisk>& risks) {
    if (risks.empty()) return;
    mstch::array nodes;
    for (const auto& r : risks) nodes.push_back(risk_node(r));
    sections.push_back(
        mstch::map{{"title", std::string(title)}, {"count", static_cast<int>(risks.size())}, {"risks", nodes}});
  };
  section("Newly above appetite", a.newly_above);
  section("Still above appetite", a.still_above);
  section("Dropped below appetite since last period", a.dropped_below);
  return mstch::map{{"register", a.register_name},
                    {"period", a.period},
                    {"as_of", a.as_of},
                    {"previous_as_of", a.previous_as_of},
                    {"recipient", recipient},
                    {"newly_count", static_cast<int>(a.newly_above.size())},
                    {"still_count", static_cast<int>(a.still_above.size())},
                    {"dropped_count", static_cast<int>(a.dropped_below.size())},
                    {"above_count", static_cast<int>(a.newly_above.size() + a.still_above.size())},
                    {"sections", sections},
                    {"nothing", sections.empty()}};
}

/// A header-safe line: control characters (CR, LF, tabs) become spaces.
std::string one_line(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

std::string subject_of(const Alert& a, const std::string& who) {
  size_t above = a.newly_above.size() + a.still_above.size();
  std::string s = "[riskreg] " + a.register_name + " " + a.period + ": " + std::to_string(above) +
                  (above == 1 ? " risk" : " risks") + " above appetite";
  if (!a.newly_above.empty()) s += " (" + std::to_string(a.newly_above.size()) + " new)";
  if (!who.empty()) s += " - " + who;
  return one_line(s);
}

}  // namespace

Templates load_templates(const std::string& dir) {
  return {read_template(dir, "alert-summary.txt.mustache"), read_template(dir, "alert-summary.html.mustache"),
          read_template(dir, "alert-owner.txt.mustache"), read_template(dir, "alert-owner.html.mustache")};
}

std::string Message::sha256() const { return sha256_hex(subject + '\0' + text + '\0' + html); }

Message render_summary(const Alert& a, const Templates& t) {
  auto ctx = context_of(a, "risk manager");
  return {"summary",
          "risk manager",
          "",
          subject_of(a, ""),
          mstch::render(t.summary_text, ctx),
          mstch::render(t.summary_html, ctx)};
}

Message render_owner(const Alert& a, const Templates& t, const std::string& owner) {
  auto ctx = context_of(a, owner);
  return {"owner", owner, "", subject_of(a, owner), mstch::render(t.owner_text, ctx), mstch::render(t.owner_html, ctx)};
}

}  // namespace riskreg::alert
