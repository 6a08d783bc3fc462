// Benchmark code compiled for avx512 (flags in bench/BUILD). See bench/bench_targets.h.
#define SIMD_MLP_TARGET avx512
#define SIMD_MLP_TARGET_ARCH xsimd::avx512bw
#define SIMD_MLP_TARGET_ISA ::simd_mlp::kernels::Isa::kAvx512
#define SIMD_MLP_TARGET_LEVEL 3
#include "bench/bench_target-inl.h"
