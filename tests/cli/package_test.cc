// Installing riskreg like any Debian tool: `cmake --install` under a prefix, and the .deb CPack
// builds (dependencies computed by dpkg-shlibdeps), unpacked into a temporary root and run from
// there. Neither refers to the source tree: riskreg finds its data and modules from its own place.
#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include "support.h"

using namespace riskreg::test;
namespace fs = std::filesystem;

namespace {

/// Runs a shell command (its paths come from TempDir: no quoting needed); stdout and stderr.
Shell sh(const std::string& cmd) { return shell(cmd + " 2>&1"); }

/// The sanitizers' settings, passed through as riskreg_env does (scripts/sanitize.sh).
std::string sanitizer_env() {
  std::string s;
  for (const char* k : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
    if (const char* v = std::getenv(k)) s += std::string(" ") + k + "='" + v + "'";
  return s;
}

/// An installed riskreg run with a clean environment: no RISKREG_HOME, nothing from the build.
Shell run_installed(const std::string& bin, const std::string& home, const std::string& args) {
  return sh("env -i PATH=/usr/bin:/bin HOME=" + home + sanitizer_env() +
            " RISKREG_NOW=2026-12-06T00:00:00Z NO_COLOR=1 " + bin + " " + args);
}

/// `init`, `list --above-appetite` and `export --format html` (which loads the Graphviz module)
/// and `--format xlsx` (the XLSX module) with the riskreg at `bin`.
void runs_from(const std::string& bin, const TempDir& dir) {
  const std::string db = dir.file("installed.db");
  auto init = run_installed(bin, dir.path(), "--db " + db + " init --as installer");
  INFO(init.out);
  REQUIRE(init.exit_code == 0);
  auto list = run_installed(bin, dir.path(), "--db " + db + " list --above-appetite");
  INFO(list.out);
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("R5") != std::string::npos);
  auto html = run_installed(bin, dir.path(), "--db " + db + " export --format html --out " + dir.file("reg.html"));
  INFO(html.out);
  REQUIRE(html.exit_code == 0);
  auto page = read_file(dir.file("reg.html"));
  CHECK(page.find("<svg id=\"feedgraph\"") != std::string::npos);
  CHECK(page.find("<tr id=\"R9\"") != std::string::npos);
  auto xlsx = run_installed(bin, dir.path(), "--db " + db + " export --format xlsx --out " + dir.file("reg.xlsx"));
  INFO(xlsx.out);
  CHECK(xlsx.exit_code == 0);
  CHECK(fs::file_size(dir.file("reg.xlsx")) > 1000);
}

}  // namespace

TEST_CASE("cmake --install puts riskreg, its modules, data, docs and units under the prefix", "[package]") {
  TempDir dir;
  const std::string prefix = dir.file("prefix");
  auto inst = sh("cmake --install " RISKREG_BUILD_DIR " --prefix " + prefix);
  INFO(inst.out);
  REQUIRE(inst.exit_code == 0);
  for (const char* f :
       {"bin/riskreg", "lib/riskreg/riskreg-postgres.so", "lib/riskreg/riskreg-net.so", "lib/riskreg/riskreg-xlsx.so",
        "lib/riskreg/riskreg-graphviz.so", "share/riskreg/rules/matrix.toml", "share/riskreg/rules/flags.toml",
        "share/riskreg/rules/templates/alert-owner.txt.mustache", "share/riskreg/data/darlington-2009",
        "share/doc/riskreg/README.md", "share/doc/riskreg/docs/export-import.md",
        "lib/systemd/system/riskreg-alert.service", "lib/systemd/system/riskreg-alert.timer",
        "share/man/man1/riskreg.1", "share/bash-completion/completions/riskreg",
        "share/zsh/vendor-completions/_riskreg"}) {
    INFO(f);
    CHECK(fs::exists(prefix + "/" + f));
  }
  // riskreg(1) and the completions are generated from the command definitions: every command is in them.
  auto man = read_file(prefix + "/share/man/man1/riskreg.1");
  CHECK(man.find(".TH RISKREG \"1\"") != std::string::npos);
  auto bash = read_file(prefix + "/share/bash-completion/completions/riskreg");
  auto zsh = read_file(prefix + "/share/zsh/vendor-completions/_riskreg");
  for (const char* c : {"respond", "action", "alert", "export", "rules"}) {
    INFO(c);
    CHECK(man.find(c) != std::string::npos);
    CHECK(bash.find(c) != std::string::npos);
    CHECK(zsh.find(c) != std::string::npos);
  }
  // The schedule: 06:00 local on the 1st (not midnight, when --period previous would name the
  // wrong month), caught up after downtime; the service treats any failure as one.
  auto timer = read_file(prefix + "/lib/systemd/system/riskreg-alert.timer");
  CHECK(timer.find("\nOnCalendar=*-*-01 06:00:00\n") != std::string::npos);
  CHECK(timer.find("\nPersistent=true\n") != std::string::npos);
  CHECK(read_file(prefix + "/lib/systemd/system/riskreg-alert.service").find("SuccessExitStatus") == std::string::npos);
  // The unit calls the riskreg this install put in place.
  CHECK(read_file(prefix + "/lib/systemd/system/riskreg-alert.service")
            .find("\nExecStart=" + prefix + "/bin/riskreg alert ") != std::string::npos);
  runs_from(prefix + "/bin/riskreg", dir);
  // RISKREG_HOME still decides where the data comes from.
  auto other =
      sh("env -i PATH=/usr/bin:/bin HOME=" + dir.path() + sanitizer_env() + " RISKREG_HOME=" + dir.file("nowhere") +
         " " + prefix + "/bin/riskreg --db " + dir.file("other.db") + " init");
  CHECK(other.exit_code != 0);
  CHECK(other.out.find(dir.file("nowhere")) != std::string::npos);
  CHECK_FALSE(fs::exists(dir.file("other.db")));
}

