#include "kernels/dense_edge.h"
#include "kernels/ref/activation_ref.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void OuterBiasAct(Activation act, std::size_t m, std::size_t n, const T* x, const T* w,
                  const T* bias, T* c, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = ActivateScalar(act, x[i] * w[j] + bias[j]);
  }
}

template <typename T>
void OuterGradW(std::size_t m, std::size_t n, const T* x, const T* g, std::size_t ldg, T* dw,
                T* db) {
  for (std::size_t j = 0; j < n; ++j) {
    T sum_xg = 0;
    T sum_g = 0;
    for (std::size_t i = 0; i < m; ++i) {
      sum_xg += x[i] * g[i * ldg + j];
      sum_g += g[i * ldg + j];
    }
    dw[j] = sum_xg;
    db[j] = sum_g;
  }
}

template <typename T>
void GemvBiasAct(Activation act, std::size_t m, std::size_t k, const T* a, std::size_t lda,
                 const T* w, T bias, T* y) {
  for (std::size_t i = 0; i < m; ++i) {
    T z = bias;
    for (std::size_t p = 0; p < k; ++p) z += a[i * lda + p] * w[p];
    y[i] = ActivateScalar(act, z);
  }
}

template <typename T>
void GemvGradW(std::size_t m, std::size_t k, const T* a, std::size_t lda, const T* g, T* dw,
               T* db) {
  for (std::size_t p = 0; p < k; ++p) {
    T sum = 0;
    for (std::size_t i = 0; i < m; ++i) sum += a[i * lda + p] * g[i];
    dw[p] = sum;
  }
  T sum = 0;
  for (std::size_t i = 0; i < m; ++i) sum += g[i];
  *db = sum;
}

template <typename T>
void GemvGradXAct(Activation act, std::size_t m, std::size_t k, const T* g, const T* w, const T* a,
                  std::size_t lda, T* dx, std::size_t lddx) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      dx[i * lddx + p] = g[i] * w[p] * ActivationDerivativeFromOutput(act, a[i * lda + p]);
    }
  }
}

#define SIMD_MLP_INSTANTIATE(T)                                                                   \
  template void OuterBiasAct<T>(Activation, std::size_t, std::size_t, const T*, const T*,         \
                                const T*, T*, std::size_t);                                       \
  template void OuterGradW<T>(std::size_t, std::size_t, const T*, const T*, std::size_t, T*, T*); \
  template void GemvBiasAct<T>(Activation, std::size_t, std::size_t, const T*, std::size_t,       \
                               const T*, T, T*);                                                  \
  template void GemvGradW<T>(std::size_t, std::size_t, const T*, std::size_t, const T*, T*, T*);  \
  template void GemvGradXAct<T>(Activation, std::size_t, std::size_t, const T*, const T*,         \
                                const T*, std::size_t, T*, std::size_t);
SIMD_MLP_INSTANTIATE(float)
SIMD_MLP_INSTANTIATE(double)
#undef SIMD_MLP_INSTANTIATE

}  // namespace simd_mlp::kernels::ref
