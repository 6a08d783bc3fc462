// Optimized MSE loss and gradient (see mse.h for the contract).
#ifndef SIMD_MLP_KERNELS_SIMD_MSE_INL_H_
#define SIMD_MLP_KERNELS_SIMD_MSE_INL_H_

#include "kernels/simd/simd-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

template <typename T>
T MseLossGrad(std::size_t m, const T* yhat, const T* y, T* grad) {
  const Vec<T> grad_scale(T(2) / static_cast<T>(m));  // ∂/∂ŷ_i of (1/m)·Σ (ŷ_i − y_i)²
  // Two accumulators: the squares' FMA chain would otherwise bound the loop by its latency.
  Vec<T> sum_sq0(T(0)), sum_sq1(T(0));
  std::size_t i = 0;
  for (; i + 2 * kLanes<T> <= m; i += 2 * kLanes<T>) {
    const Vec<T> err0 = Vec<T>::load_unaligned(yhat + i) - Vec<T>::load_unaligned(y + i);
    const Vec<T> err1 =
        Vec<T>::load_unaligned(yhat + i + kLanes<T>) - Vec<T>::load_unaligned(y + i + kLanes<T>);
    sum_sq0 = Fma(err0, err0, sum_sq0);
    sum_sq1 = Fma(err1, err1, sum_sq1);
    (grad_scale * err0).store_unaligned(grad + i);
    (grad_scale * err1).store_unaligned(grad + i + kLanes<T>);
  }
  for (; i < m; i += kLanes<T>) {
    const std::size_t count = m - i < kLanes<T> ? m - i : kLanes<T>;
    const Vec<T> err = LoadPartial(yhat + i, count) - LoadPartial(y + i, count);  // 0 past m
    sum_sq0 = Fma(err, err, sum_sq0);
    StorePartial(grad + i, count, grad_scale * err);
  }
  return xsimd::hadd(sum_sq0 + sum_sq1) / static_cast<T>(m);
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_MSE_INL_H_
