// The dispatch tables of one element type, and KernelsFor: compiled once per element type the
// build includes (-DSIMD_MLP_ELEMENT=float or double), without any ISA's flags. Each ISA's table
// holds the addresses its units export (kernels/simd/export.h); only the ISAs this build compiled
// are referenced (compiled_isas.h), so a build of fewer ISAs links.
#include "kernels/kernels.h"

#include <cstdio>
#include <cstdlib>

#include "kernels/compiled_isas.h"
#include "kernels/simd/export.h"

#ifndef SIMD_MLP_ELEMENT
#error "compile kernels/kernels.cc with -DSIMD_MLP_ELEMENT=float or double (kernels/BUILD)"
#endif

namespace simd_mlp::kernels {
namespace {

// The table whose entry `id` is kernel(std::integral_constant<KernelId, id>{}).
template <typename T, typename Kernel>
KernelTable<T> MakeTable(Isa isa, Kernel kernel) {
  return {
      isa,
#define SIMD_MLP_KERNEL(family, field, function) \
  kernel(std::integral_constant<KernelId, KernelId::k##function>{}),
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
  };
}

// The table of `isa`, or null if this build does not include it.
template <typename T>
const KernelTable<T>* TableOf(Isa isa) {
  switch (isa) {
    case Isa::kRef: {
      static const KernelTable<T> table = {
          isa,
#define SIMD_MLP_KERNEL(family, field, function) &ref::function<T>,
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
      };
      return &table;
    }
#define SIMD_MLP_ISA(enumerator, name)                                                       \
  case Isa::enumerator:                                                                      \
    if constexpr (compiled::Includes(Isa::enumerator)) {                                     \
      static const KernelTable<T> table =                                                    \
          MakeTable<T>(isa, [](auto id) { return name::Export<decltype(id)::value, T>(); }); \
      return &table;                                                                         \
    }                                                                                        \
    return nullptr;
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA
  }
  return nullptr;
}

}  // namespace

template <typename T>
const KernelTable<T>& KernelsFor(Isa isa) {
  const KernelTable<T>* table = IsaSupported(isa) ? TableOf<T>(isa) : nullptr;
  if (table == nullptr) {
    // A programming error (callers check IsaSupported), caught here rather than as SIGILL later.
    std::fprintf(stderr,
                 "simd_mlp: KernelsFor(%s): this build does not include %s, or this CPU "
                 "cannot run it\n",
                 IsaName(isa), IsaName(isa));
    std::abort();
  }
  return *table;
}

template const KernelTable<SIMD_MLP_ELEMENT>& KernelsFor<SIMD_MLP_ELEMENT>(Isa);

}  // namespace simd_mlp::kernels
