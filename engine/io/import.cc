#include "io/import.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "audit/chain.h"
#include "core/error.h"
#include "core/text.h"
#include "io/csv_reader.h"
#include "register/risk_view.h"

namespace riskreg {

const std::vector<std::string>& import_columns() {
  static const std::vector<std::string> c = {"id",       "title",        "heading",  "owner", "current",
                                             "target",   "vulnerability", "triggers", "consequences",
                                             "controls", "notes",        "reason"};
  return c;
}

const std::vector<std::string>& import_ignored_columns() {
  static const std::vector<std::string> c = {"band", "above_appetite", "priorities", "actions", "feeds_to",
                                             "flags"};
  return c;
}

namespace {

/// A list cell: one item per line when it has line breaks, else items separated by "; ".
std::vector<std::string> split_list(const std::string& cell) {
  std::vector<std::string> out;
  if (cell.empty()) return out;
  if (cell.find('\n') != std::string::npos) {
    std::string item;
    std::istringstream in(cell);
    while (std::getline(in, item)) {
      if (!item.empty() && item.back() == '\r') item.pop_back();
      if (!trim(item).empty()) out.push_back(item);
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

ImportBatch plan_import(Store& store, const Matrix& m, std::string_view text, const std::string& file,
                        const std::string& by, Timestamp at, Progress* progress) {
  ImportBatch batch;
  batch.file = file;
  batch.sha256 = sha256_hex(text);
  batch.by = by;
  batch.at = at;

  CsvReader reader(text, file);
  CsvRecord rec;
  if (!reader.next(rec)) throw FileError({file, 1, 1}, "the file is empty; expected a header row (id,title,...)");

  // The header: known names only, each once, `id` required.
  std::vector<std::string> known = import_columns();
  const auto& ignored = import_ignored_columns();
  std::vector<std::string> all = known;
  all.insert(all.end(), ignored.begin(), ignored.end());
  std::map<std::string, size_t> col;  // name -> field index
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    std::string name = to_lower(trim(rec.fields[i]));
    SourcePos pos{file, rec.lines[i], rec.columns[i]};
    if (std::find(all.begin(), all.end(), name) == all.end())
      throw FileError(pos,
                      "unknown column '" + rec.fields[i] + "'" + did_you_mean_suffix(name, all) +
                          " (columns: " + join(known, ", ") + ")",
                      reader.line_text(rec.lines[i]));
    if (!col.emplace(name, i).second)
      throw FileError(pos, "column '" + name + "' appears twice in the header", reader.line_text(rec.lines[i]));
  }
  if (!col.count("id"))
    throw FileError({file, rec.line, 1}, "the header has no 'id' column", reader.line_text(rec.line));
  const size_t width = rec.fields.size();
  auto has = [&](const char* c) { return col.count(c) > 0; };

  // The risks the file names that the register already holds, read in one batch before the
  // rows are checked (Store::existing_risks): not two lookups per row. Rows whose id is bad are
  // skipped here; the pass below reports them, in file order.
  std::unordered_map<std::string, std::pair<Risk, RiskState>> known_risks;
  {
    std::vector<std::string> ids;
    CsvReader first(text, file);
    CsvRecord row;
    first.next(row);  // the header
    while (first.next(row))
      if (row.fields.size() == width)
        if (std::string id = trim(csv_unneutralise(row.fields[col.at("id")])); !id.empty()) ids.push_back(std::move(id));
    known_risks = store.existing_risks(ids);
  }

  std::unordered_map<std::string, int> seen;  // id -> line
  struct Finish {
    Progress* p;
    ~Finish() {
      if (p) p->finish();
    }
  } finish{progress};
  while (reader.next(rec)) {
    ++batch.rows;
    if (progress) progress->rows(batch.rows);
    auto src = [&](size_t i) { return reader.line_text(rec.lines[i]); };
    if (rec.fields.size() != width)
      throw FileError({file, rec.line, 1},
                      "this row has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                          std::to_string(width),
                      reader.line_text(rec.line));
    auto cell = [&](const char* c) { return has(c) ? csv_unneutralise(rec.fields[col.at(c)]) : std::string(); };
    auto fail = [&](const char* c, const std::string& problem) -> FileError {
      size_t i = col.at(c);
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
      if (s) r.current = s;
      else if (!existing) throw fail("current", "risk '" + id + "' is new and needs a current score");
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
    batch.risks.push_back(std::move(ir));
  }
  return batch;
}

ImportResult import_csv(Store& store, const Matrix& m, const std::string& path, const std::string& by, Timestamp at,
                        Progress* checking, Progress* writing) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::NotFound, "cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorKind::Internal, "cannot read " + path);
  auto batch = plan_import(store, m, text, path, by, at, checking);
  batch.progress = writing;
  struct Finish {
    Progress* p;
    ~Finish() {
      if (p) p->finish();
    }
  } finish{writing};
  return store.import_risks(batch);
}

}  // namespace riskreg
