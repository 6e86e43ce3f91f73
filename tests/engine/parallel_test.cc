// engine/core/parallel: the pipeline that hands a reading thread's batches to the caller.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/parallel.h"

using riskreg::pipeline;

namespace {
/// What a pipeline of `n` numbers delivers, in order, with at most `size` a batch.
std::vector<int> through(bool apart, int n, size_t size, size_t depth, std::thread::id* producer = nullptr) {
  std::vector<int> got;
  pipeline<std::vector<int>>(
      apart,
      [&](const std::function<void(std::vector<int>&)>& yield) {
        if (producer) *producer = std::this_thread::get_id();
        std::vector<int> item;
        for (int i = 0; i < n; ++i) {
          item.assign(static_cast<size_t>(i % 3 + 1), i);  // every part set afresh, as the contract asks
          yield(item);
        }
      },
      [&](std::vector<int>& item) {
        REQUIRE(!item.empty());
        for (int v : item) CHECK(v == item.front());
        got.push_back(item.front());
      },
      size, depth);
  return got;
}
}  // namespace

TEST_CASE("pipeline delivers every item once, in order, on a thread apart or not", "[parallel]") {
  std::vector<int> want(1000);
  for (int i = 0; i < 1000; ++i) want[static_cast<size_t>(i)] = i;
  for (size_t size : {1, 7, 256, 2000})
    for (size_t depth : {2, 4}) {
      INFO("batch " << size << ", depth " << depth);
      std::thread::id producer;
      CHECK(through(true, 1000, size, depth, &producer) == want);
      CHECK(producer != std::this_thread::get_id());
      CHECK(through(false, 1000, size, depth, &producer) == want);
      CHECK(producer == std::this_thread::get_id());
    }
  CHECK(through(true, 0, 4, 2).empty());
}

TEST_CASE("pipeline: the producer's failure reaches the caller and stops the consumer", "[parallel]") {
  int consumed = 0;
  auto run = [&] {
    pipeline<int>(
        true,
        [&](const std::function<void(int&)>& yield) {
          for (int i = 0; i < 100; ++i) {
            int item = i;  // yield swaps a used item back into it
            yield(item);
          }
          throw std::runtime_error("disk read failed at item 100");
        },
        [&](int&) { ++consumed; }, 10, 2);
  };
  CHECK_THROWS_WITH(run(), "disk read failed at item 100");
  CHECK(consumed <= 100);
}

TEST_CASE("pipeline: the consumer's failure stops the producer, which does not run on to its end", "[parallel]") {
  std::atomic<int> produced{0};
  auto run = [&] {
    pipeline<int>(
        true,
        [&](const std::function<void(int&)>& yield) {
          for (int i = 0; i < 1000000; ++i) {
            ++produced;
            int item = i;
            yield(item);
          }
        },
        [&](int& v) {
          if (v == 50) throw std::runtime_error("cannot write the export");
        },
        10, 2);
  };
  CHECK_THROWS_WITH(run(), "cannot write the export");
  // At most the batches in flight past the failing one: two of ten, and the one being filled.
  CHECK(produced < 100);
}
