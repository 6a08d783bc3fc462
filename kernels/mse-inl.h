// SCAFFOLDING (must not land): forwards to the reference until the optimized body is written.
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

template <typename T>
T MseLossGrad(std::size_t m, const T* yhat, const T* y, T* grad) {
  return ref::MseLossGrad<T>(m, yhat, y, grad);
}
