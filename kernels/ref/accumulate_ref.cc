#include "kernels/accumulate.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void Accumulate(std::size_t n, const T* x, T* y) {
  for (std::size_t i = 0; i < n; ++i) y[i] += x[i];
}

template void Accumulate<float>(std::size_t, const float*, float*);
template void Accumulate<double>(std::size_t, const double*, double*);

}  // namespace simd_mlp::kernels::ref
