// A fixed team of threads for data-parallel training: created once, woken for each job, and a
// barrier the team meets at between the phases of a job. No thread is created after the
// constructor, and nothing allocates per job.
//
//   ThreadPool pool(2);                 // starts one worker; the caller is rank 0
//   pool.Run([&](int rank) {            // every rank runs this at once
//     DoMyRows(rank);
//     pool.Barrier();                   // every rank has finished its rows
//     DoMyColumns(rank);
//   });                                 // returns when every rank has returned
//
// Waiting spins briefly, then yields the core, then sleeps (thread_pool.cc): within a training step
// the other rank arrives within microseconds and a sleep/wake pair would cost more than the wait
// (bench/thread_pool_bench.cc measures both), while with more threads than cores a yield hands
// the core to the thread everyone is waiting for, and an idle pool uses no CPU.
#ifndef SIMD_MLP_MLP_RUNTIME_THREAD_POOL_H_
#define SIMD_MLP_MLP_RUNTIME_THREAD_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace simd_mlp::mlp {

class ThreadPool {
 public:
  // threads ≥ 1: starts threads − 1 workers; the thread calling Run is the remaining one. If the
  // system refuses a thread, the workers started so far are stopped and std::system_error thrown.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return size_; }

  // Runs job(rank) on every rank 0 … size() − 1 at once, rank 0 on the calling thread, and
  // returns when all have returned. One Run at a time; the job must not throw (a throw ends the
  // process) and must not call Run.
  template <typename Job>
  void Run(Job&& job) {
    using Callable = std::remove_reference_t<Job>;
    RunErased([](void* j, int rank) noexcept { (*static_cast<Callable*>(j))(rank); },
              std::addressof(job));
  }

  // Inside a job, called by every rank the same number of times: returns on each rank once all
  // have arrived. Everything a rank wrote before it arrived is visible to every rank after.
  void Barrier();

 private:
  // A counter that threads wait on to change: the one primitive under the job hand-off and the
  // barrier.
  class Signal {
   public:
    std::uint32_t Load() const { return value_.load(std::memory_order_acquire); }
    // Increments the value (a release: what the caller wrote before is visible to every thread
    // that sees the new value) and wakes the threads sleeping on the old one.
    void Advance();
    // Returns once the value differs from `seen` (an acquire): spins, yields, then sleeps.
    void WaitWhile(std::uint32_t seen);

   private:
    std::atomic<std::uint32_t> value_{0};
    std::atomic<int> sleepers_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
  };

  using Erased = void (*)(void* job, int rank) noexcept;
  void RunErased(Erased invoke, void* job);
  void WorkerLoop(int rank);
  void StopWorkers();

  // x86-64's cache line: what keeps two independently written atomics from false sharing.
  static constexpr std::size_t kCacheLine = 64;

  const int size_;
  // The barrier: arrivals are counted on one cache line, the generation that releases them
  // advances on another, and the next job is published on a third, so that a rank spinning on
  // one never slows the atomic increments of another.
  alignas(kCacheLine) std::atomic<int> arrived_{0};
  alignas(kCacheLine) Signal barrier_released_;
  alignas(kCacheLine) Signal job_posted_;
  Erased invoke_ = nullptr;
  void* job_ = nullptr;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_RUNTIME_THREAD_POOL_H_
