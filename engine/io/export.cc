#include "io/export.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/text.h"
#include "io/csv.h"
#include "register/risk_view.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace riskreg {

namespace {

std::string score_text(const Matrix& m, const ScoreCodes& s) {
  auto c = m.cell(s);
  return c ? m.format(*c) : s.likelihood + s.impact;
}

std::string band_text(const Matrix& m, const ScoreCodes& s) {
  auto c = m.cell(s);
  return c ? m.band(*c).name : "";
}

std::ofstream open_out(const fs::path& p) {
  std::ofstream f(p, std::ios::binary);
  if (!f) throw Error(ErrorKind::Internal, "cannot write " + p.string());
  return f;
}

void close_out(std::ofstream& f, const fs::path& p) {
  f.close();
  if (!f) throw Error(ErrorKind::Internal, "cannot write " + p.string() + " (disk full?)");
}

/// One risk as exported: the same columns in CSV and JSON.
struct RiskRow {
  std::string id, title, owner, current, target, band;
  bool above_appetite = false;
  std::vector<std::string> controls;
};

/// Streams every risk and, after it, its history.
template <typename OnRisk, typename OnAssessment>
void walk(Store& store, const Matrix& m, OnRisk on_risk, OnAssessment on_assessment) {
  store.for_each_risk([&](const RiskState& s) {
    auto v = view_of(s, m);
    RiskRow r{s.id,
              s.title,
              s.owner.value_or(""),
              v.current ? m.format(*v.current) : "",
              v.target ? m.format(*v.target) : "",
              v.band ? v.band->name : "",
              v.above_appetite,
              {}};
    if (auto full = store.risk(s.id)) r.controls = full->controls;
    on_risk(r);
    for (const auto& a : store.history(s.id)) on_assessment(a);
  });
}

json manifest(Store& store, ExportFormat format, const ExportSummary& sum) {
  json rules = json::array();
  for (const auto& f : store.rules()) rules.push_back({{"name", f.name}, {"sha256", f.sha256}});
  return {{"riskreg_version", RISKREG_VERSION},
          {"format", format == ExportFormat::Csv ? "csv" : "json"},
          {"register", store.info().name},
          {"rules", rules},
          {"rows", {{"risks", sum.risks}, {"assessments", sum.assessments}}},
          {"audit_head", sum.audit_head}};
}

}  // namespace

ExportSummary export_register(Store& store, const Matrix& m, ExportFormat format, const std::string& out_path,
                              bool force) {
  fs::path out(out_path);
  if (fs::exists(fs::symlink_status(out)) && !force)
    throw Error(ErrorKind::Conflict, out_path + " already exists; use --force to overwrite it");
  fs::path tmp = out;
  tmp += ".riskreg-export-tmp";
  fs::remove_all(tmp);

  ExportSummary sum;
  auto log = store.audit_log();
  if (!log.empty()) sum.audit_head = log.back().hash;
  try {
    if (format == ExportFormat::Csv) {
      fs::create_directories(tmp);
      auto risks = open_out(tmp / "risks.csv");
      auto hist = open_out(tmp / "assessments.csv");
      write_csv_row(risks, {"id", "title", "owner", "current", "target", "band", "above_appetite", "controls"});
      write_csv_row(hist, {"id", "risk", "score", "likelihood", "impact", "band", "by", "at", "reason"});
      walk(
          store, m,
          [&](const RiskRow& r) {
            write_csv_row(risks, {r.id, r.title, r.owner, r.current, r.target, r.band, r.above_appetite ? "yes" : "no",
                                  join(r.controls, "; ")});
            ++sum.risks;
          },
          [&](const AssessmentRow& a) {
            write_csv_row(hist, {std::to_string(a.id), a.risk_id, score_text(m, a.score), a.score.likelihood,
                                 a.score.impact, band_text(m, a.score), a.by, a.at, a.reason});
            ++sum.assessments;
          });
      close_out(risks, tmp / "risks.csv");
      close_out(hist, tmp / "assessments.csv");
      auto man = open_out(tmp / "manifest.json");
      man << manifest(store, format, sum).dump(2) << "\n";
      close_out(man, tmp / "manifest.json");
    } else {
      // Risks first, their histories in a side file, then joined: both stay streamed.
      fs::path side = tmp;
      side += ".assessments";
      auto f = open_out(tmp);
      auto hist = open_out(side);
      f << "{\n\"risks\": [";
      walk(
          store, m,
          [&](const RiskRow& r) {
            json e = {{"id", r.id},
                      {"title", r.title},
                      {"owner", r.owner},
                      {"current", r.current},
                      {"target", r.target},
                      {"band", r.band},
                      {"above_appetite", r.above_appetite},
                      {"controls", r.controls}};
            f << (sum.risks++ ? ",\n  " : "\n  ") << e.dump();
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
          });
      close_out(hist, side);
      f << "\n],\n\"assessments\": [";
      {
        std::ifstream in(side, std::ios::binary);
        f << in.rdbuf();
      }
      fs::remove(side);
      f << "\n],\n\"manifest\": " << manifest(store, format, sum).dump() << "\n}\n";
      close_out(f, tmp);
    }
    if (fs::exists(fs::symlink_status(out))) fs::remove_all(out);
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::path side = tmp;
    side += ".assessments";
    fs::remove(side, ec);
    throw;
  }
  return sum;
}

}  // namespace riskreg
