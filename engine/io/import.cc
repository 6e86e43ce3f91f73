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
#include "core/text.h"
#include "io/csv_reader.h"
#include "register/risk_view.h"
#include "store/json_list.h"

namespace riskreg {

const std::vector<std::string>& import_columns() {
  static const std::vector<std::string> c = {"id",           "title",    "heading",       "owner",
                                             "current",      "target",   "vulnerability", "triggers",
                                             "consequences", "controls", "notes",         "reason"};
  return c;
}

const std::vector<std::string>& import_ignored_columns() {
  static const std::vector<std::string> c = {"band", "above_appetite", "priorities", "actions", "feeds_to", "flags"};
  return c;
}

namespace {

/// A list cell: one item per line when it has line breaks, else items separated by "; ".
std::vector<std::string> split_list(const std::string& cell) {
  std::vector<std::string> out;
  if (cell.empty()) return out;
  if (cell.find('\n') != std::string::npos) {
    std::string_view rest(cell);
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view item = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!item.empty() && item.back() == '\r') item.remove_suffix(1);
      if (!trim(item).empty()) out.emplace_back(item);
    }
    return out;
  }
  size_t start = 0;
  for (;;) {
    size_t semi = cell.find(';', start);
    std::string item = trim(cell.substr(start, semi == std::string::npos ? std::string::npos : semi - start));
    if (!item.empty()) out.push_back(item);
    if (semi == std::string::npos) break;
    start = semi + 1;
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
  auto has = [&](const char* c) { return col.count(c) > 0; };
  auto index = [&](const char* c) { return col.find(c)->second; };  // of a column `has` found

  std::unordered_map<std::string, int> seen;  // id -> line
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
        if (std::string id = trim(csv_unneutralise(recs[k].fields[index("id")])); !id.empty())
          ids.push_back(std::move(id));
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
      auto cell = [&](const char* c) { return has(c) ? csv_unneutralise(rec.fields[index(c)]) : std::string(); };
      auto fail = [&](const char* c, const std::string& problem) -> FileError {
        size_t i = index(c);
        return FileError({file, rec.lines[i], rec.columns[i]}, "column '" + std::string(c) + "': " + problem, src(i));
      };

      std::string id = trim(cell("id"));
      if (id.empty()) throw fail("id", "the risk id is empty");
      if (id.find_first_of(" \t\r\n,;") != std::string::npos)
        throw fail("id", "'" + id + "' is not a risk id (no spaces or separators)");
      if (auto [it, fresh] = seen.emplace(id, rec.line); !fresh)
        throw fail("id", "risk '" + id + "' appears twice (first on line " + std::to_string(it->second) + ")");

      const auto known = known_risks.find(id);
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
      if (!existing) r.number = number_of(id);
      ir.reason = has("reason") && !trim(cell("reason")).empty() ? cell("reason") : "import " + file;

      auto score_of = [&](const char* c) -> std::optional<ScoreCodes> {
        std::string t = trim(cell(c));
        if (t.empty()) return std::nullopt;
        try {
          return m.codes(parse_score(m, t));
        } catch (const Error& e) {
          throw fail(c, e.what());
        }
      };
      if (has("title")) r.title = cell("title");
      if (trim(r.title).empty()) throw fail(has("title") ? "title" : "id", "risk '" + id + "' has no title");
      if (has("heading")) r.heading = cell("heading");
      if (has("vulnerability")) r.vulnerability = cell("vulnerability");
      if (has("triggers")) r.triggers = split_list(cell("triggers"));
      if (has("consequences")) r.consequences = split_list(cell("consequences"));
      if (has("controls")) r.controls = split_list(cell("controls"));
      if (has("notes")) r.notes = split_list(cell("notes"));
      if (has("target")) r.target = score_of("target");
      if (has("current")) {
        auto s = score_of("current");
        if (s)
          r.current = s;
        else if (!existing)
          throw fail("current", "risk '" + id + "' is new and needs a current score");
      } else if (!existing) {
        throw FileError({file, rec.line, 1}, "risk '" + id + "' is new and the file has no 'current' column",
                        reader.line_text(rec.line));
      }
      if (has("owner") && !trim(cell("owner")).empty()) r.owner = trim(cell("owner"));

      if (existing) {
        ir.expect = state && state->current ? std::optional(state->current->score) : std::nullopt;
        ir.rescore = r.current && r.current != ir.expect;
        ir.new_owner = r.owner && r.owner != state->owner;
        const Risk& e = *existing;
        ir.fields = r.title != e.title || r.heading != e.heading || r.vulnerability != e.vulnerability ||
                    r.triggers != e.triggers || r.consequences != e.consequences || r.controls != e.controls ||
                    r.notes != e.notes || r.target != state->target;
        if (!ir.rescore && !ir.new_owner && !ir.fields) continue;
      }
      to_json(r.triggers, ir.lists_json[0]);
      to_json(r.consequences, ir.lists_json[1]);
      to_json(r.controls, ir.lists_json[2]);
      to_json(r.notes, ir.lists_json[3]);
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
  check_import(
      m, text, batch, [&](const std::vector<std::string>& ids) { return store.existing_risks(ids); },
      [&](std::vector<ImportedRisk>& rows) {
        for (auto& r : rows) batch.risks.push_back(std::move(r));
      },
      progress);
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
  if (fd < 0) throw Error(ErrorKind::NotFound, "cannot read " + path);
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
      throw Error(ErrorKind::Internal, "cannot read " + path + ": " + std::strerror(errno));
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
  head.progress = writing;
  struct Finish {
    Progress* p;
    ~Finish() {
      if (p) p->finish();
    }
  } finish{writing};
  return store.import_checked(
      head, [&](const RiskLookup& lookup, const std::function<void(std::vector<ImportedRisk>&)>& yield) {
        head.sha256 = sha256_hex(text);  // on the checking thread, while the writer begins
        check_import(m, text, head, lookup, yield, checking);
      });
}

}  // namespace riskreg
