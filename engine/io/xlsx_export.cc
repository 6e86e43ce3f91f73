#include "io/xlsx_export.h"

#include <algorithm>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "io/export_history.h"
#include "io/export_walk.h"
#include "io/xlsx_module.h"

using nlohmann::json;

namespace riskreg::exporting {

namespace {

/// How a flag's severity shows in the Flags column: critical red and bold, warning amber.
const char* severity_ink(rules::Severity s) {
  switch (s) {
    case rules::Severity::Critical:
      return "#B00020";
    case rules::Severity::Warning:
      return "#9A6700";
    case rules::Severity::Info:
      return "#555555";
  }
  return "";
}

/// The manifest as (key, value) rows: nested keys joined with dots, list items numbered.
void flatten(const json& j, const std::string& key, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto& [k, v] : j.items()) flatten(v, key.empty() ? k : key + "." + k, out);
  } else if (j.is_array() && !j.empty()) {
    for (size_t i = 0; i < j.size(); ++i) flatten(j[i], key + "[" + std::to_string(i) + "]", out);
  } else {
    out.emplace_back(key, j.is_string() ? j.get<std::string>() : j.is_null() ? "" : j.dump());
  }
}

}  // namespace

size_t fit_xlsx_cell(std::string& text) {
  if (text.size() <= kXlsxCellMax) return 0;  // a UTF-16 unit takes at least one byte
  // UTF-16 units and characters so far, and where each character starts.
  size_t units = 0, chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;
    ++chars;
    units += c >= 0xF0 ? 2 : 1;
  }
  if (units <= kXlsxCellMax) return 0;
  const std::string mark = "\n[... cut by riskreg: " + std::to_string(chars) +
                           " characters in all, more than an Excel cell holds; the whole text is in the CSV and "
                           "JSON exports]";
  const size_t room = kXlsxCellMax - mark.size();  // the marker is ASCII: one unit a byte
  size_t end = 0;
  units = 0;
  while (end < text.size()) {
    auto c = static_cast<unsigned char>(text[end]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, u = c >= 0xF0 ? 2 : 1;
    if (units + u > room) break;
    units += u;
    end += len;
  }
  text.resize(std::min(end, text.size()));
  text += mark;
  return chars;
}

