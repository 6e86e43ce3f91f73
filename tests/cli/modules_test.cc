// The modules (engine/core/module.h): a command loads libcurl, libpq and libxlsxwriter only
// when it needs them, and a missing module is a clear error that writes nothing.
// The loader's own trace (LD_DEBUG=libs, glibc) names every shared object a run loads.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "support.h"

using namespace riskreg::test;

namespace {
bool loads(const RunResult& r, const std::string& library) {
  return r.err.find("find library=" + library) != std::string::npos;
}
}  // namespace

TEST_CASE("modules: interactive commands load neither libcurl, libpq nor libxlsxwriter", "[cli][modules]") {
  TempDir dir;
  auto db = init_darlington(dir);
  for (std::vector<std::string> args : {std::vector<std::string>{"--db", db, "show", "R5"},
                                        {"--db", db, "list", "--above-appetite"},
                                        {"--db", db, "matrix"},
                                        {"--db", db, "score", "R5", "B2", "--reason", "module check"},
                                        {"--db", db, "export", "--format", "csv", "--out", dir.file("x.csv")}}) {
    auto r = run_riskreg(args, {{"LD_DEBUG", "libs"}});
    INFO(args[2] << ": " << r.err.substr(0, 2000));
    REQUIRE(r.exit_code == 0);
    CHECK(loads(r, "libsqlite3.so.0"));  // the trace works: what the command does need is there
    CHECK_FALSE(loads(r, "libcurl.so.4"));
    CHECK_FALSE(loads(r, "libpq.so.5"));
    CHECK_FALSE(loads(r, "libpqxx-6.4.so"));
    CHECK_FALSE(loads(r, "libxlsxwriter.so.4"));
  }
}

TEST_CASE("modules: export --format xlsx loads riskreg-xlsx.so and libxlsxwriter, nothing else optional",
          "[cli][modules]") {
  TempDir dir;
  auto db = init_darlington(dir);
  auto r = run_riskreg({"--db", db, "export", "--format", "xlsx", "--out", dir.file("r.xlsx")}, {{"LD_DEBUG", "libs"}});
  INFO(r.err.substr(0, 2000));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("riskreg-xlsx.so") != std::string::npos);
  CHECK(loads(r, "libxlsxwriter.so.4"));
  CHECK_FALSE(loads(r, "libcurl.so.4"));
  CHECK_FALSE(loads(r, "libpq.so.5"));
  CHECK(std::filesystem::file_size(dir.file("r.xlsx")) > 5000);
}

TEST_CASE("modules: a missing module is a one-line error naming the file and its use, and writes nothing",
          "[cli][modules]") {
  TempDir dir;
  auto db = init_darlington(dir);
  TempDir empty;  // RISKREG_MODULE_DIR without any module in it
  auto r = run_riskreg({"--db", db, "export", "--format", "xlsx", "--out", dir.file("r.xlsx")},
                       {{"RISKREG_MODULE_DIR", empty.path()}});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("cannot load " + empty.file("riskreg-xlsx.so") + " (the XLSX export): ") != std::string::npos);
  CHECK(r.err.find("it is built and installed with riskreg") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(dir.file("r.xlsx")));
  CHECK_FALSE(std::filesystem::exists(dir.file("r.xlsx.riskreg-export-tmp")));

  auto pg =
      run_riskreg({"--db", "postgresql://nobody@127.0.0.1:1/none", "list"}, {{"RISKREG_MODULE_DIR", empty.path()}});
  CHECK(pg.exit_code == 1);
  CHECK(pg.err.find("riskreg-postgres.so (PostgreSQL registers)") != std::string::npos);

  // The SQLite register needs no module: the same environment works.
  auto ok = run_riskreg({"--db", db, "show", "R5"}, {{"RISKREG_MODULE_DIR", empty.path()}});
  CHECK(ok.exit_code == 0);
}
