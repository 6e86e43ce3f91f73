// `export`: created private whatever the umask, widened only by --mode, and --force replaces
// only a file or an earlier export, never a folder riskreg did not write.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;

namespace {
unsigned mode_of(const std::string& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

/// Runs with the test process's umask at 000 (the child inherits it): the modes below are
/// riskreg's own, not the umask's.
RunResult run_open_umask(const std::vector<std::string>& args) {
  mode_t old = ::umask(0);
  auto r = run_riskreg(args);
  ::umask(old);
  return r;
}
}  // namespace

TEST_CASE("export: files 0600 and a CSV folder 0700 under umask 000", "[export][mode]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  for (const char* format : {"json", "html"}) {
    std::string out = dir.file(std::string("reg.") + format);
    auto r = run_open_umask({"--db", db, "export", "--format", format, "--out", out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(mode_of(out) == 0600);
  }
  auto r = run_open_umask({"--db", db, "export", "--format", "csv", "--out", dir.file("csv")});
  REQUIRE(r.exit_code == 0);
  CHECK(mode_of(dir.file("csv")) == 0700);
  for (const char* f : {"risks.csv", "assessments.csv", "feeds.csv", "manifest.json"})
    CHECK(mode_of(dir.file(std::string("csv/") + f)) == 0600);
}

TEST_CASE("export --mode widens deliberately, a folder gets search where it gives read", "[export][mode]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "json", "--out", dir.file("a.json"), "--mode", "0644"})
              .exit_code == 0);
  CHECK(mode_of(dir.file("a.json")) == 0644);
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "csv", "--out", dir.file("c"), "--mode", "640"}).exit_code ==
          0);
  CHECK(mode_of(dir.file("c")) == 0750);
  CHECK(mode_of(dir.file("c/risks.csv")) == 0640);
  for (const char* bad : {"0700", "0400", "1600", "0o644", "rw-r--r--", "", "06000"}) {
    INFO(bad);
    auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", dir.file("b.json"), "--mode", bad});
    CHECK(r.exit_code == 2);
    CHECK_FALSE(fs::exists(dir.file("b.json")));
  }
}

TEST_CASE("export --force replaces a file or an earlier export, never another folder", "[export][force]") {
  TempDir dir;
  std::string db = init_darlington(dir);
  // An earlier CSV export is replaced.
  std::string out = dir.file("reg");
  REQUIRE(run_riskreg({"--db", db, "export", "--format", "csv", "--out", out}).exit_code == 0);
  auto again = run_riskreg({"--db", db, "export", "--format", "csv", "--out", out, "--force"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  // A file is replaced (by a folder, even).
  write_file(dir.file("file.txt"), "old");
  CHECK(run_riskreg({"--db", db, "export", "--format", "csv", "--out", dir.file("file.txt"), "--force"}).exit_code ==
        0);
  CHECK(fs::is_directory(dir.file("file.txt")));
  // A folder of documents is refused, and kept whole.
  fs::create_directories(dir.file("docs/sub"));
  write_file(dir.file("docs/sub/letter.txt"), "keep");
  auto r = run_riskreg({"--db", db, "export", "--format", "json", "--out", dir.file("docs"), "--force"});
  CHECK(r.exit_code == 8);
  CHECK(read_file(dir.file("docs/sub/letter.txt")) == "keep");
  // So is an earlier export that someone put a document into, and an empty folder (no manifest).
  write_file(out + "/notes.docx", "mine");
  CHECK(run_riskreg({"--db", db, "export", "--format", "csv", "--out", out, "--force"}).exit_code == 8);
  CHECK(read_file(out + "/notes.docx") == "mine");
  fs::create_directories(dir.file("empty"));
  CHECK(run_riskreg({"--db", db, "export", "--format", "csv", "--out", dir.file("empty"), "--force"}).exit_code == 8);
  CHECK(fs::is_directory(dir.file("empty")));
  // A folder that merely has a file called manifest.json is not an export either.
  fs::create_directories(dir.file("fake"));
  write_file(dir.file("fake/manifest.json"), "{\"mine\": true}");
  CHECK(run_riskreg({"--db", db, "export", "--format", "csv", "--out", dir.file("fake"), "--force"}).exit_code == 8);
  CHECK(read_file(dir.file("fake/manifest.json")) == "{\"mine\": true}");
}