void write_xlsx(Store& store, const Matrix& m, const std::string& path, const std::optional<std::string>& as_of,
                Timestamp now, ExportSummary& sum, const std::function<void()>& tick,
                const std::function<json(const ExportSummary&)>& manifest) {
  auto book = xlsx().open(path);
  XlsxBook& wb = *book;
  const std::vector<std::string> hist_cols = {"id",   "risk", "score", "likelihood", "impact",
                                              "band", "by",   "at",    "reason"};
  const std::vector<std::string> feed_cols = {"from", "to", "basis", "transition_probability"};
  const auto& owner_cols = owner_history_columns();
  const auto& field_cols = field_history_columns();
  const auto& risk_cols = export_risk_columns();
  int risks = wb.sheet("Risks", risk_cols);
  int hist = wb.sheet("Assessments", hist_cols);
  int feeds = wb.sheet("Feeds", feed_cols);
  std::vector<int> counts(static_cast<size_t>(m.cell_count()), 0);
  auto fill_of = [&](const std::string& band) -> std::string {
    for (const auto& b : m.bands)
      if (b.name == band) return b.colour;
    return "";
  };
  // The "Decisions" sheet: every open risk above appetite with the decision in force (the HTML
  // page's "Decisions above appetite" table, whole); who recorded it, when and why come from its
  // last "response" change, read with the field history after the walk.
  struct Decision {
    std::string id, score, decision, terms, until;
  };
  std::vector<Decision> decisions;
  json truncated = json::array();
  // Cuts each over-long cell of a row, noting it for the manifest.
  auto fit = [&](std::vector<XlsxCell>& cells, const char* sheet, const std::vector<std::string>& cols, int64_t row,
                 const std::string& risk) {
    for (size_t c = 0; c < cells.size(); ++c)
      if (size_t n = fit_xlsx_cell(cells[c].text))
        truncated.push_back(
            {{"sheet", sheet}, {"row", row + 1}, {"column", cols[c]}, {"risk", risk}, {"characters", n}});
  };
  walk(
      store, m, as_of, now,
      [&](const RiskRow& r) {
        std::vector<XlsxCell> row = {r.id,
                                     r.title,
                                     r.owner,
                                     r.current,
                                     r.target,
                                     r.band,
                                     r.above_appetite ? "yes" : "no",
                                     lines(r.controls),
                                     r.heading,
                                     r.vulnerability,
                                     lines(r.triggers),
                                     lines(r.consequences),
                                     lines(r.notes),
                                     lines(r.priorities),
                                     lines(r.actions),
                                     lines(r.feeds_to),
                                     lines(r.flags),
                                     r.status,
                                     r.response,
                                     r.response_terms};
        row[5].fill = fill_of(r.band);
        if (!r.flag_severities.empty()) {
          auto worst = *std::max_element(r.flag_severities.begin(), r.flag_severities.end());
          row[16].ink = severity_ink(worst);
          row[16].bold = worst == rules::Severity::Critical;
        }
        if (r.above_appetite) row[6].bold = true;
        if (r.above_appetite && r.status != "closed")
          decisions.push_back({r.id, r.current, r.response, r.response_terms, r.response_until});
        fit(row, "Risks", risk_cols, sum.risks + 1, r.id);
        wb.row(risks, static_cast<uint32_t>(++sum.risks), row);
        // A closed risk (riskreg close) stays in the Risks sheet, marked closed, off the heat map.
        if (auto c = r.current.empty() || r.status == "closed" ? std::nullopt : m.parse(r.current))
          ++counts[static_cast<size_t>(m.index(*c))];
        for (const Feed& f : r.feeds)
          wb.row(feeds, static_cast<uint32_t>(++sum.feeds),
                 {f.from, f.to, f.basis, f.transition_probability ? json(*f.transition_probability).dump() : ""});
        tick();
      },
      [&](const AssessmentRow& a) {
        std::vector<XlsxCell> row = {std::to_string(a.id),
                                     a.risk_id,
                                     score_text(m, a.score),
                                     a.score.likelihood,
                                     a.score.impact,
                                     band_text(m, a.score),
                                     a.by,
                                     a.at,
                                     a.reason};
        row[5].fill = fill_of(row[5].text);
        row[7].date = true;
        fit(row, "Assessments", hist_cols, sum.assessments + 1, a.risk_id);
        wb.row(hist, static_cast<uint32_t>(++sum.assessments), row);
        tick();
      });
  wb.filter(risks, static_cast<uint32_t>(sum.risks), risk_cols.size());
  wb.filter(hist, static_cast<uint32_t>(sum.assessments), hist_cols.size());
  wb.filter(feeds, static_cast<uint32_t>(sum.feeds), feed_cols.size());
  wb.heat_map(m, counts);

  // The histories (by the as-of time), read after the walk, written after the Manifest sheet
  // (whose counts they are part of).
  std::vector<std::vector<XlsxCell>> owner_rows, field_rows;
  std::unordered_map<std::string, ChangeRow> last_response;  // by risk
  auto cells_of = [](const std::vector<std::string>& texts) {
    std::vector<XlsxCell> row;
    for (const auto& t : texts) row.emplace_back(t);
    return row;
  };
  for_each_owner_row(store, as_of, [&](const OwnerChange& o, const std::vector<std::string>& texts) {
    auto row = cells_of(texts);
    row[3].date = true;
    fit(row, "Owner history", owner_cols, ++sum.owner_history, o.risk_id);
    owner_rows.push_back(std::move(row));
    tick();
  });
  for_each_field_row(store, m, as_of, [&](const ChangeRow& c, const std::vector<std::string>& texts) {
    if (c.field == "response") last_response[c.subject] = c;
    auto row = cells_of(texts);
    row[0].date = true;
    fit(row, "Field history", field_cols, ++sum.field_history, c.subject);
    field_rows.push_back(std::move(row));
    tick();
  });

  json mj = manifest(sum);
  mj["xlsx_truncated"] = truncated;
  int man = wb.sheet("Manifest", {"key", "value"});
  std::vector<std::pair<std::string, std::string>> kv;
  flatten(mj, "", kv);
  uint32_t r = 0;
  for (auto& [k, v] : kv) {
    std::vector<XlsxCell> row = {k, v};
    fit(row, "Manifest", {"key", "value"}, r + 1, "");
    wb.row(man, ++r, row);
  }
  int owners = wb.sheet("Owner history", owner_cols);
  uint32_t orow = 0;
  for (auto& row : owner_rows) wb.row(owners, ++orow, row);
  wb.filter(owners, orow, owner_cols.size());
  int fields = wb.sheet("Field history", field_cols);
  uint32_t frow = 0;
  for (auto& row : field_rows) wb.row(fields, ++frow, row);
  wb.filter(fields, frow, field_cols.size());
  const std::vector<std::string> decision_cols = {"risk", "score", "decision", "terms",
                                                  "by",   "since", "until",    "reason"};
  int dec = wb.sheet("Decisions", decision_cols);
  uint32_t drow = 0;
  for (auto& d : decisions) {
    auto last = d.decision.empty() ? last_response.end() : last_response.find(d.id);
    const bool known = last != last_response.end();
    std::vector<XlsxCell> row = {d.id,
                                 d.score,
                                 d.decision.empty() ? "none recorded" : d.decision,
                                 d.terms,
                                 known ? last->second.by : "",
                                 known ? last->second.at : "",
                                 d.until,
                                 known ? last->second.reason : ""};
    if (auto c = m.parse(d.score)) row[1].fill = m.band(*c).colour;
    if (d.decision.empty()) {  // no decision above the line: what NO_RESPONSE flags, critical
      row[2].ink = severity_ink(rules::Severity::Critical);
      row[2].bold = true;
    }
    row[5].date = true;
    row[6].date = true;
    fit(row, "Decisions", decision_cols, drow + 1, d.id);
    wb.row(dec, ++drow, row);
  }
  wb.filter(dec, drow, decision_cols.size());
  wb.close();
}

}  // namespace riskreg::exporting
