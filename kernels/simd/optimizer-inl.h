// Optimized optimizer updates (see optimizer.h for the Keras 3 semantics each follows): the
// update of one vector, which the flat kernels run over an array and gemm_grad_w_fm_step in its
// tiles' epilogue (gemm_step-inl.h).
#ifndef SIMD_MLP_KERNELS_SIMD_OPTIMIZER_INL_H_
#define SIMD_MLP_KERNELS_SIMD_OPTIMIZER_INL_H_

#include "kernels/simd/simd-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// x, or 0 where |x| is below the smallest normal number: the state never holds a subnormal
// (optimizer.h). NaN passes through. kNonNegative: x is a mean square (≥ 0, or NaN), so |x| is x,
// one operation fewer.
template <bool kNonNegative = false, typename T>
SIMD_MLP_INLINE Vec<T> FlushSubnormal(Vec<T> x) {
  Vec<T> magnitude = x;
  if constexpr (!kNonNegative) magnitude = xsimd::abs(x);
  return xsimd::select(magnitude < Vec<T>(std::numeric_limits<T>::min()), Vec<T>(T(0)), x);
}

// A mean square's update, ρ·s + (1 − ρ)·g², as s + (1 − ρ)·(g² − s): two fused operations instead
// of three, a rounding different (within optimizer.h's bound). Then flushed as above.
template <typename T>
SIMD_MLP_INLINE Vec<T> MeanSquare(Vec<T> one_minus_rho, Vec<T> s, Vec<T> grad) {
  return FlushSubnormal<true>(Fma(one_minus_rho, Fms(grad, grad, s), s));
}

// The updates, one vector at a time: update(i, count, grad) makes one step on elements
// [i, i + count) of the parameters and their state (optimizer.h's UpdateTarget), given their
// gradient; for count < kLanes (a row's or an array's last vector) through LoadPartial and
// StorePartial. Each lane's update depends on that lane alone. The flat
// kernels below run one over an array; gemm_grad_w_fm_step runs one in its tiles' epilogue, on a
// gradient still in registers (gemm_step-inl.h). Either way each element sees the same
// operations, so the two give the same bits.
template <typename T>
class SgdUpdate {
 public:
  SgdUpdate(SgdParams<T> params, UpdateTarget<T> target) : neg_lr_(-params.lr), p_(target.params) {}

  SIMD_MLP_INLINE void operator()(std::size_t i, std::size_t c, Vec<T> grad) const {
    StoreN(p_ + i, c, Fma(neg_lr_, grad, LoadN(p_ + i, c)));
  }

 private:
  Vec<T> neg_lr_;
  T* p_;
};

template <typename T>
class MomentumUpdate {
 public:
  MomentumUpdate(MomentumParams<T> params, UpdateTarget<T> target)
      : mu_(params.mu),
        neg_lr_(-params.lr),
        nesterov_(params.nesterov),
        v_(target.state1),
        p_(target.params) {}

  SIMD_MLP_INLINE void operator()(std::size_t i, std::size_t c, Vec<T> grad) const {
    const Vec<T> step = neg_lr_ * grad;                                        // −lr·g
    const Vec<T> velocity = FlushSubnormal(Fma(mu_, LoadN(v_ + i, c), step));  // μ·v − lr·g
    StoreN(v_ + i, c, velocity);
    const Vec<T> update = nesterov_ ? Fma(mu_, velocity, step) : velocity;
    StoreN(p_ + i, c, LoadN(p_ + i, c) + update);
  }

 private:
  Vec<T> mu_, neg_lr_;
  bool nesterov_;
  T* v_;
  T* p_;
};

template <typename T>
class RmspropUpdate {
 public:
  RmspropUpdate(RmspropParams<T> params, UpdateTarget<T> target)
      : one_minus_rho_(T(1) - params.rho),
        half_lr_(params.lr / 2),
        eps_(params.eps),
        s_(target.state1),
        p_(target.params) {}

