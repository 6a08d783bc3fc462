#include "kernels/kernels.h"

#include <cstdio>
#include <cstdlib>

namespace simd_mlp::kernels {
namespace {

template <typename T>
const KernelTable<T>& RefTable() {
  static const KernelTable<T> table = {
      Isa::kRef,
#define SIMD_MLP_KERNEL(field, function) &ref::function<T>,
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
  };
  return table;
}

}  // namespace

template <typename T>
const KernelTable<T>& KernelsFor(Isa isa) {
  if (!CpuSupports(isa)) {
    // A programming error (callers check CpuSupports), caught here rather than as SIGILL later.
    std::fprintf(stderr, "simd_mlp: KernelsFor(%s) on a CPU without %s\n", IsaName(isa),
                 IsaName(isa));
    std::abort();
  }
  switch (isa) {
    case Isa::kRef:
      return RefTable<T>();
    case Isa::kSse2:
      return sse2::Table<T>();
    case Isa::kAvx2Fma:
      return avx2fma::Table<T>();
    case Isa::kAvx512:
      return avx512::Table<T>();
  }
  std::abort();
}

template const KernelTable<float>& KernelsFor<float>(Isa);
template const KernelTable<double>& KernelsFor<double>(Isa);

}  // namespace simd_mlp::kernels
