#pragma once
/// An export's or import's progress as milestones an operator reads in the log (spdlog at
/// info on stderr, `RISKREG_LOG=info`): "export: 100000 rows written to out.csv", every
/// `every` rows, whatever the terminal shows. Passes every call on to the Progress it wraps
/// (the CLI's terminal line), if any.
#include <cstdint>
#include <string>

#include "core/progress.h"

namespace riskreg {

class LoggedProgress : public Progress {
 public:
  /// Logs "<label>: <rows so far> rows <tail>", e.g. label "export", tail "written to out.csv".
  LoggedProgress(Progress* inner, std::string label, std::string tail, int64_t every = 100000);
  void rows(int64_t done) override;
  void finish() override;

 private:
  Progress* inner_;
  std::string label_, tail_;
  int64_t every_;
  int64_t next_;
};

}  // namespace riskreg
