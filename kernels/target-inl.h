// The body of each per-ISA source file (kernels/target_<isa>.cc), which defines
//   SIMD_MLP_TARGET        the ISA's namespace: sse2, avx2fma, avx512
//   SIMD_MLP_TARGET_ARCH   its xsimd architecture
//   SIMD_MLP_TARGET_ISA    its Isa enumerator
//   SIMD_MLP_TARGET_LEVEL  1 (SSE2), 2 (AVX2+FMA) or 3 (AVX-512), for the few intrinsics xsimd
//                          8.1.0 lacks (masked loads and stores)
// and optionally SIMD_MLP_TARGET_ELEMENT, float or double, the one element type to instantiate
// (given by the build: see the end of this file),
// and is compiled with that ISA's flags (kernels/BUILD). The kernel bodies (*-inl.h) are included
// inside namespace simd_mlp::kernels::SIMD_MLP_TARGET, as in google/highway: every helper they
// define gets a per-ISA name, so none is shared with code compiled for another ISA.
// tests/isa_symbols_test.sh checks that no per-ISA object exports a symbol outside its namespace.
#ifndef SIMD_MLP_TARGET
#error "define SIMD_MLP_TARGET and friends, then include kernels/target-inl.h (see target_*.cc)"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/kernels.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

using Arch = SIMD_MLP_TARGET_ARCH;

// clang-format off
#include "kernels/simd-inl.h"
#include "kernels/activation-inl.h"
#include "kernels/gemm-inl.h"
#include "kernels/dense_edge-inl.h"
#include "kernels/mse-inl.h"
#include "kernels/optimizer-inl.h"
#include "kernels/gemm_step-inl.h"
#include "kernels/accumulate-inl.h"
// clang-format on

template <typename T>
const KernelTable<T>& Table() {
  static const KernelTable<T> table = {
      SIMD_MLP_TARGET_ISA,
#define SIMD_MLP_KERNEL(field, function) &function<T>,
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
  };
  return table;
}

// Both tables, or only the one SIMD_MLP_TARGET_ELEMENT names. kernels/BUILD (a -D flag) and
// kernels/CMakeLists.txt (a generated two-line source) compile each target_<isa>.cc as two
// translation units, one per element type, which build in parallel: g++ -O2 took 89 s over
// AVX-512's float kernels and 62 s over its double ones, compiled side by side on two cores, and a
// cold `bazel build //...` had the single unit on its critical path for 140 s. A build that
// compiles target_<isa>.cc once, without the define, gets both tables.
#ifdef SIMD_MLP_TARGET_ELEMENT
template const KernelTable<SIMD_MLP_TARGET_ELEMENT>& Table<SIMD_MLP_TARGET_ELEMENT>();
#else
template const KernelTable<float>& Table<float>();
template const KernelTable<double>& Table<double>();
#endif

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET
