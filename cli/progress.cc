#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace riskreg::cli {

namespace {

/// 1234567 -> "1,234,567"
std::string grouped(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

}  // namespace

TerminalProgress::TerminalProgress(std::ostream& err, std::string label, bool enabled)
    : err_(err), label_(std::move(label)), enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

bool TerminalProgress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void TerminalProgress::rows(int64_t done) {
  // The clock is read every 1024 rows only: the cost per row stays a compare.
  if (!enabled_ || (done & 1023) != 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(500)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  err_ << "\r" << label_ << ": " << grouped(done) << " rows, " << grouped(static_cast<int64_t>(done / secs))
       << " rows/s\x1b[K" << std::flush;
  shown_ = true;
}

void TerminalProgress::finish() {
  if (shown_) err_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

}  // namespace riskreg::cli
