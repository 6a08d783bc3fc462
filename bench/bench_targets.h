// Benchmark code that must be compiled once per ISA (bench/target_<isa>.cc, flags in bench/BUILD):
// the register-only FMA loop that measures the machine's peak, and the Eigen baseline, compiled
// for the same ISA as the kernels it is compared with. Each ISA's copy lives in its own namespace
// (as the kernels do, see kernels/target-inl.h), so the linker cannot mix them up.
#ifndef SIMD_MLP_BENCH_BENCH_TARGETS_H_
#define SIMD_MLP_BENCH_BENCH_TARGETS_H_

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"

namespace simd_mlp::bench {

struct BenchTargetTable {
  // Runs `iterations` rounds of independent vector FMAs on registers only; returns the FLOPs done
  // (2 per lane per FMA). SSE2 has no FMA: a multiply and an add count as the same 2 FLOPs.
  double (*fma_peak_loop)(std::int64_t iterations);
};

// The table for one ISA other than kRef; the CPU must support it.
const BenchTargetTable& BenchTargetFor(kernels::Isa isa);

#define SIMD_MLP_DECLARE_BENCH_TARGET(target) \
  namespace target {                          \
  const BenchTargetTable& Table();            \
  }
SIMD_MLP_DECLARE_BENCH_TARGET(sse2)
SIMD_MLP_DECLARE_BENCH_TARGET(avx2fma)
SIMD_MLP_DECLARE_BENCH_TARGET(avx512)
#undef SIMD_MLP_DECLARE_BENCH_TARGET

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_BENCH_TARGETS_H_
