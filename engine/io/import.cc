#include "io/import.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <unordered_map>

#include "audit/chain.h"
#include "core/error.h"
#include "core/id_set.h"
#include "core/text.h"
#include "domain/risk_id.h"
#include "io/csv_reader.h"
#include "io/logged_progress.h"
#include "records/json_list.h"
#include "register/risk_view.h"

namespace riskreg {

const std::vector<std::string>& import_columns() {
  static const std::vector<std::string> c = {"id",     "title",         "heading",  "owner",        "current",
                                             "target", "vulnerability", "triggers", "consequences", "controls",
                                             "notes",  "reason",        "status"};
  return c;
}

const std::vector<std::string>& import_ignored_columns() {
  // (A decision above appetite is recorded by `riskreg respond`, with its approver and expiry,
  // never by a file: an export's response columns are read past.)
  static const std::vector<std::string> c = {"band",     "above_appetite", "priorities", "actions",
                                             "feeds_to", "flags",          "response",   "response_terms"};
  return c;
}

namespace {

/// A list cell: one item per line when it has line breaks, else items separated by "; ".
std::vector<std::string> split_list(std::string_view cell) {
  std::vector<std::string> out;
  if (cell.empty()) return out;
  if (cell.find('\n') != std::string_view::npos) {
    std::string_view rest(cell);
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view item = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!item.empty() && item.back() == '\r') item.remove_suffix(1);
      if (!trim_view(item).empty()) out.emplace_back(item);
    }
    return out;
  }
  for (std::string_view rest = cell;;) {
    const size_t semi = rest.find(';');
    if (std::string_view item = trim_view(rest.substr(0, semi)); !item.empty()) out.emplace_back(item);
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return out;
}

std::optional<int> number_of(const std::string& id) {
  if (id.size() < 2 || (id[0] != 'R' && id[0] != 'r') || id.size() > 10) return std::nullopt;
  for (size_t i = 1; i < id.size(); ++i)
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
  return std::stoi(id.substr(1));
}

}  // namespace

