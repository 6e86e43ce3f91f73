#include "alert/render.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include <mstch/mstch.hpp>

#include "alert/address.h"
#include "audit/chain.h"
#include "core/error.h"
#include "core/text.h"

namespace riskreg::alert {

namespace {

Template read_template(const std::string& dir, const std::string& name) {
  std::string path = dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(SourcePos{path, 0, 0}, "cannot read the alert template");
  std::ostringstream ss;
  ss << in.rdbuf();
  Template t{path, ss.str()};
  check_template(t);
  return t;
}

/// Register text as the templates see it: controls written visibly.
std::string clean(const std::string& s) { return escape_controls(s); }

/// A colour from the rules file, as CSS may receive it: "#rgb" or "#rrggbb", else grey.
std::string css_colour(const std::string& c) {
  bool ok = (c.size() == 4 || c.size() == 7) && c[0] == '#';
  for (size_t i = 1; ok && i < c.size(); ++i) ok = std::isxdigit(static_cast<unsigned char>(c[i])) != 0;
  return ok ? c : "#999999";
}

/// Black or white, whichever reads better on `bg` (a css_colour).
std::string text_on(const std::string& bg) {
  auto channel = [&](int i) {
    std::string h = bg.size() == 4 ? std::string(2, bg[1 + i]) : bg.substr(1 + 2 * i, 2);
    return std::stoi(h, nullptr, 16);
  };
  double lum = 0.299 * channel(0) + 0.587 * channel(1) + 0.114 * channel(2);
  return lum > 140 ? "#000000" : "#ffffff";
}

mstch::array texts(const std::vector<std::string>& v) {
  mstch::array out;
  for (const auto& s : v) out.push_back(mstch::map{{"text", clean(s)}});
  return out;
}

mstch::map risk_node(const AlertRisk& r) {
  mstch::array priorities;
  for (const auto& p : r.priorities) {
    mstch::array actions;
    for (const auto& a : p.actions)
      actions.push_back(
          mstch::map{{"id", clean(a.id)},
                     {"text", clean(a.text)},
                     {"lead_officers", a.lead_officers.empty() ? std::string("none named") : clean(a.lead_officers)},
                     {"due", a.due.empty() ? std::string("no date") : clean(a.due)},
                     {"overdue", a.overdue}});
    priorities.push_back(mstch::map{
        {"id", clean(p.id)}, {"title", clean(p.title)}, {"actions", actions}, {"has_actions", !actions.empty()}});
  }
  std::vector<std::string> upstream;
  for (const auto& f : r.upstream) upstream.push_back(f.text());
  std::string colour = css_colour(r.band_colour);
  mstch::map node{{"id", clean(r.id)},
                  {"title", clean(r.title)},
                  {"owner", r.owner.empty() ? std::string("unassigned") : clean(r.owner)},
                  {"score", clean(r.score)},
                  {"band", clean(r.band)},
                  {"band_colour", colour},
                  {"band_text", text_on(colour)},
                  {"movement", clean(r.movement)},
                  {"has_rescore", r.rescore.has_value()},
                  {"flags", texts(r.flags)},
                  {"has_flags", !r.flags.empty()},
                  {"upstream", texts(upstream)},
                  {"has_upstream", !r.upstream.empty()},
                  {"priorities", priorities},
                  {"has_priorities", !r.priorities.empty()},
                  {"overdue_actions", r.overdue_actions},
                  {"decision", clean(r.decision_text)},
                  {"undecided", r.decision == "none"},
                  {"has_overdue", r.overdue_actions > 0}};
  if (r.rescore)
    node["rescore"] = mstch::map{{"by", clean(r.rescore->by)},
                                 {"at", clean(r.rescore->at)},
                                 {"date", clean(r.rescore->at.substr(0, 10))},
                                 {"reason", clean(r.rescore->reason)}};
  return node;
}

mstch::map context_of(const Alert& a, const std::string& recipient) {
  mstch::array sections, table;
  auto section = [&](const char* title, const char* short_title, const std::vector<AlertRisk>& risks) {
    if (risks.empty()) return;
    mstch::array nodes;
    for (const auto& r : risks) {
      nodes.push_back(risk_node(r));
      auto row = risk_node(r);
      row["section"] = std::string(short_title);
      table.push_back(std::move(row));
    }
    sections.push_back(
        mstch::map{{"title", std::string(title)}, {"count", static_cast<int>(risks.size())}, {"risks", nodes}});
  };
  section("Newly above appetite", "newly above", a.newly_above);
  section("Still above appetite", "still above", a.still_above);
  section("Dropped below appetite since last period", "dropped below", a.dropped_below);

  mstch::array headline;
  for (const auto& c : a.changes)
    headline.push_back(
        mstch::map{{"what", c.what}, {"count", static_cast<int>(c.ids.size())}, {"ids", join(c.ids, ", ")}});

  mstch::array decisions;
  for (const auto& g : a.decisions) {
    std::vector<std::string> items;
    for (const auto& i : g.items) items.push_back(clean(i));
    decisions.push_back(mstch::map{{"title", g.title},
                                   {"decision", g.decision},
                                   {"count", static_cast<int>(g.items.size())},
                                   {"items", join(items, "; ")}});
  }

  mstch::array heat, columns;
  for (const auto& code : a.impact_codes) columns.push_back(mstch::map{{"code", clean(code)}});
  for (const auto& row : a.heat) {
    mstch::array cells;
    for (const auto& c : row.cells) {
      std::string colour = css_colour(c.colour);
      cells.push_back(mstch::map{{"score", clean(c.score)},
                                 {"colour", colour},
                                 {"text_colour", text_on(colour)},
                                 {"above", c.above},
                                 {"count", c.count},
                                 {"has_count", c.count > 0}});
    }
    heat.push_back(mstch::map{{"likelihood", clean(row.likelihood)}, {"cells", cells}});
  }
  std::vector<std::string> common;
  for (const auto& f : a.common_flags) common.push_back(clean(f));

  mstch::array closed;
  for (const auto& c : a.closed)
    closed.push_back(mstch::map{{"id", clean(c.id)},
                                {"title", clean(c.title)},
                                {"owner", c.owner.empty() ? std::string("unassigned") : clean(c.owner)},
                                {"score", c.score.empty() ? std::string("unscored") : clean(c.score)},
                                {"band", clean(c.band)},
                                {"has_band", !c.band.empty()},
                                {"above", c.above_appetite},
                                {"by", clean(c.by)},
                                {"date", clean(c.at.substr(0, 10))},
                                {"reason", clean(c.reason)}});
  mstch::array reviews;
  std::vector<std::string> overdue_ids;
  for (const auto& r : a.reviews) {
    if (r.overdue) overdue_ids.push_back(r.id);
    reviews.push_back(mstch::map{{"id", clean(r.id)},
                                 {"title", clean(r.title)},
                                 {"owner", r.owner.empty() ? std::string("unassigned") : clean(r.owner)},
                                 {"due", clean(r.due)},
                                 {"overdue", r.overdue},
                                 {"days_overdue", r.days_overdue},
                                 {"one_day", r.days_overdue == 1},
                                 {"last_review", r.last_review.empty() ? std::string("never") : clean(r.last_review)}});
  }
  return mstch::map{{"register", clean(a.register_name)},
                    {"period", a.period},
                    {"zone", a.zone},
                    {"as_of", a.as_of},
                    {"previous_as_of", a.previous_as_of},
                    {"as_of_local", a.as_of_local},
                    {"previous_as_of_local", a.previous_as_of_local},
                    {"recipient", clean(recipient)},
                    {"newly_count", static_cast<int>(a.newly_above.size())},
                    {"still_count", static_cast<int>(a.still_above.size())},
                    {"dropped_count", static_cast<int>(a.dropped_below.size())},
                    {"above_count", static_cast<int>(a.newly_above.size() + a.still_above.size())},
                    {"sections", sections},
                    {"table", table},
                    {"has_table", !table.empty()},
                    {"headline", headline},
                    {"has_headline", !headline.empty()},
                    {"no_change", a.held_assessment && a.held_previous && headline.empty()},
                    {"first_period", a.held_assessment && !a.held_previous},
                    {"no_assessment", !a.held_assessment},
                    {"common_flags", join(common, ", ")},
                    {"has_common_flags", !common.empty()},
                    {"heat", heat},
                    {"heat_columns", columns},
                    {"closed", closed},
                    {"has_closed", !closed.empty()},
                    {"closed_count", static_cast<int>(closed.size())},
                    {"reviews", reviews},
                    {"has_reviews", !reviews.empty()},
                    {"reviews_count", static_cast<int>(reviews.size())},
                    {"overdue_count", static_cast<int>(overdue_ids.size())},
                    {"has_overdue_reviews", !overdue_ids.empty()},
                    {"overdue_ids", join(overdue_ids, ", ")},
                    {"review_by", a.review_by},
                    {"today", a.today},
                    {"decisions", decisions},
                    {"has_decisions", !decisions.empty()},
                    {"expiring", texts(a.expiring)},
                    {"has_expiring", !a.expiring.empty()},
                    {"expired", texts(a.expired)},
                    {"has_expired", !a.expired.empty()},
                    {"nothing", a.held_assessment && sections.empty()}};
}

/// The subject: one line, control characters written visibly.
std::string subject_of(const Alert& a, const std::string& who) {
  if (!a.held_assessment)
    return escape_controls("[riskreg] " + a.register_name + " " + a.period + ": no assessment held yet" +
                           (who.empty() ? "" : " - " + who));
  size_t above = a.newly_above.size() + a.still_above.size();
  std::string s = "[riskreg] " + a.register_name + " " + a.period + ": " + std::to_string(above) +
                  (above == 1 ? " risk" : " risks") + " above appetite";
  if (!a.newly_above.empty()) s += " (" + std::to_string(a.newly_above.size()) + " new)";
  if (!who.empty()) s += " - " + who;
  return escape_controls(s);
}

std::string render(const Template& t, const mstch::map& ctx) {
  try {
    return mstch::render(t.text, ctx);
  } catch (const std::exception& e) {
    throw FileError(SourcePos{t.path, 0, 0}, std::string("cannot render the alert template: ") + e.what());
  }
}

}  // namespace

void check_template(const Template& t) {
  const std::string& s = t.text;
  struct Open {
    std::string name;
    int line, col;
  };
  std::vector<Open> open;
  int line = 1;
  size_t line_start = 0;
  auto fail = [&](size_t at, const std::string& problem) {
    size_t end = s.find('\n', line_start);
    throw FileError(SourcePos{t.path, line, static_cast<int>(at - line_start) + 1}, problem,
                    s.substr(line_start, end == std::string::npos ? std::string::npos : end - line_start));
  };
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    if (s.compare(i, 2, "{{") != 0) {
      ++i;
      continue;
    }
    bool triple = s.compare(i, 3, "{{{") == 0;
    const char* close = triple ? "}}}" : "}}";
    size_t end = s.find(close, i);
    if (end == std::string::npos) fail(i, std::string("a tag opened here is never closed with '") + close + "'");
    std::string body = s.substr(i + (triple ? 3 : 2), end - i - (triple ? 3 : 2));
    size_t newline = body.find('\n');
    if (newline != std::string::npos && (body.empty() || body[0] != '!'))
      fail(i, std::string("a tag opened here is not closed on its line with '") + close + "'");
    char kind = body.empty() ? '\0' : body[0];
    std::string name = body;
    if (!triple &&
        (kind == '#' || kind == '^' || kind == '/' || kind == '&' || kind == '!' || kind == '>' || kind == '='))
      name = body.substr(1);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (!triple && kind == '!') {
      // A comment may span lines.
      for (size_t k = i; k < end; ++k)
        if (s[k] == '\n') ++line, line_start = k + 1;
    } else if (!triple && (kind == '>' || kind == '=')) {
      fail(i, kind == '>' ? "partials ({{> name}}) are not supported in alert templates"
                          : "changing delimiters ({{= =}}) is not supported in alert templates");
    } else if (name.empty()) {
      fail(i, "an empty tag: expected a name between the braces");
    } else if (!triple && (kind == '#' || kind == '^')) {
      open.push_back({name, line, static_cast<int>(i - line_start) + 1});
    } else if (!triple && kind == '/') {
      if (open.empty()) fail(i, "'{{/" + name + "}}' closes a section that was never opened");
      if (open.back().name != name)
        fail(i, "'{{/" + name + "}}' closes '" + open.back().name + "', opened at line " +
                    std::to_string(open.back().line) + "; expected '{{/" + open.back().name + "}}'");
      open.pop_back();
    }
    i = end + std::string(close).size();
  }
  if (!open.empty()) {
    const auto& o = open.back();
    throw FileError(SourcePos{t.path, o.line, o.col},
                    "section '" + o.name + "' is never closed (expected '{{/" + o.name + "}}')");
  }
}

Templates load_templates(const std::string& dir) {
  return {read_template(dir, "alert-summary.txt.mustache"), read_template(dir, "alert-summary.html.mustache"),
          read_template(dir, "alert-owner.txt.mustache"), read_template(dir, "alert-owner.html.mustache")};
}

std::string Message::sha256() const { return sha256_hex(subject + '\0' + text + '\0' + html); }

std::string Message::key() const {
  std::string k = kind + ": " + escape_controls(recipient);
  if (!address.empty()) k += " <" + address + ">";
  return k;
}

Message render_summary(const Alert& a, const Templates& t) {
  auto ctx = context_of(a, "risk manager");
  return {"summary", "risk manager", "", subject_of(a, ""), render(t.summary_text, ctx), render(t.summary_html, ctx)};
}

Message render_owner(const Alert& a, const Templates& t, const std::string& owner) {
  auto ctx = context_of(a, owner);
  return {"owner", owner, "", subject_of(a, owner), render(t.owner_text, ctx), render(t.owner_html, ctx)};
}

}  // namespace riskreg::alert
