// Scalar activation helpers shared by the reference kernels (never by per-ISA code, which must
// not share inline functions with code a lesser CPU runs; see kernels/simd/simd-inl.h).
#ifndef SIMD_MLP_KERNELS_REF_ACTIVATION_REF_H_
#define SIMD_MLP_KERNELS_REF_ACTIVATION_REF_H_

#include <cmath>

#include "kernels/activation.h"

namespace simd_mlp::kernels::ref {

template <typename T>
T ActivateScalar(Activation act, T z) {
  switch (act) {
    case Activation::kIdentity:
      return z;
    case Activation::kTanh:
      return std::tanh(z);
    case Activation::kRelu:
      return z > T(0) ? z : T(0);
  }
  return z;
}

// act'(z) expressed through y = act(z).
template <typename T>
T ActivationDerivativeFromOutput(Activation act, T y) {
  switch (act) {
    case Activation::kIdentity:
      return T(1);
    case Activation::kTanh:
      return T(1) - y * y;
    case Activation::kRelu:
      return y > T(0) ? T(1) : T(0);
  }
  return T(1);
}

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_REF_ACTIVATION_REF_H_
