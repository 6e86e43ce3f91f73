#pragma once
// Starting the built riskreg without waiting for it, so crash and concurrency tests can kill
// it at a chosen moment or run many at once. Header-only; used by crash_test.cc and
// concurrency_test.cc. Everything the child needs is prepared before fork(), so the child
// only calls async-signal-safe functions (dup2, execve, _exit).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.h"

namespace riskreg::test {

/// A riskreg process running in the background. stdout and stderr go to files, so a
/// killed process leaves whatever it had printed.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& out_file, const std::string& err_file,
        const std::map<std::string, std::string>& extra_env = {}, long max_file_bytes = -1) {
    std::map<std::string, std::string> env = riskreg_env();
    for (const auto& [k, v] : extra_env) env[k] = v;
    std::vector<std::string> envs, argv_s = {RISKREG_BINARY};
    for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> envp, argv;
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0 || err < 0) throw std::runtime_error("cannot open the child's files");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      if (max_file_bytes >= 0) {
        // Simulates a full disk: a write past the limit fails (EFBIG) instead of killing.
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit lim{static_cast<rlim_t>(max_file_bytes), static_cast<rlim_t>(max_file_bytes)};
        ::setrlimit(RLIMIT_FSIZE, &lim);
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(in);
    ::close(out);
    ::close(err);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0 && !done_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }

  /// True once the process has ended (reaps it).
  bool poll() {
    if (done_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) finish(status);
    return done_;
  }
  /// Kills the process with SIGKILL unless it has already ended; then reaps it.
  void kill() {
    if (!poll()) ::kill(pid_, SIGKILL);
    wait();
  }
  /// Waits for the end; returns the exit code, or 128 + signal.
  int wait() {
    if (!done_) {
      int status = 0;
      while (::waitpid(pid_, &status, 0) != pid_) {
      }
      finish(status);
    }
    return code_;
  }
  bool killed() const { return done_ && killed_; }
  int code() const { return code_; }

 private:
  void finish(int status) {
    done_ = true;
    killed_ = WIFSIGNALED(status);
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid_ = -1;
  bool done_ = false;
  bool killed_ = false;
  int code_ = -1;
};

}  // namespace riskreg::test
