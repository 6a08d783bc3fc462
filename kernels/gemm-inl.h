// SCAFFOLDING (must not land): forwards to the reference until the optimized body is written.
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

template <typename T>
void GemmBiasAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* c, std::size_t ldc) {
  return ref::GemmBiasAct<T>(act, m, n, k, a, lda, w, ldw, bias, c, ldc);
}

template <typename T>
void GemmGradW(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* g, std::size_t ldg, T* dw, std::size_t lddw, T* db) {
  return ref::GemmGradW<T>(m, n, k, a, lda, g, ldg, dw, lddw, db);
}

template <typename T>
void GemmGradXAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* g, std::size_t ldg, const T* w, std::size_t ldw, const T* a, std::size_t lda, T* dx, std::size_t lddx) {
  return ref::GemmGradXAct<T>(act, m, n, k, g, ldg, w, ldw, a, lda, dx, lddx);
}
