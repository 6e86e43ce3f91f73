#pragma once
/// Two pieces of work at once, for the whole-register reads that a million-risk register
/// makes worth splitting (store/sqlite_scan.cc, rules/flags.cc).
#include <cstddef>
#include <functional>

namespace riskreg {

/// Runs `here` on this thread and, when `apart` is set, `there` on a thread of its own at
/// the same time (else after `here`). When both are done, rethrows what failed: `here`'s
/// exception first, else `there`'s.
void run_both(bool apart, const std::function<void()>& here, const std::function<void()>& there);

/// Whether splitting `items` pieces of work over two threads is worth a thread: at least
/// `from` items and a machine with two cores or more.
bool worth_splitting(size_t items, size_t from);

}  // namespace riskreg
