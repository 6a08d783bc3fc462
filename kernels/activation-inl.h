// Optimized activations (a fragment of kernels/target-inl.h; see activation.h for the contract).
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

// act(z) on one vector; kAct is a template parameter so that fused epilogues (gemm-inl.h,
// dense_edge-inl.h) compile to straight-line code with no per-vector switch.
template <Activation kAct, typename T>
Vec<T> ActivateVec(Vec<T> z) {
  if constexpr (kAct == Activation::kTanh) {
    return xsimd::tanh(z);  // TODO(activation helper): the fast approximation
  } else if constexpr (kAct == Activation::kRelu) {
    return xsimd::max(z, Vec<T>(T(0)));
  } else {
    return z;
  }
}

// act'(z) from the output y = act(z) (activation.h).
template <Activation kAct, typename T>
Vec<T> ActivationDerivativeVec(Vec<T> y) {
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
    case Activation::kIdentity: f(std::integral_constant<Activation, Activation::kIdentity>{}); return;
    case Activation::kTanh: f(std::integral_constant<Activation, Activation::kTanh>{}); return;
    case Activation::kRelu: f(std::integral_constant<Activation, Activation::kRelu>{}); return;
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
