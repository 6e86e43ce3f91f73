#include "io/export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "audit/chain.h"
#include "core/error.h"
#include "core/text.h"
#include "io/csv.h"
#include "io/export_history.h"
#include "io/export_html.h"
#include "io/export_walk.h"
#include "io/logged_progress.h"
#include "io/xlsx_export.h"
#include "register/risk_view.h"
#include "register/rules_apply.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace riskreg {

using exporting::band_text;
using exporting::CellTexts;
using exporting::lines;
using exporting::RiskRow;
using exporting::score_text;
using exporting::walk;

const std::vector<std::string>& export_risk_columns() {
  static const std::vector<std::string> c = {"id",       "title",          "owner",    "current",    "target",
                                             "band",     "above_appetite", "controls", "heading",    "vulnerability",
                                             "triggers", "consequences",   "notes",    "priorities", "actions",
                                             "feeds_to", "flags",          "status",   "response",   "response_terms"};
  return c;
}

namespace {

std::ofstream open_out(const fs::path& p) {
  std::ofstream f(p, std::ios::binary);
  if (!f) throw Error(ErrorKind::Environment, "cannot write " + p.string() + ": " + std::strerror(errno));
  return f;
}

void close_out(std::ofstream& f, const fs::path& p) {
  f.close();
  if (!f) throw Error(ErrorKind::Environment, "cannot write " + p.string() + ": " + std::strerror(errno));
}

json manifest(Store& store, const Matrix& m, ExportFormat format, const ExportSummary& sum,
              const std::optional<std::string>& as_of) {
  json rules = json::array();
  // The hash of what is in force (the content stored now, or at the as-of time), not the one
  // recorded beside it when it was stored: an edit made behind riskreg's back shows here and in
  // `audit verify`.
  for (const auto& f : rules_in_force(store, as_of))
    rules.push_back({{"name", f.name}, {"sha256", sha256_hex(f.content)}});
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
            {"audit_head", sum.audit_head},
            {"audit_seq", sum.audit_seq}};
  // The histories' rows (the page has no history tables of its own).
  if (format != ExportFormat::Html) {
    j["rows"]["owner_history"] = sum.owner_history;
    j["rows"]["field_history"] = sum.field_history;
  }
  // The chain as it stood then: the last entry made by the as-of time.
  if (as_of) j["audit_head_as_of"] = store.audit_head(as_of);
  return j;
}

/// `--force` replaces a file (or a link), or a folder holding an earlier riskreg export and
/// nothing else (its manifest.json names a riskreg version); never a folder riskreg did not
/// write, nor a device or a socket.
void check_replaceable(const fs::path& out) {
  auto st = fs::symlink_status(out);
  if (fs::is_regular_file(st) || fs::is_symlink(st)) return;
  const std::string refuse = out.string() +
                             " is not a riskreg export: --force replaces only a file or a folder an "
                             "earlier 'riskreg export --format csv' wrote";
  if (!fs::is_directory(st)) throw Error(ErrorKind::Conflict, refuse + " (it is a device, socket or pipe)");
  static const std::vector<std::string> ours = {"risks.csv",         "assessments.csv",   "feeds.csv",
                                                "owner_history.csv", "field_history.csv", "manifest.json"};
  for (const auto& e : fs::directory_iterator(out)) {
    std::string name = e.path().filename().string();
    if (std::find(ours.begin(), ours.end(), name) == ours.end() || !e.is_regular_file())
      throw Error(ErrorKind::Conflict,
                  refuse + " (it holds '" + escape_controls(name) + "', which an export does not)");
  }
  bool ok = false;
  try {
    std::ifstream in(out / "manifest.json", std::ios::binary);
    json man = json::parse(in);
    ok = man.is_object() && man.contains("riskreg_version") && man.contains("audit_head");
  } catch (const json::exception&) {
  }
  if (!ok) throw Error(ErrorKind::Conflict, refuse + " (no manifest.json of an export in it)");
}

/// Creates `p` empty, readable and writable by its owner only (O_EXCL: never through a link).
void create_private(const fs::path& p) {
  int fd = ::open(p.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorKind::Environment, "cannot create " + p.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // O_CREAT's mode is cut by the umask; 0600 needs no more, but be exact
  ::close(fd);
}

/// The export's final mode: `mode` on each file; a folder gets search (x) wherever it gives read.
void set_mode(const fs::path& p, unsigned mode) {
  auto file_perms = static_cast<fs::perms>(mode & 0666);
  if (fs::is_directory(p)) {
    unsigned dir = (mode & 0666) | ((mode & 0444) >> 2);
    for (const auto& e : fs::directory_iterator(p)) fs::permissions(e.path(), file_perms, fs::perm_options::replace);
    fs::permissions(p, static_cast<fs::perms>(dir), fs::perm_options::replace);
  } else {
    fs::permissions(p, file_perms, fs::perm_options::replace);
  }
}

}  // namespace