  SIMD_MLP_INLINE void operator()(std::size_t i, std::size_t c, Vec<T> grad) const {
    const Vec<T> mean_sq = MeanSquare(one_minus_rho_, LoadN(s_ + i, c), grad);
    StoreN(s_ + i, c, mean_sq);
    // Keras: ε inside the square root (so s + ε > 0 and its reciprocal root is finite).
    // lr·g/√(s + ε) as ½lr·g · 2/√(s + ε): both factors of 2 are exact.
    const Vec<T> twice_inv_rms = TwiceReciprocalSqrt(mean_sq + eps_);
    StoreN(p_ + i, c, Fnma(half_lr_ * grad, twice_inv_rms, LoadN(p_ + i, c)));
  }

 private:
  Vec<T> one_minus_rho_, half_lr_, eps_;
  T* s_;
  T* p_;
};

// 1/x for float on AVX-512 to within 2 ULP, x positive, normal and finite (here √v + ε): the
// 14-bit estimate refined by one Newton step (error 2^-28 before the final rounding) instead of a
// divide, which is faster; estimating the square root too is not (docs/performance.md). The
// 12-bit estimates of SSE and AVX would need two steps: there, divide.
template <typename T>
SIMD_MLP_INLINE Vec<T> AdamReciprocal(Vec<T> x) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>) {
    const Vec<T> r = _mm512_rcp14_ps(x);
    return Fma(r, Fnma(x, r, Vec<T>(T(1))), r);  // r + r·(1 − x·r)
  }
#endif
  return Div(Vec<T>(T(1)), x);
}

template <typename T>
class AdamUpdate {
 public:
  AdamUpdate(AdamStepParams<T> step, UpdateTarget<T> target)
      : alpha_(step.step_size),  // bias corrections, once per update
        beta1_(step.params.beta1),
        one_minus_beta1_(T(1) - step.params.beta1),
        one_minus_beta2_(T(1) - step.params.beta2),
        eps_(step.params.eps),
        m_(target.state1),
        v_(target.state2),
        p_(target.params) {}

  SIMD_MLP_INLINE void operator()(std::size_t i, std::size_t c, Vec<T> grad) const {
    const Vec<T> mean = FlushSubnormal(Fma(beta1_, LoadN(m_ + i, c), one_minus_beta1_ * grad));
    const Vec<T> mean_sq = MeanSquare(one_minus_beta2_, LoadN(v_ + i, c), grad);
    StoreN(m_ + i, c, mean);
    StoreN(v_ + i, c, mean_sq);
    const Vec<T> inv_denom = AdamReciprocal<T>(Sqrt(mean_sq) + eps_);
    StoreN(p_ + i, c, Fnma(alpha_ * mean, inv_denom, LoadN(p_ + i, c)));
  }

 private:
  Vec<T> alpha_, beta1_, one_minus_beta1_, one_minus_beta2_, eps_;
  T* m_;
  T* v_;
  T* p_;
};

// The update for one alternative of OptimizerStep.
template <typename T, typename Params>
auto UpdateFor(const Params& params, UpdateTarget<T> target) {
  if constexpr (std::is_same_v<Params, SgdParams<T>>) {
    return SgdUpdate<T>(params, target);
  } else if constexpr (std::is_same_v<Params, MomentumParams<T>>) {
    return MomentumUpdate<T>(params, target);
  } else if constexpr (std::is_same_v<Params, RmspropParams<T>>) {
    return RmspropUpdate<T>(params, target);
  } else {
    static_assert(std::is_same_v<Params, AdamStepParams<T>>);
    return AdamUpdate<T>(params, target);
  }
}

template <typename T>
void Sgd(std::size_t n, T lr, const T* g, T* p) {
  UpdateRows<T>(1, n, g, n, SgdUpdate<T>({lr}, {p, nullptr, nullptr}));
}

template <typename T>
void Momentum(std::size_t n, MomentumParams<T> params, const T* g, T* v, T* p) {
  UpdateRows<T>(1, n, g, n, MomentumUpdate<T>(params, {p, v, nullptr}));
}

template <typename T>
void Rmsprop(std::size_t n, RmspropParams<T> params, const T* g, T* s, T* p) {
  UpdateRows<T>(1, n, g, n, RmspropUpdate<T>(params, {p, s, nullptr}));
}

template <typename T>
void Adam(std::size_t n, AdamParams<T> params, std::int64_t step, const T* g, T* m, T* v, T* p) {
  UpdateRows<T>(1, n, g, n, AdamUpdate<T>(AdamStepParams<T>(params, step), {p, m, v}));
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_OPTIMIZER_INL_H_
