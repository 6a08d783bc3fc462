// What the thread pool itself costs. A data-parallel training step (mlp/core/model.h) meets at 3
// barriers and runs 2 jobs (the gradient, then the optimizer update), so at B = 32 and 2 threads,
// 250 steps per epoch, these costs times 5 are the price of splitting the work.
//   pool/barrier/T:<t>     one Barrier of t ranks that all arrive together, spinning
//   pool/run/T:<t>         an empty job: post it, run it on every rank, join, workers spinning
//   pool/run_woken/T:<t>   the same when the workers have given up spinning and sleep: what a
//                          job costs after a long gap, the price the spin avoids
// Times are wall time per barrier or per job (manual timing: the sleep before run_woken is not
// counted), for t from 2 to the cores available.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <thread>

#include "mlp/runtime/cores.h"
#include "mlp/runtime/thread_pool.h"

namespace simd_mlp::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start, Clock::time_point stop) {
  return std::chrono::duration<double>(stop - start).count();
}

void BM_Barrier(benchmark::State& state, int threads) {
  mlp::ThreadPool pool(threads);
  constexpr int kBarriers = 1000;  // per timed job, so the job's own post and join are amortized
  for (auto _ : state) {
    const auto start = Clock::now();
    pool.Run([&](int) {
      for (int i = 0; i < kBarriers; ++i) pool.Barrier();
    });
    state.SetIterationTime(Seconds(start, Clock::now()) / kBarriers);
  }
}

void BM_Run(benchmark::State& state, int threads, bool after_sleep) {
  mlp::ThreadPool pool(threads);
  for (auto _ : state) {
    // 2 ms: far past the workers' spin (mlp/runtime/thread_pool.cc), so they are asleep.
    if (after_sleep) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto start = Clock::now();
    pool.Run([](int rank) { benchmark::DoNotOptimize(rank); });
    state.SetIterationTime(Seconds(start, Clock::now()));
  }
}

const bool registered = [] {
  for (int t = 2; t <= mlp::AvailableCores(); ++t) {
    const std::string suffix = "/T:" + std::to_string(t);
    // A fixed count: the timer sees one barrier per iteration but each runs kBarriers, so
    // Google Benchmark's own choice of count would run 1000 times too long.
    benchmark::RegisterBenchmark(("pool/barrier" + suffix).c_str(), BM_Barrier, t)
        ->UseManualTime()
        ->Iterations(1000);
    benchmark::RegisterBenchmark(("pool/run" + suffix).c_str(), BM_Run, t, false)->UseManualTime();
    benchmark::RegisterBenchmark(("pool/run_woken" + suffix).c_str(), BM_Run, t, true)
        ->UseManualTime()
        ->Iterations(200);
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
