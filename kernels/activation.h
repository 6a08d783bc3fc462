// Elementwise activations and their derivatives.
//
//   Activate(act, n, x, y)             y = act(x)
//   ActivationGrad(act, n, y, g, dz)   dz = g ⊙ act'(z), with act' computed from the OUTPUT
//                                      y = act(z): tanh' = 1 − y², relu' = [y > 0],
//                                      identity' = 1.
// Taking the derivative from the output means the backward pass needs only the activations the
// forward pass stored, never the pre-activations.
//
// Accuracy. float tanh (every ISA): at most kTanhMaxUlp (2) ULP from the correctly rounded tanh;
// ±0 keep their sign, ±inf give ±1, NaN gives NaN, |x| ≥ 9.1 gives exactly ±1, and tiny x
// (denormals included) give x. double tanh is xsimd::tanh (≈ 1 ULP of double): double
// serves gradient checks, where accuracy matters more than speed. ReLU and identity are exact.
// ActivationGrad is one multiply and, for tanh, 1 − y·y (fused or not), which cancels near
// |y| = 1: within 6·u·|g|·(1 + y²) of the reference (u the unit roundoff, 2^-24 for float).
// tests/kernels/activation_test.cc asserts these bounds on every ISA.
//
// Every array has n entries, contiguous; any n ≥ 0, no padding or alignment required.
// Aliasing: y may equal x; dz may equal g. Any other overlap is undefined.
// ISAs: ref, sse2, avx2 and avx512 (x86-64), neon (aarch64), for float and double (kernels.h).
#ifndef SIMD_MLP_KERNELS_ACTIVATION_H_
#define SIMD_MLP_KERNELS_ACTIVATION_H_

#include <cstddef>

namespace simd_mlp::kernels {

enum class Activation : int { kIdentity = 0, kTanh = 1, kRelu = 2 };

inline constexpr Activation kAllActivations[] = {Activation::kIdentity, Activation::kTanh,
                                                 Activation::kRelu};

inline const char* ActivationName(Activation act) {
  switch (act) {
    case Activation::kIdentity:
      return "identity";
    case Activation::kTanh:
      return "tanh";
    case Activation::kRelu:
      return "relu";
  }
  return "unknown";
}

// Worst error of the optimized float tanh, in units in the last place of the result, against
// tanh correctly rounded to float, over all finite inputs. Measured exhaustively (all 1.09e9
// positive floats below 10; the function is odd and exactly ±1 beyond): 2 ULP on avx2 and avx512
// (on 0.06 % of inputs), 1 ULP on sse2; neon, the same FMA form, 2 ULP over the strided sweep
// under qemu. Why 2: with FMA the kernel is E/(E + 2), E = expm1(2a)
// (kernels/simd/activation_vec-inl.h), whose three roundings can add up; the two-piece form it
// replaced held 1 ULP but cost more, and tanh runs in every hidden layer's forward epilogue
// (docs/performance.md, "Kernel constants"). Without FMA the expm1 form reaches 3 ULP, so sse2
// keeps the two-piece form. tests/kernels/activation_test.cc asserts this same constant over a
// strided sweep of float bit patterns (every 31st, all binades) on every ISA, and
// SIMD_MLP_EXHAUSTIVE=1 makes it sweep them all (about 40 s per ISA).
inline constexpr int kTanhMaxUlp = 2;

namespace ref {

template <typename T>
void Activate(Activation act, std::size_t n, const T* x, T* y);

template <typename T>
void ActivationGrad(Activation act, std::size_t n, const T* y, const T* g, T* dz);

}  // namespace ref
}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_ACTIVATION_H_
