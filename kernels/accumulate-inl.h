// Optimized accumulation (a fragment of kernels/target-inl.h; see accumulate.h).
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

template <typename T>
void Accumulate(std::size_t n, const T* x, T* y) {
  // Two loads, an add and a store per vector: bound by loads, stores and loop overhead, so four
  // vectors per iteration, as the activations' cheap bodies (activation-inl.h).
  ForEachVector<4, T>(
      n,
      [&](std::size_t i) __attribute__((always_inline)) {
        (Vec<T>::load_unaligned(y + i) + Vec<T>::load_unaligned(x + i)).store_unaligned(y + i);
      },
      [&](std::size_t i, std::size_t count) {
        StorePartial(y + i, count, LoadPartial(y + i, count) + LoadPartial(x + i, count));
      });
}
