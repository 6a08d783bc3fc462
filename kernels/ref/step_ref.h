// The reference optimizer step over a range of a target, shared by the fused kernels'
// references (gemm_step_ref.cc, dense_step_ref.cc).
#ifndef SIMD_MLP_KERNELS_REF_STEP_REF_H_
#define SIMD_MLP_KERNELS_REF_STEP_REF_H_

#include <cstddef>
#include <variant>

#include "kernels/optimizer.h"

namespace simd_mlp::kernels::ref {

// The flat reference update of n elements (optimizer.h) at a target's offset `at`.
template <typename T>
inline void StepRange(const OptimizerStep<T>& step, std::size_t n, const T* g, UpdateTarget<T> t,
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

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_REF_STEP_REF_H_
