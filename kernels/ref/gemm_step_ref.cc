#include "kernels/gemm.h"
#include "kernels/gemm_step.h"

namespace simd_mlp::kernels::ref {

namespace {

// The flat reference update of n elements (optimizer.h) at a target's offset `at`.
template <typename T>
void StepRange(const OptimizerStep<T>& step, std::size_t n, const T* g, UpdateTarget<T> t,
               std::size_t at) {
  T* const p = t.params + at;
  if (const auto* sgd = std::get_if<SgdParams<T>>(&step)) {
    Sgd(n, sgd->lr, g, p);
  } else if (const auto* momentum = std::get_if<MomentumParams<T>>(&step)) {
    Momentum(n, *momentum, g, t.state1 + at, p);
  } else if (const auto* rmsprop = std::get_if<RmspropParams<T>>(&step)) {
    Rmsprop(n, *rmsprop, g, t.state1 + at, p);
  } else {
    const auto& adam = std::get<AdamStepParams<T>>(step);
    Adam(n, adam.params, adam.step, g, t.state1 + at, t.state2 + at, p);
  }
}

}  // namespace

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
