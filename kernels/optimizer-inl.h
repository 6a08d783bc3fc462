// Optimized optimizer updates (a fragment of kernels/target-inl.h; see optimizer.h for the
// Keras 3 semantics each follows).
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

// Runs step(i, count) over [0, n) a vector at a time; count < kLanes only for the tail, where the
// step must use LoadPartial / StorePartial. Mark the step always_inline: it has two call sites,
// and g++ 12 otherwise keeps it a function, called once per vector (reloading its captures and
// running vzeroupper on every call: the RMSprop update took 1.3x its inlined time).
template <typename T, typename Step>
SIMD_MLP_INLINE void ForEachVector(std::size_t n, Step&& step) {
  std::size_t i = 0;
  for (; i + kLanes<T> <= n; i += kLanes<T>) step(i, kLanes<T>);
  if (i < n) step(i, n - i);
}

template <typename T>
SIMD_MLP_INLINE Vec<T> LoadN(const T* p, std::size_t count) {
  return count == kLanes<T> ? Vec<T>::load_unaligned(p) : LoadPartial(p, count);
}

template <typename T>
SIMD_MLP_INLINE void StoreN(T* p, std::size_t count, Vec<T> v) {
  if (count == kLanes<T>) {
    v.store_unaligned(p);
  } else {
    StorePartial(p, count, v);
  }
}

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

template <typename T>
void Sgd(std::size_t n, T lr, const T* g, T* p) {
  const Vec<T> neg_lr(-lr);
  ForEachVector<T>(
      n, [&](std::size_t i, std::size_t c) __attribute__((always_inline)) {
        StoreN(p + i, c, Fma(neg_lr, LoadN(g + i, c), LoadN(p + i, c)));
      });
}

template <typename T>
void Momentum(std::size_t n, MomentumParams<T> params, const T* g, T* v, T* p) {
  const Vec<T> mu(params.mu), neg_lr(-params.lr);
  ForEachVector<T>(
      n, [&](std::size_t i, std::size_t c) __attribute__((always_inline)) {
        const Vec<T> step = neg_lr * LoadN(g + i, c);                            // −lr·g
        const Vec<T> velocity = FlushSubnormal(Fma(mu, LoadN(v + i, c), step));  // μ·v − lr·g
        StoreN(v + i, c, velocity);
        const Vec<T> update = params.nesterov ? Fma(mu, velocity, step) : velocity;
        StoreN(p + i, c, LoadN(p + i, c) + update);
      });
}

template <typename T>
void Rmsprop(std::size_t n, RmspropParams<T> params, const T* g, T* s, T* p) {
  const Vec<T> one_minus_rho(T(1) - params.rho), half_lr(params.lr / 2), eps(params.eps);
  ForEachVector<T>(
      n, [&](std::size_t i, std::size_t c) __attribute__((always_inline)) {
        const Vec<T> grad = LoadN(g + i, c);
        const Vec<T> mean_sq = MeanSquare(one_minus_rho, LoadN(s + i, c), grad);
        StoreN(s + i, c, mean_sq);
        // Keras: ε inside the square root (so s + ε > 0 and its reciprocal root is finite).
        // lr·g/√(s + ε) as ½lr·g · 2/√(s + ε): both factors of 2 are exact.
        const Vec<T> twice_inv_rms = TwiceReciprocalSqrt(mean_sq + eps);
        StoreN(p + i, c, Fnma(half_lr * grad, twice_inv_rms, LoadN(p + i, c)));
      });
}

// 1/x for float on AVX-512 to within 2 ULP, x positive, normal and finite (here √v + ε): the
// 14-bit estimate refined by one Newton step (error 2^-28 before the final rounding) instead of a
// divide: 6.7 → 6.0 µs per update of the MLP's 22,976 parameters. (Replacing the square root by
// x·rsqrt14(x) as well was slower, 6.9 µs: Adam is then bound by its count of 512-bit operations.)
// The 12-bit estimates of SSE and AVX would need two steps: there, divide.
template <typename T>
SIMD_MLP_INLINE Vec<T> AdamReciprocal(Vec<T> x) {
#if SIMD_MLP_TARGET_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>) {
    const Vec<T> r = _mm512_rcp14_ps(x);
    return Fma(r, Fnma(x, r, Vec<T>(T(1))), r);  // r + r·(1 − x·r)
  }
#endif
  return Vec<T>(T(1)) / x;
}

template <typename T>
void Adam(std::size_t n, AdamParams<T> params, std::int64_t step, const T* g, T* m, T* v, T* p) {
  const Vec<T> alpha(ref::AdamStepSize(params, step));  // bias corrections, once per update
  const Vec<T> beta1(params.beta1), one_minus_beta1(T(1) - params.beta1);
  const Vec<T> one_minus_beta2(T(1) - params.beta2), eps(params.eps);
  ForEachVector<T>(
      n, [&](std::size_t i, std::size_t c) __attribute__((always_inline)) {
        const Vec<T> grad = LoadN(g + i, c);
        const Vec<T> mean = FlushSubnormal(Fma(beta1, LoadN(m + i, c), one_minus_beta1 * grad));
        const Vec<T> mean_sq = MeanSquare(one_minus_beta2, LoadN(v + i, c), grad);
        StoreN(m + i, c, mean);
        StoreN(v + i, c, mean_sq);
        const Vec<T> inv_denom = AdamReciprocal<T>(xsimd::sqrt(mean_sq) + eps);
        StoreN(p + i, c, Fnma(alpha * mean, inv_denom, LoadN(p + i, c)));
      });
}
