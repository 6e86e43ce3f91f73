#include "support.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace riskreg::test {

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "riskreg-test-XXXXXX").string();
  char* p = ::mkdtemp(tmpl.data());
  if (!p) throw std::runtime_error("mkdtemp failed");
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string source_path(const std::string& rel) { return std::string(RISKREG_SOURCE_DIR) + "/" + rel; }

int repeats(int n) {
  const char* d = std::getenv("RISKREG_TEST_REPEAT_DIVISOR");
  int divisor = d ? std::atoi(d) : 1;
  return std::max(1, divisor > 1 ? n / divisor : n);
}

std::map<std::string, std::string> riskreg_env() {
  std::map<std::string, std::string> env = {{"RISKREG_NOW", "2026-11-23T09:00:00Z"},
                                            {"NO_COLOR", "1"},
                                            {"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
                                            {"USER", "tester"},
                                            {"HOME", "/nonexistent-home"}};
  for (const char* k : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
    if (const char* v = std::getenv(k)) env[k] = v;
  return env;
}

RunResult run_riskreg(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra_env) {
  std::map<std::string, std::string> env = riskreg_env();
  for (const auto& [k, v] : extra_env) env[k] = v;
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    std::vector<std::string> envs;
    for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string bin = RISKREG_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> a = args;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execve(bin.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    ::poll(fds, 2, -1);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = source_path("tests/golden/" + name);
  const char* update = std::getenv("RISKREG_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    write_file(path, actual);
    return;
  }
  INFO("golden file " << path << " (rewrite with RISKREG_UPDATE_GOLDEN=1 after checking the change)");
  REQUIRE(fs::exists(path));
  CHECK(actual == read_file(path));
}

std::string init_darlington(const TempDir& dir) {
  std::string db = dir.file("register.db");
  auto r = run_riskreg({"--db", db, "init", "--as", "loader"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return db;
}

std::string darlington_with_history(const TempDir& dir) {
  auto db = init_darlington(dir);
  auto a = run_riskreg({"--db", db, "score", "5", "B2", "--reason", "Savings target raised", "--as", "alice"},
                       {{"RISKREG_NOW", "2026-12-01T10:00:00Z"}});
  auto b = run_riskreg({"--db", db, "score", "5", "A1", "--reason", "Budget cut", "--as", "bob"},
                       {{"RISKREG_NOW", "2026-12-05T10:00:00Z"}});
  INFO(a.err << b.err);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  return db;
}

void tamper_sql(const std::string& db, const std::string& sql) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  d.exec(
      "DROP TRIGGER IF EXISTS assessments_append_only_u; DROP TRIGGER IF EXISTS assessments_append_only_d;"
      "DROP TRIGGER IF EXISTS owner_changes_append_only_u; DROP TRIGGER IF EXISTS owner_changes_append_only_d;");
  d.exec(sql);
}

}  // namespace riskreg::test
