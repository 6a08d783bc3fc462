// The body of each per-ISA source file (kernels/simd/target_<isa>.cc), which defines the
// SIMD_MLP_TARGET macros (kernels/simd/simd-inl.h) and optionally SIMD_MLP_TARGET_ELEMENT, float or
// double, the one element type to instantiate (given by the build: see the end of this file), and
// is compiled with that ISA's flags (kernels/BUILD): every kernel body, and the ISA's table.
#ifndef SIMD_MLP_TARGET
#error "define SIMD_MLP_TARGET and friends, then include kernels/simd/target-inl.h"
#endif

// clang-format off
#include "kernels/simd/activation-inl.h"
#include "kernels/simd/gemm-inl.h"
#include "kernels/simd/gemm_fm-inl.h"
#include "kernels/simd/dense_edge-inl.h"
#include "kernels/simd/mse-inl.h"
#include "kernels/simd/optimizer-inl.h"
#include "kernels/simd/gemm_step-inl.h"
#include "kernels/simd/accumulate-inl.h"
// clang-format on

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

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
