// Optimized activations (see activation.h for the contract).
#ifndef SIMD_MLP_KERNELS_SIMD_ACTIVATION_INL_H_
#define SIMD_MLP_KERNELS_SIMD_ACTIVATION_INL_H_

#include "kernels/simd/activation_vec-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

template <typename T>
void Activate(Activation act, std::size_t n, const T* x, T* y) {
  DispatchActivation(act, [&](auto kind) {
    constexpr Activation kAct = decltype(kind)::value;
    constexpr std::size_t kUnroll = kAct == Activation::kTanh ? 1 : 4;
    ForEachVector<kUnroll, T>(
        n,
        [&](std::size_t i) __attribute__((always_inline)) {
          ActivateVec<kAct, T>(Vec<T>::load_unaligned(x + i)).store_unaligned(y + i);
        },
        [&](std::size_t i, std::size_t count) {
          StorePartial(y + i, count, ActivateVec<kAct, T>(LoadPartial(x + i, count)));
        });
  });
}

template <typename T>
void ActivationGrad(Activation act, std::size_t n, const T* y, const T* g, T* dz) {
  DispatchActivation(act, [&](auto kind) {
    constexpr Activation kAct = decltype(kind)::value;
    ForEachVector<4, T>(
        n,
        [&](std::size_t i) __attribute__((always_inline)) {
          const Vec<T> d = ActivationDerivativeVec<kAct, T>(Vec<T>::load_unaligned(y + i));
          (Vec<T>::load_unaligned(g + i) * d).store_unaligned(dz + i);
        },
        [&](std::size_t i, std::size_t count) {
          const Vec<T> d = ActivationDerivativeVec<kAct, T>(LoadPartial(y + i, count));
          StorePartial(dz + i, count, LoadPartial(g + i, count) * d);
        });
  });
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_ACTIVATION_INL_H_
