#include "kernels/gemm.h"
#include "kernels/ref/activation_ref.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void GemmBiasActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* at,
                   std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* ct,
                   std::size_t ldc) {
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < m; ++i) {
      T z = bias[j];
      for (std::size_t p = 0; p < k; ++p) z += w[p * ldw + j] * at[p * lda + i];
      ct[j * ldc + i] = ActivateScalar(act, z);
    }
  }
}

template <typename T>
void GemmGradXActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* gt,
                    std::size_t ldg, const T* w, std::size_t ldw, const T* at, std::size_t lda,
                    T* dxt, std::size_t lddx) {
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t i = 0; i < m; ++i) {
      T sum = 0;
      for (std::size_t j = 0; j < n; ++j) sum += w[p * ldw + j] * gt[j * ldg + i];
      dxt[p * lddx + i] = sum * ActivationDerivativeFromOutput(act, at[p * lda + i]);
    }
  }
}

template <typename T>
void GemmGradWFm(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                 const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db) {
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j) {
      T sum = 0;
      for (std::size_t i = 0; i < m; ++i) sum += at[p * lda + i] * gt[j * ldg + i];
      dw[p * lddw + j] = sum;
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    T sum = 0;
    for (std::size_t i = 0; i < m; ++i) sum += gt[j * ldg + i];
    db[j] = sum;
  }
}

#define SIMD_MLP_INSTANTIATE(T)                                                                  \
  template void GemmBiasActFm<T>(Activation, std::size_t, std::size_t, std::size_t, const T*,    \
                                 std::size_t, const T*, std::size_t, const T*, T*, std::size_t); \
  template void GemmGradXActFm<T>(Activation, std::size_t, std::size_t, std::size_t, const T*,   \
                                  std::size_t, const T*, std::size_t, const T*, std::size_t, T*, \
                                  std::size_t);                                                  \
  template void GemmGradWFm<T>(std::size_t, std::size_t, std::size_t, const T*, std::size_t,     \
                               const T*, std::size_t, T*, std::size_t, T*);
SIMD_MLP_INSTANTIATE(float)
SIMD_MLP_INSTANTIATE(double)
#undef SIMD_MLP_INSTANTIATE

}  // namespace simd_mlp::kernels::ref
