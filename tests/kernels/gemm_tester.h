// What the tests of both GEMM families (gemm_test.cc, gemm_fm_test.cc) share: the named shape
// families every GEMM is checked on, and the tolerances of kernels/gemm.h.
//
// Tolerance, per element: both sides compute the same K-term dot product in different orders
// (and the optimized one with fused multiply-adds), so each is within K·u·Σ|aᵢwᵢ| of the exact
// value: |Δ| ≤ 2·K·u·Σ|aᵢwᵢ| (+ one rounding of the result). tanh adds kTanhMaxUlp ULP of its
// result, plus 1 for the reference's own std::tanh (float std::tanh is not correctly rounded
// either), and, since tanh' ≤ 1, does not amplify the product's error; ReLU is exact.
// The activation derivative of the input gradients is 1 − a² ∈ [0, 1] or [a > 0]: it scales both
// the value and its error, and adds ≤ 2 roundings of the result.
#ifndef SIMD_MLP_TESTS_KERNELS_GEMM_TESTER_H_
#define SIMD_MLP_TESTS_KERNELS_GEMM_TESTER_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {

using kernels::Activation;

// The dimensions of one case. A stride of 0 is drawn by DrawStride (exact or padded, with NaN
// guard lanes); the MLP's own shapes pass its stride of 112.
struct Dims {
  std::size_t m, n, k, ld = 0;
};

inline std::size_t StrideFor(std::size_t cols, std::size_t ld) {
  return ld != 0 ? ld : DrawStride(cols);
}

inline std::string Shape(std::size_t m, std::size_t n, std::size_t k, std::size_t lda,
                         std::size_t ldw, std::size_t ldc) {
  return "m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k) +
         " lda=" + std::to_string(lda) + " ldw=" + std::to_string(ldw) +
         " ldc=" + std::to_string(ldc);
}

// A named family of shapes (XNNPACK style): a property of every GEMM kernel, drawn inside each
// rapidcheck case.
struct ShapeFamily {
  const char* name;
  Dims (*draw)();
};

inline const ShapeFamily kGemmShapeFamilies[] = {
    // Every tile and vector edge (1, w − 1, w, w + 1), 100 and 112, and anything up to 130.
    {"random",
     [] {
       return Dims{DrawDim(), DrawDim(), DrawDim()};
     }},
    // A reduction of one term: no accumulation at all.
    {"k_eq_1",
     [] {
       return Dims{DrawDim(), DrawDim(), 1};
     }},
    // Fewer columns than one vector of any ISA: the whole row is a tail (masked, or a half
    // register).
    {"n_lt_lanes",
     [] {
       return Dims{DrawDim(), DrawIndex(1, 16), DrawDim()};
     }},
    // One row: below every row tile, and gemm_grad_x_act's dot-product path (m < 4).
    {"m_eq_1",
     [] {
       return Dims{1, DrawDim(), DrawDim()};
     }},
    // Tails of every length after a run of whole vectors (n = 16q + r, r = 1 … 15): for r ≤ half
    // a vector the tail runs in a half-width register (AVX2, AVX-512), above it in a masked one.
    {"n_with_tail",
     [] {
       const std::size_t q = DrawIndex(0, 8);
       return Dims{DrawDim(), 16 * q + DrawIndex(1, 16), DrawDim()};
     }},
    // The MLP's hidden layers exactly as the trainer calls them: n = k = 100, rows 112 apart.
    {"mlp_hidden_layer",
     [] {
       return Dims{DrawOneOf({1, 8, 32, 33}), 100, 100, 112};
     }},
};

// One property per shape family: check(c, dims) in a rapidcheck case of each activation's
// (kWithActivation) or of the family alone.
template <bool kWithActivation, typename Check>
std::vector<Property> ShapeFamilyProperties(Check check) {
  std::vector<Property> properties;
  for (const ShapeFamily& family : kGemmShapeFamilies) {
    properties.push_back({family.name, [check, draw = family.draw](const Case& c) {
                            if constexpr (kWithActivation) {
                              for (Activation act : kernels::kAllActivations) {
                                CheckProperty(c.name + " " + kernels::ActivationName(act),
                                              [&] { check(c, act, draw()); });
                              }
                            } else {
                              CheckProperty(c.name, [&] { check(c, draw()); });
                            }
                          }});
  }
  return properties;
}

// Σ_p |a(p)·b(p)|: the scale of the rounding error of one dot product.
template <typename A, typename B>
double AbsDot(std::size_t len, A a, B b) {
  double sum = 0;
  for (std::size_t p = 0; p < len; ++p) sum += std::fabs(double(a(p)) * double(b(p)));
  return sum;
}

template <typename T>
double ActivationUlps(Activation act, double value) {
  if (act != Activation::kTanh) return 0;
  return (kernels::kTanhMaxUlp + 1) * 2 * kUnitRoundoff<T> * std::fabs(value);
}

// The forward bound at one element: a sum of k + 1 terms (the products and the bias), then act.
template <typename T>
double ForwardTolerance(Activation act, std::size_t k, double abs_terms, double value) {
  return 2.0 * double(k + 1) * kUnitRoundoff<T> * abs_terms + ActivationUlps<T>(act, value) +
         std::numeric_limits<T>::denorm_min();
}

// The input gradient's bound at one element: n products, and the derivative's roundings.
template <typename T>
double InputGradTolerance(std::size_t n, double abs_dot) {
  return 2.0 * double(n + 2) * kUnitRoundoff<T> * abs_dot + std::numeric_limits<T>::denorm_min();
}

// dW and db against the reference, both layouts: a(i, p) and g(i, j) read sample i's input p and
// delta j wherever the layout keeps them.
template <typename T, typename A, typename G>
void ExpectGradWNear(std::size_t m, const Matrix<T>& dw_ref, const Matrix<T>& dw,
                     const Matrix<T>& db_ref, const Matrix<T>& db, A a, G g,
                     const std::string& what) {
  RcExpectNear(
      dw_ref, dw,
      [&](std::size_t p, std::size_t j) {
        return 2.0 * double(m) * kUnitRoundoff<T> *
                   AbsDot(
                       m, [&](std::size_t i) { return a(i, p); },
                       [&](std::size_t i) { return g(i, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what + " dW");
  RcExpectNear(
      db_ref, db,
      [&](std::size_t, std::size_t j) {
        return 2.0 * double(m) * kUnitRoundoff<T> *
                   AbsDot(
                       m, [](std::size_t) { return T(1); },
                       [&](std::size_t i) { return g(i, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what + " db");
  RcExpectGuardsIntact(dw, what);
}

inline std::uint32_t Bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

}  // namespace simd_mlp::testing

#endif  // SIMD_MLP_TESTS_KERNELS_GEMM_TESTER_H_
