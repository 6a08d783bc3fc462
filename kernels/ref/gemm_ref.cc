#include "kernels/gemm.h"
#include "kernels/ref/activation_ref.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void GemmBiasAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                 std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* c,
                 std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      T z = bias[j];
      for (std::size_t p = 0; p < k; ++p) z += a[i * lda + p] * w[p * ldw + j];
      c[i * ldc + j] = ActivateScalar(act, z);
    }
  }
}

template <typename T>
void GemmGradW(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* g,
               std::size_t ldg, T* dw, std::size_t lddw, T* db) {
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j) {
      T sum = 0;
      for (std::size_t i = 0; i < m; ++i) sum += a[i * lda + p] * g[i * ldg + j];
      dw[p * lddw + j] = sum;
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    T sum = 0;
    for (std::size_t i = 0; i < m; ++i) sum += g[i * ldg + j];
    db[j] = sum;
  }
}

template <typename T>
void GemmGradXAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* g,
                  std::size_t ldg, const T* w, std::size_t ldw, const T* a, std::size_t lda, T* dx,
                  std::size_t lddx) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      T sum = 0;
      for (std::size_t j = 0; j < n; ++j) sum += g[i * ldg + j] * w[p * ldw + j];
      dx[i * lddx + p] = sum * ActivationDerivativeFromOutput(act, a[i * lda + p]);
    }
  }
}

#define SIMD_MLP_INSTANTIATE(T)                                                                \
  template void GemmBiasAct<T>(Activation, std::size_t, std::size_t, std::size_t, const T*,    \
                               std::size_t, const T*, std::size_t, const T*, T*, std::size_t); \
  template void GemmGradW<T>(std::size_t, std::size_t, std::size_t, const T*, std::size_t,     \
                             const T*, std::size_t, T*, std::size_t, T*);                      \
  template void GemmGradXAct<T>(Activation, std::size_t, std::size_t, std::size_t, const T*,   \
                                std::size_t, const T*, std::size_t, const T*, std::size_t, T*, \
                                std::size_t);
SIMD_MLP_INSTANTIATE(float)
SIMD_MLP_INSTANTIATE(double)
#undef SIMD_MLP_INSTANTIATE

}  // namespace simd_mlp::kernels::ref
