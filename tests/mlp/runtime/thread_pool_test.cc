// The thread pool: every rank runs every job once, the barrier really holds every rank back until
// all have arrived, jobs are never lost or run twice, and all of this also when the workers have
// gone to sleep and when there are more threads than cores. Run it under ThreadSanitizer too:
// bazel test //tests/mlp/runtime:thread_pool_test --config=tsan
#include "mlp/runtime/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "mlp/runtime/cores.h"

namespace simd_mlp::mlp {
namespace {

TEST(ThreadPool, EveryRankRunsEachJobOnceAndRankZeroIsTheCaller) {
  for (int size : {1, 2, 3, 5}) {
    ThreadPool pool(size);
    ASSERT_EQ(pool.size(), size);
    std::vector<int> runs(std::size_t(size), 0);  // each rank writes only its own entry
    std::vector<std::thread::id> ids(static_cast<std::size_t>(size));
    for (int job = 0; job < 100; ++job) {
      pool.Run([&](int rank) {
        ++runs[std::size_t(rank)];
        ids[std::size_t(rank)] = std::this_thread::get_id();
      });
    }
    for (int rank = 0; rank < size; ++rank) EXPECT_EQ(runs[std::size_t(rank)], 100) << rank;
    EXPECT_EQ(ids[0], std::this_thread::get_id());
    EXPECT_EQ(std::set<std::thread::id>(ids.begin(), ids.end()).size(), std::size_t(size));
  }
}

// Each rank writes its own slot for phase p, meets the others at the barrier, and then must see
// every slot at phase p: a barrier that let one rank through early would show it a stale slot.
// Ranks are staggered so that a different one arrives last in each phase.
void CheckBarrierHolds(ThreadPool& pool, int phases) {
  const std::size_t size = std::size_t(pool.size());
  std::vector<std::atomic<int>> slots(size);
  std::atomic<int> violations{0};
  pool.Run([&](int rank) {
    for (int phase = 1; phase <= phases; ++phase) {
      if ((phase + rank) % pool.size() == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
      slots[std::size_t(rank)].store(phase, std::memory_order_relaxed);
      pool.Barrier();
      for (const auto& slot : slots) {
        if (slot.load(std::memory_order_relaxed) != phase) violations.fetch_add(1);
      }
      pool.Barrier();  // nobody writes phase + 1 before everybody has checked phase
    }
  });
  EXPECT_EQ(violations.load(), 0);
}

TEST(ThreadPool, BarrierHoldsEveryRankUntilAllArrive) {
  for (int size : {2, 3, 4}) {
    ThreadPool pool(size);
    CheckBarrierHolds(pool, 300);
  }
}

// Plain (non-atomic) data written before a barrier is visible after it: the barrier is the only
// synchronization here, so ThreadSanitizer reports a race if it does not order memory.
TEST(ThreadPool, BarrierPublishesPlainWrites) {
  ThreadPool pool(3);
  std::vector<long> data(3 * 64, 0);  // one cache line apart per rank
  long sum = 0;
  pool.Run([&](int rank) {
    for (int round = 1; round <= 200; ++round) {
      data[std::size_t(rank) * 64] = round * (rank + 1);
      pool.Barrier();
      if (rank == 0) {
        for (int r = 0; r < 3; ++r) sum += data[std::size_t(r) * 64];
      }
      pool.Barrier();
    }
  });
  EXPECT_EQ(sum, 6L * (200 * 201 / 2));
}

// Waits long enough that the workers stop spinning and sleep, so the wake-up path is taken.
TEST(ThreadPool, JobsReachSleepingWorkers) {
  ThreadPool pool(2);
  std::atomic<int> runs{0};
  for (int job = 0; job < 5; ++job) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    pool.Run([&](int) { runs.fetch_add(1); });
    CheckBarrierHolds(pool, 3);
  }
  EXPECT_EQ(runs.load(), 10);
}

// More ranks than this machine has cores: ranks must sleep rather than spin forever waiting
// for a rank that has no core to run on.
TEST(ThreadPool, MoreThreadsThanCoresFinish) {
  ThreadPool pool(2 * AvailableCores() + 1);
  std::atomic<long> runs{0};
  for (int job = 0; job < 200; ++job) {
    pool.Run([&](int) {
      runs.fetch_add(1);
      pool.Barrier();
    });
  }
  EXPECT_EQ(runs.load(), 200L * pool.size());
}

TEST(ThreadPool, AvailableCoresIsPositive) { EXPECT_GE(AvailableCores(), 1); }

}  // namespace
}  // namespace simd_mlp::mlp
