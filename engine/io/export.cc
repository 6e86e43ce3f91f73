#include "io/export.h"

#include <filesystem>
#include <fstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/text.h"
#include "io/csv.h"
#include "io/export_html.h"
#include "io/export_walk.h"
#include "io/xlsx_module.h"
#include "register/risk_view.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace riskreg {

using exporting::band_text;
using exporting::lines;
using exporting::RiskRow;
using exporting::score_text;
using exporting::walk;

const std::vector<std::string>& export_risk_columns() {
  static const std::vector<std::string> c = {
      "id",           "title",    "owner",    "current",      "target",   "band",       "above_appetite",
      "controls",     "heading",  "vulnerability", "triggers", "consequences", "notes", "priorities",
      "actions",      "feeds_to", "flags"};
  return c;
}

namespace {

std::ofstream open_out(const fs::path& p) {
  std::ofstream f(p, std::ios::binary);
  if (!f) throw Error(ErrorKind::Internal, "cannot write " + p.string());
  return f;
}

void close_out(std::ofstream& f, const fs::path& p) {
  f.close();
  if (!f) throw Error(ErrorKind::Internal, "cannot write " + p.string() + " (disk full?)");
}

json manifest(Store& store, const Matrix& m, ExportFormat format, const ExportSummary& sum,
              const std::optional<std::string>& as_of) {
  json rules = json::array();
  for (const auto& f : store.rules()) rules.push_back({{"name", f.name}, {"sha256", f.sha256}});
  json j = {{"riskreg_version", RISKREG_VERSION},
            {"format", format == ExportFormat::Csv    ? "csv"
                       : format == ExportFormat::Json ? "json"
                       : format == ExportFormat::Xlsx ? "xlsx"
                                                      : "html"},
            {"register", store.info().name},
            {"matrix", m.name},
            {"rules", rules},
            {"as_of", as_of ? json(*as_of) : json(nullptr)},
            {"rows", {{"risks", sum.risks}, {"assessments", sum.assessments}, {"feeds", sum.feeds}}},
            {"audit_head", sum.audit_head}};
  // The chain as it stood then: the last entry made by the as-of time.
  if (as_of) j["audit_head_as_of"] = store.audit_head(as_of);
  return j;
}


}  // namespace

