// Benchmark code compiled for avx2fma (flags in bench/BUILD). See bench/bench_targets.h.
#define SIMD_MLP_TARGET avx2fma
#define SIMD_MLP_TARGET_ARCH xsimd::fma3<xsimd::avx2>
#define SIMD_MLP_TARGET_ISA ::simd_mlp::kernels::Isa::kAvx2Fma
#define SIMD_MLP_TARGET_LEVEL 2
#include "bench/bench_target-inl.h"
