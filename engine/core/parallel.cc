#include "core/parallel.h"

#include <exception>
#include <thread>

namespace riskreg {

void run_both(bool apart, const std::function<void()>& here, const std::function<void()>& there) {
  if (!apart) {
    here();
    there();
    return;
  }
  std::exception_ptr failed_there, failed_here;
  std::thread thread([&] {
    try {
      there();
    } catch (...) {
      failed_there = std::current_exception();
    }
  });
  try {
    here();
  } catch (...) {
    failed_here = std::current_exception();
  }
  thread.join();
  if (failed_here) std::rethrow_exception(failed_here);
  if (failed_there) std::rethrow_exception(failed_there);
}

bool two_cores() { return std::thread::hardware_concurrency() >= 2; }

bool worth_splitting(size_t items, size_t from) { return items >= from && two_cores(); }

}  // namespace riskreg
