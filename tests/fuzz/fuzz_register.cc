// Fuzz target: opening and reading a damaged register file. A real register (the Darlington
// data, made once by create_register) is copied for each input, and the input mutates it: the
// first bytes set the header's numbers SQLite and riskreg read (schema version, page size,
// page count, schema cookie, file format bytes), the rest overwrite bytes in its pages. Every
// read a command makes must then end in a result or a typed riskreg::Error (README "Exit
// codes": 7 for a damaged register), never a crash, an undefined-behaviour report or another
// exception (which `riskreg` would report as an internal error, exit 1).
//
// Input layout: byte 0 picks a header field and bytes 1-4 are its new value (big-endian);
// then records of 4 bytes: a 3-byte offset (big-endian, modulo the file's size) and the byte
// to write there.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "fuzz_common.h"
#include "register/create.h"
#include "register/risk_view.h"
#include "register/rules_bundle.h"
#include "store/sqlite_store.h"

using namespace riskreg;
namespace fs = std::filesystem;

namespace {

struct Register {
  std::string dir;
  std::string bytes;  ///< the pristine register file
  Register() {
    std::string tmpl = (fs::temp_directory_path() / "riskreg-fuzz-register-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    dir = tmpl;
    CreateRequest req;
    req.db_path = dir + "/pristine.db";
    req.data_dir = std::string(RISKREG_SOURCE_DIR) + "/data/darlington-2009";
    req.rules_dir = std::string(RISKREG_SOURCE_DIR) + "/rules";
    req.by = "fuzz";
    FixedClock clock(*parse_timestamp("2026-12-01"));
    create_register(req, clock);
    std::ifstream in(req.db_path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
    if (bytes.size() < 4096) std::abort();
  }
  ~Register() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// Header fields (offset, width) of the SQLite file format: user_version (60), page size (16),
// write and read versions (18, 19), reserved bytes (20), page count (28), schema cookie (40),
// schema format (44), text encoding (56), application id (68), first freelist page (32).
const std::pair<size_t, size_t> kFields[] = {{60, 4}, {16, 2}, {18, 1}, {19, 1}, {20, 1}, {28, 4},
                                             {40, 4}, {44, 4}, {56, 4}, {68, 4}, {32, 4}};

void put_be(std::string& b, size_t at, size_t width, uint32_t v) {
  for (size_t i = 0; i < width; ++i) b[at + i] = static_cast<char>(v >> (8 * (width - 1 - i)));
}

/// What the commands read: the register's info, counts, every risk's state and view on the
/// stored matrix, one risk whole with its history and links, the whole register, the audit log.
void read_all(const std::string& path) {
  SqliteStore store(path, SqliteStore::Mode::Open);
  auto rules = store.rules();
  validate_rules(rules);
  Matrix m = matrix_from(rules);
  (void)store.info();
  (void)store.counts();
  for (const auto& id : store.risk_ids()) {
    if (auto s = store.risk_state(id)) (void)view_of(*s, m);
  }
  store.for_each_risk([&](const RiskState& s) { (void)view_of(s, m); });
  if (auto r = store.risk("R5")) {
    (void)store.history("R5");
    (void)store.owner_history("R5");
    (void)store.links("R5");
  }
  (void)store.load();
  (void)store.audit_log();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Register reg;
  if (size < 5) return 0;
  std::string b = reg.bytes;
  auto [at, width] = kFields[data[0] % std::size(kFields)];
  uint32_t v = (uint32_t{data[1]} << 24) | (uint32_t{data[2]} << 16) | (uint32_t{data[3]} << 8) | data[4];
  put_be(b, at, width, width == 4 ? v : width == 2 ? v & 0xFFFF : v & 0xFF);
  for (size_t i = 5; i + 4 <= size; i += 4) {
    size_t off = ((size_t{data[i]} << 16) | (size_t{data[i + 1]} << 8) | data[i + 2]) % b.size();
    b[off] = static_cast<char>(data[i + 3]);
  }
  std::string path = reg.dir + "/case.db";
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
  {
    std::ofstream out(path, std::ios::binary);
    out << b;
  }
  try {
    read_all(path);
  } catch (const Error&) {
    // A typed refusal: what `riskreg` reports in one line with its exit code.
  } catch (const std::exception& e) {
    // Anything else would be "internal error", exit 1: a bug this target exists to find.
    std::fprintf(stderr, "untyped exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