void check_import(const Matrix& m, std::string_view text, ImportBatch& batch, const RiskLookup& lookup,
                  const std::function<void(std::vector<ImportedRisk>&)>& yield, Progress* progress) {
  const std::string& file = batch.file;
  CsvReader reader(text, file);
  CsvRecord header;
  if (!reader.next(header)) throw FileError({file, 1, 1}, "the file is empty; expected a header row (id,title,...)");

  // The header: known names only, each once, `id` required.
  std::vector<std::string> known = import_columns();
  const auto& ignored = import_ignored_columns();
  std::vector<std::string> all = known;
  all.insert(all.end(), ignored.begin(), ignored.end());
  std::map<std::string, size_t, std::less<>> col;  // name -> field index (found by const char*, no copy)
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = to_lower(trim(header.fields[i]));
    SourcePos pos{file, header.lines[i], header.columns[i]};
    if (std::find(all.begin(), all.end(), name) == all.end())
      throw FileError(pos,
                      "unknown column '" + header.fields[i] + "'" + did_you_mean_suffix(name, all) +
                          " (columns: " + join(known, ", ") + ")",
                      reader.line_text(header.lines[i]));
    if (!col.emplace(name, i).second)
      throw FileError(pos, "column '" + name + "' appears twice in the header", reader.line_text(header.lines[i]));
  }
  if (!col.count("id"))
    throw FileError({file, header.line, 1}, "the header has no 'id' column", reader.line_text(header.line));
  const size_t width = header.fields.size();
  // Each known column's field index, found once (kNone: the file has no such column).
  constexpr size_t kNone = SIZE_MAX;
  auto column = [&](const char* c) {
    auto it = col.find(c);
    return it == col.end() ? kNone : it->second;
  };
  const size_t c_id = column("id"), c_title = column("title"), c_heading = column("heading"), c_owner = column("owner"),
               c_current = column("current"), c_target = column("target"), c_vulnerability = column("vulnerability"),
               c_triggers = column("triggers"), c_consequences = column("consequences"),
               c_controls = column("controls"), c_notes = column("notes"), c_reason = column("reason"),
               c_status = column("status");
  const std::string default_reason = "import " + file;

  IdSet seen;  // the ids so far, with the line of each
  struct Finish {
    Progress* p;
    ~Finish() {
      if (p) p->finish();
    }
  } finish{progress};

  // The rows are read a chunk at a time; the risks a chunk names that the register already
  // holds are read in one batch (the lookup), not two lookups per row. Each chunk's rows that
  // change something are handed on as soon as they are checked, in file order.
  constexpr size_t kChunk = 512;
  std::vector<CsvRecord> recs(kChunk);
  std::vector<std::string> ids;
  std::string id_buffer, row_id_buffer;  // canonical ids of another spelling (domain/risk_id.h)
  std::vector<ImportedRisk> out;
  for (bool more = true; more;) {
    size_t n = 0;
    std::exception_ptr bad_csv;  // a syntax error, raised after the rows before it are checked
    try {
      while (n < kChunk && (more = reader.next(recs[n]))) ++n;
    } catch (const FileError&) {
      bad_csv = std::current_exception();
      more = false;
    }
    ids.clear();
    for (size_t k = 0; k < n; ++k)
      if (recs[k].fields.size() == width)
        if (std::string_view id = canonical_risk_id(csv_unneutralise(recs[k].fields[c_id]), id_buffer); !id.empty())
          ids.emplace_back(id);
    const auto known_risks = ids.empty() ? std::unordered_map<std::string, std::pair<Risk, RiskState>>() : lookup(ids);
    out.clear();
    for (size_t k = 0; k < n; ++k) {
      const CsvRecord& rec = recs[k];
      ++batch.rows;
      if (progress) progress->rows(batch.rows);
      auto src = [&](size_t i) { return reader.line_text(rec.lines[i]); };
      if (rec.fields.size() != width)
        throw FileError(
            {file, rec.line, 1},
            "this row has " + std::to_string(rec.fields.size()) + " fields, the header has " + std::to_string(width),
            reader.line_text(rec.line));
      // A cell as a view into the record, "" where the file has no such column.
      auto cell = [&](size_t i) { return i == kNone ? std::string_view() : csv_unneutralise(rec.fields[i]); };
      auto fail = [&](size_t i, const char* c, const std::string& problem) -> FileError {
        return FileError({file, rec.lines[i], rec.columns[i]}, "column '" + std::string(c) + "': " + problem, src(i));
      };

      // One spelling per risk: r5, 5 and R05 are R5 (domain/risk_id.h), so two spellings in a
      // file are the same risk twice, and an import never creates R05 beside R5.
      const std::string_view typed = trim_view(cell(c_id));
      const std::string_view id = canonical_risk_id(typed, row_id_buffer);
      if (id.empty()) throw fail(c_id, "id", "the risk id is empty");
      if (id.find_first_of(" \t\r\n,;") != std::string_view::npos)
        throw fail(c_id, "id", "'" + std::string(id) + "' is not a risk id (no spaces or separators)");
      if (const auto first = seen.insert(id, rec.line))
        throw fail(c_id, "id",
                   "risk '" + std::string(id) + "' appears twice (first on line " + std::to_string(*first) + ")" +
                       (typed != id ? " ('" + std::string(typed) + "' is " + std::string(id) + ")" : ""));

      const auto known = known_risks.find(std::string(id));
      const Risk* existing = known == known_risks.end() ? nullptr : &known->second.first;
      const RiskState* state = existing ? &known->second.second : nullptr;

      ImportedRisk ir;
      ir.exists = existing != nullptr;
      Risk& r = ir.risk;
      if (existing) r = *existing;  // columns the file lacks keep the register's values
      if (state) {
        r.target = state->target;
        r.current = state->current ? std::optional(state->current->score) : std::nullopt;
        r.owner = state->owner;
      }
      r.id = id;
      if (!existing) r.number = number_of(r.id);
      // A title, an owner and a reason reach terminals, logs and alerts: no control characters
      // (a reason may span lines). The other text columns are kept as the spreadsheet has them.
      auto no_controls = [&](size_t i, const char* c, TextLines lines) {
        if (i == kNone) return;
        const std::string_view t = cell(i);
        if (auto at = find_control(t, lines))
          throw fail(
              i, c,
              "risk '" + r.id + "': a control character (" + describe_control(t, *at) + ") in the " + c +
                  (lines == TextLines::Single ? "; it is one line of text: no tabs, line breaks or other controls"
                                              : "; only tabs and line breaks are allowed"));
      };
      no_controls(c_title, "title", TextLines::Single);
      no_controls(c_owner, "owner", TextLines::Single);
      no_controls(c_reason, "reason", TextLines::Multi);
      const std::string_view reason = cell(c_reason);
      ir.reason = trim_view(reason).empty() ? default_reason : std::string(reason);

      auto score_of = [&](size_t i, const char* c) -> std::optional<ScoreCodes> {
        const std::string_view t = trim_view(cell(i));
        if (t.empty()) return std::nullopt;
        try {
          return m.codes(parse_score(m, std::string(t)));
        } catch (const Error& e) {
          throw fail(i, c, e.what());
        }
      };
      if (c_title != kNone) r.title = cell(c_title);
      if (trim_view(r.title).empty())
        throw fail(c_title != kNone ? c_title : c_id, c_title != kNone ? "title" : "id",
                   "risk '" + r.id + "' has no title");
      if (c_heading != kNone) r.heading = cell(c_heading);
      if (c_vulnerability != kNone) r.vulnerability = cell(c_vulnerability);
      if (c_triggers != kNone) r.triggers = split_list(cell(c_triggers));
      if (c_consequences != kNone) r.consequences = split_list(cell(c_consequences));
      if (c_controls != kNone) r.controls = split_list(cell(c_controls));
      if (c_notes != kNone) r.notes = split_list(cell(c_notes));
      if (c_target != kNone) r.target = score_of(c_target, "target");
      if (c_current != kNone) {
        auto s = score_of(c_current, "current");
        if (s)
          r.current = s;
        else if (!existing)
          throw fail(c_current, "current", "risk '" + r.id + "' is new and needs a current score");
      } else if (!existing) {
        throw FileError({file, rec.line, 1}, "risk '" + r.id + "' is new and the file has no 'current' column",
                        reader.line_text(rec.line));
      }
      if (const std::string_view owner = trim_view(cell(c_owner)); !owner.empty()) r.owner = std::string(owner);
      // A status (the export's column): "open" or "closed", any case; blank keeps the register's.
      if (const std::string status = to_lower(std::string(trim_view(cell(c_status)))); !status.empty()) {
        if (status != "open" && status != "closed")
          throw fail(c_status, "status",
                     "risk '" + r.id + "': '" + std::string(trim_view(cell(c_status))) +
                         "' is not a status (valid: open, closed)");
        ir.status = status;
      }

      if (existing) {
        ir.expect = state && state->current ? std::optional(state->current->score) : std::nullopt;
        ir.rescore = r.current && r.current != ir.expect;
        ir.new_owner = r.owner && r.owner != state->owner;
        const Risk& e = *existing;
        ir.fields = r.title != e.title || r.heading != e.heading || r.vulnerability != e.vulnerability ||
                    r.triggers != e.triggers || r.consequences != e.consequences || r.controls != e.controls ||
                    r.notes != e.notes || r.target != state->target ||
                    (ir.status && (*ir.status == "closed") != state->closed);
        if (!ir.rescore && !ir.new_owner && !ir.fields) continue;
      }
      encode_lists(r, ir.lists_json);
      out.push_back(std::move(ir));
    }
    if (!out.empty()) yield(out);
    if (bad_csv) std::rethrow_exception(bad_csv);
  }
}

