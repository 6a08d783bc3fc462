#include "mlp/runtime/thread_pool.h"

#include <cassert>

namespace simd_mlp::mlp {

namespace {

// How a thread waits for a Signal to change: first it polls with a PAUSE between polls, then with
// a sched_yield between polls (when another thread wants the core, it runs: with more threads than
// cores it is often the one being waited for), and only then does it sleep on the condition
// variable, because waking a sleeper costs far more than a barrier between running threads. The
// pausing outlasts the longest gap between a training step's jobs, and the yielding covers a
// descheduled thread's return without keeping an idle pool on the cores for long. Both counts
// were chosen by measurement (bench/thread_pool_bench.cc; the figures: docs/performance.md).
constexpr int kPausePolls = 1024;
constexpr int kYieldPolls = 64;

// Eases the spin on the sibling hardware thread and on the memory bus.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");  // ARM's hint for a spin-wait loop; g++ has no builtin for it
#else
#error "CpuRelax: no spin-wait hint for this processor; add one (x86-64 and aarch64 have theirs)"
#endif
}

}  // namespace

void ThreadPool::Signal::Advance() {
  value_.fetch_add(1, std::memory_order_seq_cst);
  // A sleeper registers (seq_cst) before it rechecks the value under the mutex; the total order
  // of the two seq_cst pairs means that either it sees the new value or we see it registered.
  // Notifying under the mutex means a sleeper that registered is already waiting on wake_.
  if (sleepers_.load(std::memory_order_seq_cst) != 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }
}

void ThreadPool::Signal::WaitWhile(std::uint32_t seen) {
  for (int poll = 0; poll < kPausePolls; ++poll) {
    if (value_.load(std::memory_order_acquire) != seen) return;
    CpuRelax();
  }
  for (int poll = 0; poll < kYieldPolls; ++poll) {
    if (value_.load(std::memory_order_acquire) != seen) return;
    std::this_thread::yield();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  while (value_.load(std::memory_order_seq_cst) == seen) wake_.wait(lock);
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
}

ThreadPool::ThreadPool(int threads) : size_(threads) {
  assert(threads >= 1);
  workers_.reserve(static_cast<std::size_t>(threads - 1));
  try {
    for (int rank = 1; rank < threads; ++rank) {
      workers_.emplace_back([this, rank] { WorkerLoop(rank); });
    }
  } catch (...) {
    StopWorkers();  // a joinable std::thread left to its destructor would end the process
    throw;
  }
}

ThreadPool::~ThreadPool() { StopWorkers(); }

void ThreadPool::StopWorkers() {
  stopping_ = true;
  job_posted_.Advance();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::Barrier() {
  if (size_ == 1) return;
  // Read the generation before arriving: once the last rank arrives it may advance at once.
  const std::uint32_t generation = barrier_released_.Load();
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == size_) {
    // The last to arrive: the acq_rel chain of arrivals made every rank's writes visible here,
    // and Advance releases them (and the reset count) to all. No rank can arrive at the next
    // barrier before Advance, so the reset cannot race with an arrival.
    arrived_.store(0, std::memory_order_relaxed);
    barrier_released_.Advance();
  } else {
    barrier_released_.WaitWhile(generation);
  }
}

void ThreadPool::RunErased(Erased invoke, void* job) {
  if (size_ == 1) {
    invoke(job, 0);
    return;
  }
  // Workers read these after they see job_posted_ advance, and are done with them (they have
  // arrived at the closing barrier) before the next Run can write them.
  invoke_ = invoke;
  job_ = job;
  job_posted_.Advance();
  invoke(job, 0);
  Barrier();  // the join: every rank has returned from the job
}

void ThreadPool::WorkerLoop(int rank) {
  // No job can be posted before the constructor returns, so the first one advances 0 → 1, and
  // since each job ends in a barrier every worker takes part in, none is ever missed.
  std::uint32_t seen = 0;
  while (true) {
    job_posted_.WaitWhile(seen);
    ++seen;
    if (stopping_) return;
    invoke_(job_, rank);
    Barrier();
  }
}

}  // namespace simd_mlp::mlp
