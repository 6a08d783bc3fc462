// The ISA a per-ISA unit is compiled for. The build compiles each such unit (kernels/simd/*.cc,
// bench/simd/*.cc) with that ISA's flags and -DSIMD_MLP_TARGET=<name>, a name of
// kernels/isa_list.inc and the namespace of the unit's code; this header derives from it
//   SIMD_MLP_TARGET_ARCH       the ISA's xsimd architecture
//   SIMD_MLP_TARGET_X86_LEVEL  1 (SSE2), 2 (AVX2 + FMA) or 3 (AVX-512) on x86-64, 0 elsewhere: for
//                              the few x86 intrinsics xsimd 8.1.0 lacks (masked loads and stores,
//                              half-width registers)
//   SIMD_MLP_TARGET_NEON       1 for aarch64's Advanced SIMD, 0 elsewhere: for its intrinsics
//   SIMD_MLP_TARGET_FMA        1 where the ISA has fused multiply-adds (AVX2, AVX-512, NEON): the
//                              kernels whose numerics depend on fusion choose their form by it
#ifndef SIMD_MLP_KERNELS_SIMD_TARGET_H_
#define SIMD_MLP_KERNELS_SIMD_TARGET_H_

#ifndef SIMD_MLP_TARGET
#error "compile per-ISA units with -DSIMD_MLP_TARGET=<isa> and that ISA's flags (kernels/BUILD)"
#endif

// Every property of every ISA, so that each is also usable in C++ expressions.
#define SIMD_MLP_TARGET_ARCH_sse2 xsimd::sse2
#define SIMD_MLP_TARGET_X86_LEVEL_sse2 1
#define SIMD_MLP_TARGET_NEON_sse2 0
#define SIMD_MLP_TARGET_FMA_sse2 0
#define SIMD_MLP_TARGET_ARCH_avx2 xsimd::fma3<xsimd::avx2>
#define SIMD_MLP_TARGET_X86_LEVEL_avx2 2
#define SIMD_MLP_TARGET_NEON_avx2 0
#define SIMD_MLP_TARGET_FMA_avx2 1
#define SIMD_MLP_TARGET_ARCH_avx512 xsimd::avx512bw
#define SIMD_MLP_TARGET_X86_LEVEL_avx512 3
#define SIMD_MLP_TARGET_NEON_avx512 0
#define SIMD_MLP_TARGET_FMA_avx512 1
#define SIMD_MLP_TARGET_ARCH_neon xsimd::neon64
#define SIMD_MLP_TARGET_X86_LEVEL_neon 0
#define SIMD_MLP_TARGET_NEON_neon 1
#define SIMD_MLP_TARGET_FMA_neon 1

#define SIMD_MLP_TARGET_PASTE(a, b) a##b
#define SIMD_MLP_TARGET_EXPAND_PASTE(a, b) SIMD_MLP_TARGET_PASTE(a, b)
#define SIMD_MLP_TARGET_ARCH SIMD_MLP_TARGET_EXPAND_PASTE(SIMD_MLP_TARGET_ARCH_, SIMD_MLP_TARGET)
#define SIMD_MLP_TARGET_X86_LEVEL \
  SIMD_MLP_TARGET_EXPAND_PASTE(SIMD_MLP_TARGET_X86_LEVEL_, SIMD_MLP_TARGET)
#define SIMD_MLP_TARGET_NEON SIMD_MLP_TARGET_EXPAND_PASTE(SIMD_MLP_TARGET_NEON_, SIMD_MLP_TARGET)
#define SIMD_MLP_TARGET_FMA SIMD_MLP_TARGET_EXPAND_PASTE(SIMD_MLP_TARGET_FMA_, SIMD_MLP_TARGET)

#if SIMD_MLP_TARGET_X86_LEVEL < 1 && !SIMD_MLP_TARGET_NEON  // an undefined macro counts as 0 here
#error "SIMD_MLP_TARGET names no ISA of kernels/simd/target.h"
#endif
// Each ISA's unit is compiled only for its own architecture (isa_copts.bzl).
#if SIMD_MLP_TARGET_X86_LEVEL >= 1 && !defined(__x86_64__)
#error "an x86-64 ISA's unit compiled for another architecture"
#endif
#if SIMD_MLP_TARGET_NEON && !defined(__aarch64__)
#error "the neon unit compiled for another architecture than aarch64"
#endif

#endif  // SIMD_MLP_KERNELS_SIMD_TARGET_H_
