#include "kernels/ref/activation_ref.h"

#include <cmath>

#include "kernels/activation.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void Activate(Activation act, std::size_t n, const T* x, T* y) {
  for (std::size_t i = 0; i < n; ++i) y[i] = ActivateScalar(act, x[i]);
}

template <typename T>
void ActivationGrad(Activation act, std::size_t n, const T* y, const T* g, T* dz) {
  for (std::size_t i = 0; i < n; ++i) dz[i] = g[i] * ActivationDerivativeFromOutput(act, y[i]);
}

template void Activate<float>(Activation, std::size_t, const float*, float*);
template void Activate<double>(Activation, std::size_t, const double*, double*);
template void ActivationGrad<float>(Activation, std::size_t, const float*, const float*, float*);
template void ActivationGrad<double>(Activation, std::size_t, const double*, const double*,
                                     double*);

}  // namespace simd_mlp::kernels::ref
