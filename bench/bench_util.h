// Counters shared by every benchmark: GFLOP/s and the fraction of this machine's FMA peak,
// measured in the same run (so the ratio survives a noisy or throttled machine).
#ifndef SIMD_MLP_BENCH_BENCH_UTIL_H_
#define SIMD_MLP_BENCH_BENCH_UTIL_H_

#include <benchmark/benchmark.h>

#include <string>

#include "kernels/isa.h"

namespace simd_mlp::bench {

// The single-core FP32 FMA throughput of one ISA in GFLOP/s: the median of several timed runs of
// a register-only FMA loop, measured once per process and cached.
double MeasuredPeakGflops(kernels::Isa isa);

// The machine's peak: that of the best ISA this CPU supports. peak_frac is relative to this, so
// the SSE2 and AVX2 rows show how much of the machine they leave unused.
double MachinePeakGflops();

// Sets the `gflops` (rate) and `peak_frac` counters for a benchmark that does `flops` floating
// point operations per iteration.
void SetFlopCounters(benchmark::State& state, double flops_per_iteration);

// "gemm_bias_tanh/avx512/B:32": kernel, implementation (an ISA name, or eigen_<isa>), batch.
std::string BenchName(const std::string& kernel, const std::string& impl, long batch);

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_BENCH_UTIL_H_