ImportBatch plan_import(Store& store, const Matrix& m, std::string_view text, const std::string& file,
                        const std::string& by, Timestamp at, Progress* progress) {
  ImportBatch batch = import_head(file, by, at);
  batch.sha256 = sha256_hex(text);
  LoggedProgress checked(progress, "import", "checked in " + file);
  check_import(
      m, text, batch, [&](const std::vector<std::string>& ids) { return store.existing_risks(ids); },
      [&](std::vector<ImportedRisk>& rows) {
        for (auto& r : rows) batch.risks.push_back(std::move(r));
      },
      &checked);
  return batch;
}

ImportBatch import_head(const std::string& file, const std::string& by, Timestamp at) {
  ImportBatch batch;
  batch.file = file;
  batch.by = by;
  batch.at = at;
  return batch;
}

ImportFile::ImportFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // A file that is not there is the user's mistake (not found); one that cannot be opened
    // is the machine's refusal (permission denied: the environment's exit code).
    if (errno == ENOENT || errno == ENOTDIR) throw Error(ErrorKind::NotFound, "cannot read " + path);
    throw Error(ErrorKind::Environment, "cannot read " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorKind::Internal, "cannot read " + path + " (not a file)");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw Error(ErrorKind::Environment, "cannot read " + path + ": " + std::strerror(errno));
    }
    data_ = static_cast<const char*>(p);
  }
  ::close(fd);
}

ImportFile::~ImportFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

ImportResult import_csv(Store& store, const Matrix& m, const std::string& path, const std::string& by, Timestamp at,
                        Progress* checking, Progress* writing) {
  const ImportFile file(path);
  const std::string_view text = file.text();
  ImportBatch head = import_head(path, by, at);
  LoggedProgress checked(checking, "import", "checked in " + path), written(writing, "import", "written from " + path);
  head.progress = &written;
  struct Finish {
    Progress* p;
    ~Finish() { p->finish(); }
  } finish{&written};
  return store.import_checked(
      head, [&](const RiskLookup& lookup, const std::function<void(std::vector<ImportedRisk>&)>& yield) {
        head.sha256 = sha256_hex(text);  // on the checking thread, while the writer begins
        check_import(m, text, head, lookup, yield, &checked);
      });
}

}  // namespace riskreg
