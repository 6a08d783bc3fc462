// SCAFFOLDING (must not land): forwards to the reference until the optimized body is written.
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

template <typename T>
void Activate(Activation act, std::size_t n, const T* x, T* y) {
  return ref::Activate<T>(act, n, x, y);
}

template <typename T>
void ActivationGrad(Activation act, std::size_t n, const T* y, const T* g, T* dz) {
  return ref::ActivationGrad<T>(act, n, y, g, dz);
}
