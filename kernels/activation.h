// Elementwise activations and their derivatives.
//
//   Activate:        y = act(x)
//   ActivationGrad:  dz = g ⊙ act'(z), with act' computed from the OUTPUT y = act(z):
//                    tanh' = 1 − y², relu' = [y > 0], identity' = 1.
// Taking the derivative from the output means the backward pass needs only the activations the
// forward pass stored, never the pre-activations.
//
// Accuracy of the optimized tanh (every ISA): see kTanhMaxUlp below; the reference is std::tanh.
// ReLU and identity are exact. ActivationGrad is a multiply (and a subtract): ≤ 1.5 ULP per
// element against the reference, which evaluates the same expression.
//
// Aliasing: y may equal x; dz may equal g. Any other overlap is undefined.
#ifndef SIMD_MLP_KERNELS_ACTIVATION_H_
#define SIMD_MLP_KERNELS_ACTIVATION_H_

#include <cstddef>

namespace simd_mlp::kernels {

enum class Activation : int { kIdentity = 0, kTanh = 1, kRelu = 2 };

inline constexpr Activation kAllActivations[] = {Activation::kIdentity, Activation::kTanh,
                                                 Activation::kRelu};

inline const char* ActivationName(Activation act) {
  switch (act) {
    case Activation::kIdentity: return "identity";
    case Activation::kTanh: return "tanh";
    case Activation::kRelu: return "relu";
  }
  return "unknown";
}

// Worst error of the optimized float tanh against the correctly rounded result, in units in the
// last place of the result, over all finite inputs. tests/activation_test.cc asserts this same
// constant over a sweep of float bit patterns.
inline constexpr int kTanhMaxUlp = 2;

namespace ref {

template <typename T>
void Activate(Activation act, std::size_t n, const T* x, T* y);

template <typename T>
void ActivationGrad(Activation act, std::size_t n, const T* y, const T* g, T* dz);

}  // namespace ref
}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_ACTIVATION_H_