TEST_CASE("the .deb: computed dependencies, the files in place, and it runs unpacked anywhere", "[package]") {
  TempDir dir;
  auto pack = sh("cd " + dir.path() + " && cpack -G DEB --config " RISKREG_BUILD_DIR "/CPackConfig.cmake -B " +
                 dir.file("pkg"));
  INFO(pack.out);
  REQUIRE(pack.exit_code == 0);
  std::string deb;
  for (const auto& e : fs::directory_iterator(dir.file("pkg")))
    if (e.path().extension() == ".deb") deb = e.path().string();
  REQUIRE_FALSE(deb.empty());
  CHECK(fs::path(deb).filename().string().rfind("riskreg_", 0) == 0);

  auto info = sh("dpkg-deb --info " + deb);
  INFO(info.out);
  REQUIRE(info.exit_code == 0);
  CHECK(info.out.find(" Package: riskreg\n") != std::string::npos);
  CHECK(info.out.find(" Section: utils\n") != std::string::npos);
  // dpkg-shlibdeps read the executable and each module: their libraries are dependencies.
  auto depends_at = info.out.find(" Depends: ");
  REQUIRE(depends_at != std::string::npos);
  auto depends = info.out.substr(depends_at, info.out.find('\n', depends_at) - depends_at);
  for (const char* lib : {"libc6", "libsqlite3-0", "libxlsxwriter", "libgvc6", "libpqxx", "libcurl"}) {
    INFO(lib);
    CHECK(depends.find(lib) != std::string::npos);
  }

  auto contents = sh("dpkg-deb --contents " + deb);
  INFO(contents.out);
  REQUIRE(contents.exit_code == 0);
  for (const char* f :
       {"./usr/bin/riskreg", "./usr/lib/riskreg/riskreg-xlsx.so", "./usr/lib/riskreg/riskreg-graphviz.so",
        "./usr/lib/riskreg/riskreg-postgres.so", "./usr/lib/riskreg/riskreg-net.so",
        "./usr/share/riskreg/rules/matrix.toml", "./usr/share/riskreg/rules/templates/",
        "./usr/share/riskreg/data/darlington-2009/", "./usr/share/doc/riskreg/README.md",
        "./usr/lib/systemd/system/riskreg-alert.service", "./usr/lib/systemd/system/riskreg-alert.timer",
        "./usr/share/man/man1/riskreg.1", "./usr/share/bash-completion/completions/riskreg"}) {
    INFO(f);
    CHECK(contents.out.find(f) != std::string::npos);
  }

  const std::string root = dir.file("root");
  REQUIRE(sh("dpkg-deb -x " + deb + " " + root).exit_code == 0);
  CHECK(read_file(root + "/usr/lib/systemd/system/riskreg-alert.service").find("\nExecStart=/usr/bin/riskreg alert ") !=
        std::string::npos);
  // Nothing in the packaged program names the tree it was built from. (AddressSanitizer's
  // instrumentation records each global's source file in the binary, so the sanitizer stage
  // cannot check this; the test stage does.)
#ifndef __SANITIZE_ADDRESS__
  auto binary = read_file(root + "/usr/bin/riskreg");
  CHECK(binary.find(RISKREG_SOURCE_DIR) == std::string::npos);
#endif
  runs_from(root + "/usr/bin/riskreg", dir);
}
