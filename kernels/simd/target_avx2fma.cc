// The kernels compiled for avx2fma (flags in kernels/BUILD). See kernels/simd/target-inl.h.
#define SIMD_MLP_TARGET avx2fma
#define SIMD_MLP_TARGET_ARCH xsimd::fma3<xsimd::avx2>
#define SIMD_MLP_TARGET_ISA ::simd_mlp::kernels::Isa::kAvx2Fma
#define SIMD_MLP_TARGET_LEVEL 2
#include "kernels/simd/target-inl.h"
