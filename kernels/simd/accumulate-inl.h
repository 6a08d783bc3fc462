// Optimized accumulation (see accumulate.h for the contract).
#ifndef SIMD_MLP_KERNELS_SIMD_ACCUMULATE_INL_H_
#define SIMD_MLP_KERNELS_SIMD_ACCUMULATE_INL_H_

#include "kernels/simd/simd-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

template <typename T>
void Accumulate(std::size_t n, const T* x, T* y) {
  // Two loads, an add and a store per vector: bound by loads, stores and loop overhead, so four
  // vectors per iteration (ForEachVector, simd-inl.h).
  ForEachVector<4, T>(
      n,
      [&](std::size_t i) __attribute__((always_inline)) {
        (Vec<T>::load_unaligned(y + i) + Vec<T>::load_unaligned(x + i)).store_unaligned(y + i);
      },
      [&](std::size_t i, std::size_t count) {
        StorePartial(y + i, count, LoadPartial(y + i, count) + LoadPartial(x + i, count));
      });
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_ACCUMULATE_INL_H_
