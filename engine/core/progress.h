#pragma once
/// Progress of a long operation (an export or import of a large register), reported to an
/// interface: the engine never prints. The CLI shows it on a terminal (cli/progress.h).
#include <cstdint>

namespace riskreg {

class Progress {
 public:
  virtual ~Progress() = default;
  /// `done` rows of the operation so far. Called for every row: an implementation decides
  /// how often to show it, and must be cheap when it does not.
  virtual void rows(int64_t done) = 0;
  /// The operation ended (successfully or not): clear or finish what was shown.
  virtual void finish() = 0;
};

}  // namespace riskreg