ExportSummary export_register(Store& store, const Matrix& m, ExportFormat format, const std::string& out_path,
                              bool force, const std::optional<std::string>& as_of, std::optional<Timestamp> now_opt,
                              Progress* progress) {
  const Timestamp now = now_opt ? *now_opt : SystemClock().now();
  int64_t rows_done = 0;
  auto tick = [&] {
    if (progress) progress->rows(++rows_done);
  };
  struct Finish {
    Progress* p;
    ~Finish() {
      if (p) p->finish();
    }
  } finish{progress};
  fs::path out(out_path);
  if (fs::exists(fs::symlink_status(out)) && !force)
    throw Error(ErrorKind::Conflict, out_path + " already exists; use --force to overwrite it");
  fs::path tmp = out;
  tmp += ".riskreg-export-tmp";
  fs::path side = tmp;
  side += ".assessments";
  fs::remove_all(tmp);

  ExportSummary sum;
  sum.audit_head = store.audit_head();
  // Feeds between risks that both exist at the as-of time; the ids are known after the walk.
  auto feeds_of = [&](const auto& keep, const auto& emit) {
    store.for_each_feed([&](const Feed& f) {
      if (keep(f.from) && keep(f.to)) {
        emit(f);
        ++sum.feeds;
      }
    });
  };
  try {
    std::unordered_set<std::string> ids;  // risks exported as of a time (for the feeds filter)
    auto keep = [&](const std::string& id) { return !as_of || ids.count(id) > 0; };
    if (format == ExportFormat::Csv) {
      fs::create_directories(tmp);
      auto risks = open_out(tmp / "risks.csv");
      auto hist = open_out(tmp / "assessments.csv");
      write_csv_row(risks, export_risk_columns());
      write_csv_row(hist, {"id", "risk", "score", "likelihood", "impact", "band", "by", "at", "reason"});
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            write_csv_record(risks, {r.id, r.title, r.owner, r.current, r.target, r.band,
                                  r.above_appetite ? "yes" : "no", lines(r.controls), r.heading, r.vulnerability,
                                  lines(r.triggers), lines(r.consequences), lines(r.notes), lines(r.priorities),
                                  lines(r.actions), lines(r.feeds_to), lines(r.flags)});
            if (as_of) ids.insert(r.id);
            ++sum.risks;
            tick();
          },
          [&](const AssessmentRow& a) {
            write_csv_record(hist, {std::to_string(a.id), a.risk_id, score_text(m, a.score), a.score.likelihood,
                                 a.score.impact, band_text(m, a.score), a.by, a.at, a.reason});
            ++sum.assessments;
            tick();
          });
      close_out(risks, tmp / "risks.csv");
      close_out(hist, tmp / "assessments.csv");
      auto feeds = open_out(tmp / "feeds.csv");
      write_csv_row(feeds, {"from", "to", "basis", "transition_probability"});
      feeds_of(keep, [&](const Feed& f) {
        write_csv_row(feeds, {f.from, f.to, f.basis, f.transition_probability ? json(*f.transition_probability).dump() : ""});
      });
      close_out(feeds, tmp / "feeds.csv");
      auto man = open_out(tmp / "manifest.json");
      man << manifest(store, m, format, sum, as_of).dump(2) << "\n";
      close_out(man, tmp / "manifest.json");
    } else if (format == ExportFormat::Xlsx) {
      auto book = xlsx().open(tmp.string());
      XlsxBook& wb = *book;
      const std::vector<std::string> hist_cols = {"id", "risk", "score", "likelihood", "impact",
                                                  "band", "by", "at", "reason"};
      const std::vector<std::string> feed_cols = {"from", "to", "basis", "transition_probability"};
      int risks = wb.sheet("Risks", export_risk_columns());
      int hist = wb.sheet("Assessments", hist_cols);
      std::vector<int> counts(static_cast<size_t>(m.cell_count()), 0);
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            wb.row(risks, static_cast<uint32_t>(++sum.risks),
                   {r.id, r.title, r.owner, r.current, r.target, r.band, r.above_appetite ? "yes" : "no",
                    lines(r.controls), r.heading, r.vulnerability, lines(r.triggers), lines(r.consequences),
                    lines(r.notes), lines(r.priorities), lines(r.actions), lines(r.feeds_to), lines(r.flags)});
            if (auto c = r.current.empty() ? std::nullopt : m.parse(r.current)) ++counts[static_cast<size_t>(m.index(*c))];
            if (as_of) ids.insert(r.id);
            tick();
          },
          [&](const AssessmentRow& a) {
            wb.row(hist, static_cast<uint32_t>(++sum.assessments),
                   {std::to_string(a.id), a.risk_id, score_text(m, a.score), a.score.likelihood, a.score.impact,
                    band_text(m, a.score), a.by, a.at, a.reason});
            tick();
          });
      wb.filter(risks, static_cast<uint32_t>(sum.risks), export_risk_columns().size());
      wb.filter(hist, static_cast<uint32_t>(sum.assessments), hist_cols.size());
      int feeds = wb.sheet("Feeds", feed_cols);
      feeds_of(keep, [&](const Feed& f) {
        wb.row(feeds, static_cast<uint32_t>(sum.feeds + 1),
               {f.from, f.to, f.basis, f.transition_probability ? json(*f.transition_probability).dump() : ""});
      });
      wb.filter(feeds, static_cast<uint32_t>(sum.feeds), feed_cols.size());
      wb.heat_map(m, counts);
      int man = wb.sheet("Manifest", {"key", "value"});
      auto mj = manifest(store, m, format, sum, as_of);
      uint32_t r = 0;
      for (auto& [k, v] : mj.items()) wb.row(man, ++r, {k, v.is_string() ? v.get<std::string>() : v.dump()});
      wb.close();
    } else if (format == ExportFormat::Html) {
      // The table rows go to the side file as the walk passes; the page is put together after.
      exporting::HtmlExport html(m, side);
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            html.risk(r);
            if (as_of) ids.insert(r.id);
            ++sum.risks;
            tick();
          },
          [&](const AssessmentRow& a) {
            html.assessment(a);
            ++sum.assessments;
            tick();
          });
      feeds_of(keep, [&](const Feed& f) { html.feed(f); });
      auto f = open_out(tmp);
      html.write(f, store, as_of, format_timestamp(now), manifest(store, m, format, sum, as_of));
      close_out(f, tmp);
    } else {
      // Risks first, their histories in a side file, then joined: both stay streamed.
      auto f = open_out(tmp);
      auto hist = open_out(side);
      f << "{\n\"risks\": [";
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            json e = {{"id", r.id},
                      {"title", r.title},
                      {"owner", r.owner},
                      {"current", r.current},
                      {"target", r.target},
                      {"band", r.band},
                      {"above_appetite", r.above_appetite},
                      {"controls", r.controls},
                      {"heading", r.heading},
                      {"vulnerability", r.vulnerability},
                      {"triggers", r.triggers},
                      {"consequences", r.consequences},
                      {"notes", r.notes},
                      {"priorities", r.priorities},
                      {"actions", r.actions},
                      {"feeds_to", r.feeds_to},
                      {"flags", r.flags}};
            f << (sum.risks++ ? ",\n  " : "\n  ") << e.dump();
            if (as_of) ids.insert(r.id);
            tick();
          },
          [&](const AssessmentRow& a) {
            json e = {{"id", a.id},
                      {"risk", a.risk_id},
                      {"score", score_text(m, a.score)},
                      {"likelihood", a.score.likelihood},
                      {"impact", a.score.impact},
                      {"band", band_text(m, a.score)},
                      {"by", a.by},
                      {"at", a.at},
                      {"reason", a.reason}};
            hist << (sum.assessments++ ? ",\n  " : "\n  ") << e.dump();
            tick();
          });
      close_out(hist, side);
      f << "\n],\n\"assessments\": [";
      {
        std::ifstream in(side, std::ios::binary);
        if (sum.assessments) f << in.rdbuf();
      }
      fs::remove(side);
      f << "\n],\n\"feeds\": [";
      bool first = true;
      feeds_of(keep, [&](const Feed& fd) {
        f << (first ? "\n  " : ",\n  ")
          << json{{"from", fd.from},
                  {"to", fd.to},
                  {"basis", fd.basis},
                  {"transition_probability",
                   fd.transition_probability ? json(*fd.transition_probability) : json(nullptr)}}
                 .dump();
        first = false;
      });
      f << "\n],\n\"manifest\": " << manifest(store, m, format, sum, as_of).dump() << "\n}\n";
      close_out(f, tmp);
    }
    if (fs::exists(fs::symlink_status(out))) fs::remove_all(out);
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::remove(side, ec);
    throw;
  }
  return sum;
}

}  // namespace riskreg
