#include "io/logged_progress.h"

#include <utility>

#include <spdlog/spdlog.h>

namespace riskreg {

LoggedProgress::LoggedProgress(Progress* inner, std::string label, std::string tail, int64_t every)
    : inner_(inner), label_(std::move(label)), tail_(std::move(tail)), every_(every > 0 ? every : 1), next_(every_) {}

void LoggedProgress::rows(int64_t done) {
  if (inner_) inner_->rows(done);
  if (done < next_) return;
  spdlog::info("{}: {} rows {}", label_, done, tail_);
  next_ = (done / every_ + 1) * every_;
}

void LoggedProgress::finish() {
  if (inner_) inner_->finish();
}

}  // namespace riskreg
