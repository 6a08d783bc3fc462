// SCAFFOLDING (must not land): forwards to the reference until the optimized body is written.
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

template <typename T>
void Sgd(std::size_t n, T lr, const T* g, T* p) {
  return ref::Sgd<T>(n, lr, g, p);
}

template <typename T>
void Momentum(std::size_t n, MomentumParams<T> params, const T* g, T* v, T* p) {
  return ref::Momentum<T>(n, params, g, v, p);
}

template <typename T>
void Rmsprop(std::size_t n, RmspropParams<T> params, const T* g, T* s, T* p) {
  return ref::Rmsprop<T>(n, params, g, s, p);
}

template <typename T>
void Adam(std::size_t n, AdamParams<T> params, std::int64_t step, const T* g, T* m, T* v, T* p) {
  return ref::Adam<T>(n, params, step, g, m, v, p);
}
