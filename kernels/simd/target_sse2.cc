// The kernels compiled for sse2 (flags in kernels/BUILD). See kernels/simd/target-inl.h.
#define SIMD_MLP_TARGET sse2
#define SIMD_MLP_TARGET_ARCH xsimd::sse2
#define SIMD_MLP_TARGET_ISA ::simd_mlp::kernels::Isa::kSse2
#define SIMD_MLP_TARGET_LEVEL 1
#include "kernels/simd/target-inl.h"
