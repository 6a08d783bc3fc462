// SCAFFOLDING (must not land): forwards to the reference until the optimized body is written.
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

template <typename T>
void OuterBiasAct(Activation act, std::size_t m, std::size_t n, const T* x, const T* w, const T* bias, T* c, std::size_t ldc) {
  return ref::OuterBiasAct<T>(act, m, n, x, w, bias, c, ldc);
}

template <typename T>
void OuterGradW(std::size_t m, std::size_t n, const T* x, const T* g, std::size_t ldg, T* dw, T* db) {
  return ref::OuterGradW<T>(m, n, x, g, ldg, dw, db);
}

template <typename T>
void GemvBiasAct(Activation act, std::size_t m, std::size_t k, const T* a, std::size_t lda, const T* w, T bias, T* y) {
  return ref::GemvBiasAct<T>(act, m, k, a, lda, w, bias, y);
}

template <typename T>
void GemvGradW(std::size_t m, std::size_t k, const T* a, std::size_t lda, const T* g, T* dw, T* db) {
  return ref::GemvGradW<T>(m, k, a, lda, g, dw, db);
}

template <typename T>
void GemvGradXAct(Activation act, std::size_t m, std::size_t k, const T* g, const T* w, const T* a, std::size_t lda, T* dx, std::size_t lddx) {
  return ref::GemvGradXAct<T>(act, m, k, g, w, a, lda, dx, lddx);
}