unsigned parse_export_mode(const std::string& text) {
  bool octal = !text.empty() && text.size() <= 4;
  for (char c : text) octal = octal && c >= '0' && c <= '7';
  unsigned mode = octal ? static_cast<unsigned>(std::stoul(text, nullptr, 8)) : 0;
  if (!octal || (mode & ~0666u) != 0 || (mode & 0600u) != 0600u)
    throw Error(ErrorKind::Usage, "--mode '" + text +
                                      "' is not a file mode for an export: use octal digits that keep the owner's "
                                      "read and write and give no execute or special bits (0600, 0640, 0644)");
  return mode;
}

ExportSummary export_register(Store& store, const Matrix& m, ExportFormat format, const std::string& out_path,
                              bool force, const std::optional<std::string>& as_of, std::optional<Timestamp> now_opt,
                              Progress* progress, unsigned mode) {
  const Timestamp now = now_opt ? *now_opt : SystemClock().now();
  int64_t rows_done = 0;
  LoggedProgress logged(progress, "export", "written to " + out_path);
  auto tick = [&] { logged.rows(++rows_done); };
  struct Finish {
    Progress* p;
    ~Finish() { p->finish(); }
  } finish{&logged};
  fs::path out(out_path);
  if (fs::exists(fs::symlink_status(out))) {
    if (!force) throw Error(ErrorKind::Conflict, out_path + " already exists; use --force to overwrite it");
    check_replaceable(out);
  }
  fs::path tmp = out;
  tmp += ".riskreg-export-tmp";
  fs::path side = tmp;
  side += ".assessments";
  fs::remove_all(tmp);

  ExportSummary sum;
  if (auto last = store.audit_last()) {  // the head and its entry number, from one read
    sum.audit_head = last->hash;
    sum.audit_seq = last->seq;
  }
  fs::path side_feeds = tmp;
  side_feeds += ".feeds";
  try {
    // Private from the first byte, whatever the umask: the folder 0700, the file 0600 (the
    // writers below truncate it and keep its mode); set_mode gives the final mode at the end.
    if (format == ExportFormat::Csv) {
      fs::create_directories(tmp);
      fs::permissions(tmp, fs::perms::owner_all, fs::perm_options::replace);
    } else {
      create_private(tmp);
    }
    if (format == ExportFormat::Csv) {
      CsvFile risks(tmp / "risks.csv"), hist(tmp / "assessments.csv"), feeds(tmp / "feeds.csv");
      risks.row(export_risk_columns());
      hist.row({"id", "risk", "score", "likelihood", "impact", "band", "by", "at", "reason"});
      feeds.row({"from", "to", "basis", "transition_probability"});
      CellTexts cells(m);
      char id[24];
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            risks.field(r.id).field(r.title).field(r.owner).field(r.current).field(r.target).field(r.band);
            risks.field(r.above_appetite ? "yes" : "no").lines(r.controls).field(r.heading).field(r.vulnerability);
            risks.lines(r.triggers).lines(r.consequences).lines(r.notes).lines(r.priorities).lines(r.actions);
            risks.lines(r.feeds_to).lines(r.flags).field(r.status).field(r.response).field(r.response_terms).end_row();
            for (const Feed& f : r.feeds) {
              feeds.field(f.from).field(f.to).field(f.basis);
              feeds.field(f.transition_probability ? json(*f.transition_probability).dump() : "").end_row();
              ++sum.feeds;
            }
            ++sum.risks;
            tick();
          },
          [&](const AssessmentRow& a) {
            auto end = std::to_chars(id, id + sizeof id, a.id).ptr;
            hist.field({id, static_cast<size_t>(end - id)}).field(a.risk_id).field(cells.score(a.score));
            hist.field(a.score.likelihood).field(a.score.impact).field(cells.band(a.score));
            hist.field(a.by).field(a.at).field(a.reason).end_row();
            ++sum.assessments;
            tick();
          });
      risks.close();
      hist.close();
      feeds.close();
      CsvFile owners(tmp / "owner_history.csv"), fields(tmp / "field_history.csv");
      owners.row(exporting::owner_history_columns());
      fields.row(exporting::field_history_columns());
      // Written field by field, not through for_each_owner_row's cells: a generated register
      // has an owner change for most of its risks.
      store.for_each_owner_change([&](const OwnerChange& o) {
        if (as_of && o.at > *as_of) return;
        owners.field(o.risk_id).field(o.owner).field(o.by).field(o.at).field(o.reason).end_row();
        ++sum.owner_history;
        tick();
      });
      exporting::for_each_field_row(store, m, as_of, [&](const ChangeRow&, const std::vector<std::string>& cells) {
        fields.row(cells);
        ++sum.field_history;
        tick();
      });
      owners.close();
      fields.close();
      auto man = open_out(tmp / "manifest.json");
      man << manifest(store, m, format, sum, as_of).dump(2) << "\n";
      close_out(man, tmp / "manifest.json");
    } else if (format == ExportFormat::Xlsx) {
      exporting::write_xlsx(store, m, tmp.string(), as_of, now, sum, tick,
                            [&](const ExportSummary& s) { return manifest(store, m, format, s, as_of); });
    } else if (format == ExportFormat::Html) {
      // The table rows go to the side file as the walk passes; the page is put together after.
      exporting::HtmlExport html(m, side, as_of ? *as_of : format_timestamp(now));
      // The graph's risks are chosen from the links once every risk has been seen: the walk's
      // links wait in a side file, a JSON array a line.
      auto links = open_out(side_feeds);
      walk(
          store, m, as_of, now,
          [&](const RiskRow& r) {
            html.risk(r);
            for (const Feed& f : r.feeds) links << json::array({f.from, f.to, f.basis}).dump() << '\n';
            sum.feeds += static_cast<int64_t>(r.feeds.size());
            ++sum.risks;
            tick();
          },
          [&](const AssessmentRow& a) {
            html.assessment(a);
            ++sum.assessments;
            tick();
          });
      close_out(links, side_feeds);
      {
        std::ifstream in(side_feeds, std::ios::binary);
        Feed f;
        for (std::string line; std::getline(in, line);) {
          auto l = json::parse(line);
          l.at(0).get_to(f.from);
          l.at(1).get_to(f.to);
          l.at(2).get_to(f.basis);
          html.feed(f);
        }
      }
      fs::remove(side_feeds);
      auto f = open_out(tmp);
      html.write(f, store, as_of, format_timestamp(now), manifest(store, m, format, sum, as_of));
      close_out(f, tmp);
    } else {
      // Risks first, their histories and feeds in side files, then joined: all stay streamed.
      auto f = open_out(tmp);
      auto hist = open_out(side);
      auto links = open_out(side_feeds);
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
                      {"status", r.status},
                      {"response", r.response.empty() ? json() : json(r.response)},
                      {"response_terms", r.response_terms},
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
            for (const Feed& fd : r.feeds)
              links << (sum.feeds++ ? ",\n  " : "\n  ")
                    << json{{"from", fd.from},
                            {"to", fd.to},
                            {"basis", fd.basis},
                            {"transition_probability",
                             fd.transition_probability ? json(*fd.transition_probability) : json(nullptr)}}
                           .dump();
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
      close_out(links, side_feeds);
      // Appends a side file to the export and removes it.
      auto append = [&](const fs::path& p, int64_t rows) {
        std::ifstream in(p, std::ios::binary);
        if (rows) f << in.rdbuf();
        in.close();
        fs::remove(p);
      };
      f << "\n],\n\"assessments\": [";
      append(side, sum.assessments);
      f << "\n],\n\"feeds\": [";
      append(side_feeds, sum.feeds);
      // The histories, read after the walk: each row an object keyed by its columns.
      auto object = [](const std::vector<std::string>& cols, const std::vector<std::string>& cells) {
        json o = json::object();
        for (size_t i = 0; i < cols.size(); ++i) o[cols[i]] = cells[i];
        return o.dump();
      };
      f << "\n],\n\"owner_history\": [";
      exporting::for_each_owner_row(store, as_of, [&](const OwnerChange&, const std::vector<std::string>& cells) {
        f << (sum.owner_history++ ? ",\n  " : "\n  ") << object(exporting::owner_history_columns(), cells);
        tick();
      });
      f << "\n],\n\"field_history\": [";
      exporting::for_each_field_row(store, m, as_of, [&](const ChangeRow&, const std::vector<std::string>& cells) {
        f << (sum.field_history++ ? ",\n  " : "\n  ") << object(exporting::field_history_columns(), cells);
        tick();
      });
      f << "\n],\n\"manifest\": " << manifest(store, m, format, sum, as_of).dump() << "\n}\n";
      close_out(f, tmp);
    }
    set_mode(tmp, mode);
    if (fs::exists(fs::symlink_status(out))) fs::remove_all(out);  // check_replaceable passed
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::remove(side, ec);
    fs::remove(side_feeds, ec);
    throw;
  }
  spdlog::info("export: {} risks, {} assessments, {} feed links written to {} (audit seq {})", sum.risks,
               sum.assessments, sum.feeds, out_path, sum.audit_seq);
  return sum;
}

}  // namespace riskreg
