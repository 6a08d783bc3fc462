// How the dispatcher reaches the per-ISA kernels without being compiled with any ISA's flags.
//
// In the namespace of each ISA of isa_list.inc, Export<id, T>() returns the address of that ISA's
// kernel `id` for element type T. Each is defined by SIMD_MLP_EXPORT (kernels/simd/simd-inl.h) in
// the ISA's unit of the kernel's family (kernels/simd/<family>.cc), compiled with the ISA's flags;
// the dispatch tables (kernels/kernels.cc), compiled without them, call these and use no other
// symbol of the per-ISA units. Declarations only: no ISA code.
#ifndef SIMD_MLP_KERNELS_SIMD_EXPORT_H_
#define SIMD_MLP_KERNELS_SIMD_EXPORT_H_

#include "kernels/kernels.h"

namespace simd_mlp::kernels {

#define SIMD_MLP_ISA(enumerator, name) \
  namespace name {                     \
  template <KernelId id, typename T>   \
  KernelPointer<id, T> Export();       \
  }
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA

}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_SIMD_EXPORT_H_
