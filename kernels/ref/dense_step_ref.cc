#include <cassert>

#include "kernels/dense_step.h"
#include "kernels/ref/activation_ref.h"
#include "kernels/ref/step_ref.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void DenseBackwardStep(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                       std::size_t lda, const T* g, std::size_t ldg, T* dx, std::size_t lddx,
                       const OptimizerStep<T>& step, UpdateTarget<T> w, std::size_t ldw,
                       UpdateTarget<T> b) {
  assert(m >= 1 && m <= kDenseStepMaxBatch);
  if (dx != nullptr) {  // from W before the step
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t p = 0; p < k; ++p) {
        T sum = 0;
        for (std::size_t j = 0; j < n; ++j) sum += g[i * ldg + j] * w.params[p * ldw + j];
        dx[i * lddx + p] = sum * ActivationDerivativeFromOutput(act, a[i * lda + p]);
      }
    }
  }
  // One element at a time: the step of each element depends on that element alone.
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j) {
      T dw = 0;
      for (std::size_t i = 0; i < m; ++i) dw += a[i * lda + p] * g[i * ldg + j];
      StepRange(step, 1, &dw, w, p * ldw + j);
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    T db = 0;
    for (std::size_t i = 0; i < m; ++i) db += g[i * ldg + j];
    StepRange(step, 1, &db, b, j);
  }
}

#define SIMD_MLP_INSTANTIATE(T)                                                                   \
  template void DenseBackwardStep<T>(Activation, std::size_t, std::size_t, std::size_t, const T*, \
                                     std::size_t, const T*, std::size_t, T*, std::size_t,         \
                                     const OptimizerStep<T>&, UpdateTarget<T>, std::size_t,       \
                                     UpdateTarget<T>);
SIMD_MLP_INSTANTIATE(float)
SIMD_MLP_INSTANTIATE(double)
#undef SIMD_MLP_INSTANTIATE

}  // namespace simd_mlp::kernels::ref
