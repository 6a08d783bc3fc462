// Optimized activations (a fragment of kernels/target-inl.h; see activation.h for the contract).
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

// Fast float tanh. For a = |x| (the sign is restored at the end, tanh being odd):
//   a < 0.625:  tanh(a) = a + a³·P(a²)            P: degree 5
//   otherwise:  tanh(a) = 1 − 2 / (exp(2a) + 1)   exp(y) = 2^k·E(r), y = k·ln2 + r, |r| ≤ ln2/2
// a is clamped to 9.1 first (tanh(9.1) rounds to 1 in float), which keeps exp finite and maps
// ±inf to ±1. Both pieces are evaluated for every lane and blended: cheaper than branching on
// lanes of mixed size. Above 0.625, 1 − 2/(e+1) ≥ 0.55, so the subtraction loses under a bit.
// P and E are near-minimax fits derived by tools/fit_tanh.py. Accuracy: kTanhMaxUlp
// (activation.h), measured over float bit patterns by tests/activation_test.cc.
SIMD_MLP_INLINE Vec<float> TanhFloat(Vec<float> x) {
  using V = Vec<float>;
  const V sign_bit = x & V(-0.0f);
  // min(9.1, |x|) in this order: x86's min returns its second operand when one is NaN, so NaN
  // flows through both pieces to the result without a separate test.
  const V a = xsimd::min(V(9.1f), xsimd::abs(x));

  // Small piece: a + a³·P(a²).
  const V u = a * a;
  V p = V(0.002292744815349579f);
  p = xsimd::fma(p, u, V(-0.008343945257365704f));
  p = xsimd::fma(p, u, V(0.02176891826093197f));
  p = xsimd::fma(p, u, V(-0.053959257900714874f));
  p = xsimd::fma(p, u, V(0.13333304226398468f));
  p = xsimd::fma(p, u, V(-0.3333333432674408f));
  const V small = xsimd::fma(a * u, p, a);

  // Large piece: e = exp(2a) = 2^k·E(r). Adding 1.5·2^23 rounds y/ln2 to an integer k and leaves
  // k in the low mantissa bits of t; with the exponent bias folded into the magic constant, k+127
  // shifted into the exponent field is 2^k.
  const V y = a + a;
  const V magic(12583039.0f);  // 1.5·2^23 + 127
  const V t = xsimd::fma(y, V(1.44269504088896341f), magic);
  const V k = t - magic;  // round(y / ln2), as a float
  // r = y − k·ln2 in two steps (Cody–Waite): ln2's high part has trailing zero bits, so k·hi is
  // exact and the low part restores the precision.
  V r = xsimd::fma(k, V(-0.693145751953125f), y);
  r = xsimd::fma(k, V(-1.42860682030941723212e-6f), r);
  V e = V(0.0013941108481958508f);
  e = xsimd::fma(e, r, V(0.00837512593716383f));
  e = xsimd::fma(e, r, V(0.04166635125875473f));
  e = xsimd::fma(e, r, V(0.16666415333747864f));
  e = xsimd::fma(e, r, V(0.5f));
  e = xsimd::fma(e, r, V(1.0f));
  e = xsimd::fma(e, r, V(1.0f));
  using VI = xsimd::batch<std::int32_t, Arch>;
  e *= xsimd::bitwise_cast<V>(xsimd::bitwise_cast<VI>(t) << 23);
  const V large = V(1.0f) - V(2.0f) / (e + V(1.0f));

  return xsimd::select(a < V(0.625f), small, large) | sign_bit;
}

// act(z) on one vector; kAct is a template parameter so that fused epilogues (gemm-inl.h,
// dense_edge-inl.h) compile to straight-line code with no per-vector switch.
template <Activation kAct, typename T>
SIMD_MLP_INLINE Vec<T> ActivateVec(Vec<T> z) {
  if constexpr (kAct == Activation::kTanh) {
    if constexpr (std::is_same_v<T, float>) {
      return TanhFloat(z);
    } else {
      return xsimd::tanh(z);  // double serves gradient checks: accuracy over speed
    }
  } else if constexpr (kAct == Activation::kRelu) {
    return xsimd::max(z, Vec<T>(T(0)));
  } else {
    return z;
  }
}

// act'(z) from the output y = act(z) (activation.h).
template <Activation kAct, typename T>
SIMD_MLP_INLINE Vec<T> ActivationDerivativeVec(Vec<T> y) {
  if constexpr (kAct == Activation::kTanh) {
    return xsimd::fnma(y, y, Vec<T>(T(1)));  // 1 − y²
  } else if constexpr (kAct == Activation::kRelu) {
    return xsimd::select(y > Vec<T>(T(0)), Vec<T>(T(1)), Vec<T>(T(0)));
  } else {
    return Vec<T>(T(1));
  }
}

// Calls f.template operator()<kAct>() with the run-time activation turned into a compile-time one.
template <typename F>
void DispatchActivation(Activation act, F&& f) {
  switch (act) {
    case Activation::kIdentity:
      f(std::integral_constant<Activation, Activation::kIdentity>{});
      return;
    case Activation::kTanh:
      f(std::integral_constant<Activation, Activation::kTanh>{});
      return;
    case Activation::kRelu:
      f(std::integral_constant<Activation, Activation::kRelu>{});
      return;
  }
}

template <typename T>
void Activate(Activation act, std::size_t n, const T* x, T* y) {
  DispatchActivation(act, [&](auto kind) {
    constexpr Activation kAct = decltype(kind)::value;
    std::size_t i = 0;
    for (; i + kLanes<T> <= n; i += kLanes<T>) {
      ActivateVec<kAct, T>(Vec<T>::load_unaligned(x + i)).store_unaligned(y + i);
    }
    if (i < n) StorePartial(y + i, n - i, ActivateVec<kAct, T>(LoadPartial(x + i, n - i)));
  });
}

template <typename T>
void ActivationGrad(Activation act, std::size_t n, const T* y, const T* g, T* dz) {
  DispatchActivation(act, [&](auto kind) {
    constexpr Activation kAct = decltype(kind)::value;
    std::size_t i = 0;
    for (; i + kLanes<T> <= n; i += kLanes<T>) {
      const Vec<T> d = ActivationDerivativeVec<kAct, T>(Vec<T>::load_unaligned(y + i));
      (Vec<T>::load_unaligned(g + i) * d).store_unaligned(dz + i);
    }
    if (i < n) {
      const Vec<T> d = ActivationDerivativeVec<kAct, T>(LoadPartial(y + i, n - i));
      StorePartial(dz + i, n - i, LoadPartial(g + i, n - i) * d);
    }
  });
}
