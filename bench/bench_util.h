// Counters shared by every benchmark: GFLOP/s and the fraction of this machine's FMA peak,
// measured in the same run (so the ratio survives a noisy or throttled machine).
#ifndef SIMD_MLP_BENCH_BENCH_UTIL_H_
#define SIMD_MLP_BENCH_BENCH_UTIL_H_

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/isa.h"

namespace simd_mlp::bench {

// The single-core FP32 FMA throughput of one ISA in GFLOP/s: the best of several timed runs of a
// register-only FMA loop, measured once per process and cached.
double MeasuredPeakGflops(kernels::Isa isa);

// The peak a run on `isa` is measured against: its own; the scalar reference's is taken as the
// least ISA's (the architecture's baseline vector unit), which no scalar loop exceeds.
double PeakGflops(kernels::Isa isa);

// Sets the `gflops` and `peak_frac` counters (rates over the benchmark's CPU time) of a benchmark
// of code for `isa` that does `flops` floating point operations per iteration.
void SetFlopCounters(benchmark::State& state, double flops_per_iteration, kernels::Isa isa);

// For benchmarks that run several threads: the steady clock, and the same two counters, on the
// active ISA (the trainer's), computed from the wall time of the timed loop instead of the calling
// thread's CPU time (which counts neither the other threads' work nor the time spent waiting for
// them). Google Benchmark's own wall-clock mode, UseRealTime, is not used because it appends
// "/real_time" to every name, and the names are a stable interface (tests/bench/bench_cli_test.sh).
// On a quiet machine the two clocks agree for one thread.
double WallSeconds();

// The calling thread's CPU time, in seconds: what Google Benchmark divides by for its rate
// counters, so the peak and the benchmarks are measured alike (and a busy machine that
// deschedules us inflates neither).
double ThreadCpuSeconds();
void SetWallFlopCounters(benchmark::State& state, double flops_per_iteration, double wall_seconds);

// The batch sizes every per-batch benchmark runs: one sample, small and Keras-default minibatches,
// large ones, and the whole 8,000-sample training set.
inline const std::vector<long> kBatchSizes = {1, 8, 32, 128, 512, 8000};

// The MLP's hidden width and its padded row length (one AVX-512 vector = 16 floats; 112 = 7·16).
inline constexpr std::size_t kHidden = 100;
inline constexpr std::size_t kPaddedHidden = 112;

// A 64-byte aligned float buffer of uniform random values in [-1, 1] (fixed seed), as the trainer's
// arenas are laid out.
struct FloatBuffer {
  explicit FloatBuffer(std::size_t n, std::uint64_t seed = 1);
  float* data() { return ptr.get(); }
  std::unique_ptr<float, void (*)(void*)> ptr;
};

// ISAs to benchmark: every supported one except the scalar reference.
std::vector<kernels::Isa> BenchIsas();

// The CPU's model name, from /proc/cpuinfo.
std::string CpuModel();

// "epoch/ours/B:32": benchmark, implementation, batch. (The kernels' benchmarks are named after
// the kernels: bench/kernels/kernel_bench.h.)
std::string BenchName(const std::string& kernel, const std::string& impl, long batch);

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_BENCH_UTIL_H_
