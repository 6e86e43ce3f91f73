#pragma once
/// Two pieces of work at once, for the whole-register reads that a million-risk register
/// makes worth splitting (store/sqlite_scan.cc, rules/flags.cc, io/export_walk.cc).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace riskreg {

/// Runs `here` on this thread and, when `apart` is set, `there` on a thread of its own at
/// the same time (else after `here`). When both are done, rethrows what failed: `here`'s
/// exception first, else `there`'s.
void run_both(bool apart, const std::function<void()>& here, const std::function<void()>& there);

/// Whether the machine has two cores or more: a second thread can run beside this one.
bool two_cores();

/// Whether splitting `items` pieces of work over two threads is worth a thread: at least
/// `from` items and a machine with two cores or more.
bool worth_splitting(size_t items, size_t from);

/// Runs `produce` and `consume` as a pipeline: with `apart`, `produce` on a thread of its own,
/// handing each item it yields, in order, to `consume` on this thread; else `consume` is
/// called from within `yield`. Items travel in `depth` batches of `size`, reused in turn, so
/// memory stays bounded: `yield(item)` swaps `item` into a batch and gives the producer back a
/// used item (whose buffers it may reuse), so the producer must set every part of an item
/// afresh. A failure on either side stops both; the consumer's is rethrown first.
template <typename T>
void pipeline(bool apart, const std::function<void(const std::function<void(T&)>& yield)>& produce,
              const std::function<void(T&)>& consume, size_t size = 256, size_t depth = 4) {
  if (!apart) {
    produce(consume);
    return;
  }
  struct Batch {
    std::vector<T> items;
    size_t n = 0;
  };
  struct Stopped {};  // thrown inside the producer when the consumer has failed
  std::vector<Batch> batches(depth);
  for (auto& b : batches) b.items.resize(size);
  std::mutex mu;
  std::condition_variable changed;
  std::deque<size_t> full, free;
  for (size_t i = 1; i < depth; ++i) free.push_back(i);
  bool done = false, stopped = false;
  std::exception_ptr failed_there;

  std::thread thread([&] {
    size_t cur = 0;  // the batch being filled (batch 0 to begin with)
    auto hand_on = [&](bool last) {
      std::unique_lock lock(mu);
      full.push_back(cur);
      if (last) done = true;
      changed.notify_all();
      if (last) return;
      changed.wait(lock, [&] { return !free.empty() || stopped; });
      if (stopped) throw Stopped{};
      cur = free.front();
      free.pop_front();
    };
    try {
      produce([&](T& item) {
        Batch& b = batches[cur];
        using std::swap;
        swap(item, b.items[b.n++]);
        if (b.n == b.items.size()) hand_on(false);
      });
      hand_on(true);
    } catch (const Stopped&) {
    } catch (...) {
      std::lock_guard lock(mu);
      failed_there = std::current_exception();
      done = true;
      changed.notify_all();
    }
  });
  std::exception_ptr failed_here;
  try {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return !full.empty() || done; });
        if (failed_there) break;
        if (full.empty()) break;  // done, and every batch consumed
        i = full.front();
        full.pop_front();
      }
      Batch& b = batches[i];
      for (size_t k = 0; k < b.n; ++k) consume(b.items[k]);
      b.n = 0;
      std::lock_guard lock(mu);
      free.push_back(i);
      changed.notify_all();
    }
  } catch (...) {
    failed_here = std::current_exception();
    std::lock_guard lock(mu);
    stopped = true;
    changed.notify_all();
  }
  thread.join();
  if (failed_here) std::rethrow_exception(failed_here);
  if (failed_there) std::rethrow_exception(failed_there);
}

}  // namespace riskreg
