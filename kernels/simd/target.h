// The ISA a per-ISA unit is compiled for. The build compiles each such unit (kernels/simd/*.cc,
// bench/simd/*.cc) with that ISA's flags and -DSIMD_MLP_TARGET=<name>, a name of
// kernels/isa_list.inc and the namespace of the unit's code; this header derives from it
//   SIMD_MLP_TARGET_ARCH   the ISA's xsimd architecture
//   SIMD_MLP_TARGET_LEVEL  1 (SSE2), 2 (AVX2 + FMA) or 3 (AVX-512), for the few intrinsics xsimd
//                          8.1.0 lacks (masked loads and stores, half-width registers)
#ifndef SIMD_MLP_KERNELS_SIMD_TARGET_H_
#define SIMD_MLP_KERNELS_SIMD_TARGET_H_

#ifndef SIMD_MLP_TARGET
#error "compile per-ISA units with -DSIMD_MLP_TARGET=<isa> and that ISA's flags (kernels/BUILD)"
#endif

#define SIMD_MLP_TARGET_ARCH_sse2 xsimd::sse2
#define SIMD_MLP_TARGET_LEVEL_sse2 1
#define SIMD_MLP_TARGET_ARCH_avx2 xsimd::fma3<xsimd::avx2>
#define SIMD_MLP_TARGET_LEVEL_avx2 2
#define SIMD_MLP_TARGET_ARCH_avx512 xsimd::avx512bw
#define SIMD_MLP_TARGET_LEVEL_avx512 3

#define SIMD_MLP_TARGET_PASTE(a, b) a##b
#define SIMD_MLP_TARGET_EXPAND_PASTE(a, b) SIMD_MLP_TARGET_PASTE(a, b)
#define SIMD_MLP_TARGET_ARCH SIMD_MLP_TARGET_EXPAND_PASTE(SIMD_MLP_TARGET_ARCH_, SIMD_MLP_TARGET)
#define SIMD_MLP_TARGET_LEVEL SIMD_MLP_TARGET_EXPAND_PASTE(SIMD_MLP_TARGET_LEVEL_, SIMD_MLP_TARGET)

#if SIMD_MLP_TARGET_LEVEL < 1  // an undefined SIMD_MLP_TARGET_LEVEL_<name> counts as 0
#error "SIMD_MLP_TARGET names no ISA of kernels/simd/target.h"
#endif

#endif  // SIMD_MLP_KERNELS_SIMD_TARGET_H_
