#include "kernels/gemm.h"
#include "kernels/gemm_step.h"
#include "kernels/ref/step_ref.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void GemmGradWFmStep(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                     const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db,
                     const OptimizerStep<T>& step, UpdateTarget<T> w, UpdateTarget<T> b) {
  GemmGradWFm(m, n, k, at, lda, gt, ldg, dw, lddw, db);
  for (std::size_t p = 0; p < k; ++p) StepRange(step, n, dw + p * lddw, w, p * lddw);
  StepRange(step, n, db, b, 0);
}

#define SIMD_MLP_INSTANTIATE(T)                                                                  \
  template void GemmGradWFmStep<T>(std::size_t, std::size_t, std::size_t, const T*, std::size_t, \
                                   const T*, std::size_t, T*, std::size_t, T*,                   \
                                   const OptimizerStep<T>&, UpdateTarget<T>, UpdateTarget<T>);
SIMD_MLP_INSTANTIATE(float)
SIMD_MLP_INSTANTIATE(double)
#undef SIMD_MLP_INSTANTIATE

}  // namespace simd_mlp::kernels::ref
