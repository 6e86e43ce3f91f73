#include "support.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
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

Shell shell(const std::string& cmd) {
  Shell s;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) s.out.append(buf, n);
  int st = pclose(p);
  s.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return s;
}

Shell chromium(const TempDir& dir, const std::string& html, const std::string& what) {
  REQUIRE(fs::exists("/usr/bin/chromium"));  // Debian's `chromium` package (scripts/setup.sh installs it)
  auto err = dir.file("chromium.err");
  auto s = shell(
      "timeout -k 10 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --disable-component-update --disable-sync --no-first-run "
      "--user-data-dir=" +
      dir.file("chromium-profile") + " " + what + " file://" + html + " 2>" + err);
  INFO("chromium stderr:\n" << read_file(err));
  REQUIRE(s.exit_code == 0);
  return s;
}

namespace {
uint32_t be32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) | (uint32_t(uint8_t(s[at + 2])) << 8) |
         uint32_t(uint8_t(s[at + 3]));
}
}  // namespace

Image decode_png(const std::string& png) {
  REQUIRE(png.size() > 8);
  REQUIRE(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  Image img;
  int colour_type = -1, depth = -1, interlace = -1;
  std::string idat;
  for (size_t at = 8; at + 8 <= png.size();) {
    uint32_t len = be32(png, at);
    std::string type = png.substr(at + 4, 4);
    REQUIRE(at + 12 + len <= png.size());
    if (type == "IHDR") {
      img.width = be32(png, at + 8);
      img.height = be32(png, at + 12);
      depth = uint8_t(png[at + 16]);
      colour_type = uint8_t(png[at + 17]);
      interlace = uint8_t(png[at + 20]);
    } else if (type == "IDAT") {
      idat += png.substr(at + 8, len);
    }
    at += 12 + len;
  }
  REQUIRE(depth == 8);
  REQUIRE((colour_type == 2 || colour_type == 6));
  REQUIRE(interlace == 0);
  const size_t bpp = colour_type == 6 ? 4 : 3, stride = img.width * bpp;
  std::vector<uint8_t> raw((stride + 1) * img.height);
  uLongf raw_len = raw.size();
  REQUIRE(uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) == Z_OK);
  REQUIRE(raw_len == raw.size());
  std::vector<uint8_t> prev(stride, 0), cur(stride);
  img.rgb.reserve(size_t(img.width) * img.height * 3);
  for (uint32_t y = 0; y < img.height; ++y) {
    const uint8_t* line = raw.data() + y * (stride + 1);
    uint8_t filter = line[0];
    REQUIRE(filter <= 4);
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0, x = line[1 + i];
      int pred = 0;
      if (filter == 1) pred = a;
      if (filter == 2) pred = b;
      if (filter == 3) pred = (a + b) / 2;
      if (filter == 4) {
        int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = uint8_t(x + pred);
    }
    for (size_t px = 0; px < img.width; ++px) img.rgb.insert(img.rgb.end(), &cur[px * bpp], &cur[px * bpp] + 3);
    std::swap(prev, cur);
  }
  return img;
}

std::vector<uint32_t> band_colours() {
  auto toml = read_file(source_path("rules/matrix.toml"));
  std::vector<uint32_t> out;
  std::regex re("colour = \"#([0-9a-fA-F]{6})\"");
  for (std::sregex_iterator it(toml.begin(), toml.end(), re), end; it != end; ++it)
    out.push_back(uint32_t(std::stoul((*it)[1].str(), nullptr, 16)));
  return out;
}

std::string plain(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

size_t widest(const std::string& s) {
  size_t most = 0, w = 0;
  for (unsigned char c : plain(s)) {
    if (c == '\n') {
      most = std::max(most, w);
      w = 0;
    } else if ((c & 0xC0) != 0x80) {
      ++w;
    }
  }
  return std::max(most, w);
}

}  // namespace riskreg::test
