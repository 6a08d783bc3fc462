// The kernels compiled for avx512 (flags in kernels/BUILD). See kernels/simd/target-inl.h.
#define SIMD_MLP_TARGET avx512
#define SIMD_MLP_TARGET_ARCH xsimd::avx512bw
#define SIMD_MLP_TARGET_ISA ::simd_mlp::kernels::Isa::kAvx512
#define SIMD_MLP_TARGET_LEVEL 3
#include "kernels/simd/target-inl.h"
