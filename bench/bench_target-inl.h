// The body of bench/target_<isa>.cc; see bench/bench_targets.h and kernels/target-inl.h for the
// SIMD_MLP_TARGET* macros.
#ifndef SIMD_MLP_TARGET
#error "define SIMD_MLP_TARGET and friends, then include bench/bench_target-inl.h"
#endif

#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "bench/bench_targets.h"

namespace simd_mlp::bench::SIMD_MLP_TARGET {

using Arch = SIMD_MLP_TARGET_ARCH;

// 12 independent accumulator chains: more than FMA latency × FMA ports on current x86 cores
// (Zen 4: 4 cycles × 2 pipes = 8), so the loop is bound by throughput, not latency.
double FmaPeakLoop(std::int64_t iterations) {
  using V = xsimd::batch<float, Arch>;
  constexpr int kChains = 12;
  const V a(0.999999f), b(1e-7f);
  V acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = V(1.0f + 0.01f * c);
  for (std::int64_t i = 0; i < iterations; ++i) {
    // Fully unrolled so every chain lives in a register (at -O2 the loop is not, and the
    // accumulators round-trip through memory: measured 4× below peak).
#pragma GCC unroll 12
    for (int c = 0; c < kChains; ++c) acc[c] = xsimd::fma(acc[c], a, b);
  }
  V sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum += acc[c];
  // Keep the result live so the loop cannot be removed.
  volatile float sink = xsimd::hadd(sum);
  (void)sink;
  return 2.0 * V::size * kChains * static_cast<double>(iterations);
}

const BenchTargetTable& Table() {
  static const BenchTargetTable table = {&FmaPeakLoop};
  return table;
}

}  // namespace simd_mlp::bench::SIMD_MLP_TARGET
