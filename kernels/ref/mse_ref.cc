#include "kernels/mse.h"

namespace simd_mlp::kernels::ref {

template <typename T>
T MseLossGrad(std::size_t m, const T* yhat, const T* y, T* grad) {
  const T grad_scale = T(2) / static_cast<T>(m);  // ∂/∂ŷ_i of (1/m)·Σ (ŷ_i − y_i)²
  T sum_sq = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const T err = yhat[i] - y[i];
    sum_sq += err * err;
    grad[i] = grad_scale * err;
  }
  return sum_sq / static_cast<T>(m);
}

template float MseLossGrad<float>(std::size_t, const float*, const float*, float*);
template double MseLossGrad<double>(std::size_t, const double*, const double*, double*);

}  // namespace simd_mlp::kernels::ref
