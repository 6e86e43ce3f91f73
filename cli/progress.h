#pragma once
/// Progress of a long export or import on stderr, only when stderr is a terminal: one line
/// ("export: 1,200,000 rows, 610,000 rows/s") rewritten at most every half second and
/// cleared at the end. Nothing at all when stderr is a file or a pipe.
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "core/progress.h"

namespace riskreg::cli {

class TerminalProgress : public Progress {
 public:
  /// `label` starts the line ("export"). Shown only if `enabled` (stderr is a terminal).
  TerminalProgress(std::ostream& err, std::string label, bool enabled);
  /// Whether stderr (fd 2) is a terminal.
  static bool stderr_is_terminal();

  void rows(int64_t done) override;
  void finish() override;

 private:
  std::ostream& err_;
  std::string label_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace riskreg::cli
