// Benchmark code compiled for sse2 (flags in bench/BUILD). See bench/bench_targets.h.
#define SIMD_MLP_TARGET sse2
#define SIMD_MLP_TARGET_ARCH xsimd::sse2
#define SIMD_MLP_TARGET_ISA ::simd_mlp::kernels::Isa::kSse2
#define SIMD_MLP_TARGET_LEVEL 1
#include "bench/bench_target-inl.h"
