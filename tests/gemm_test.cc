// The three GEMM kernels (kernels/gemm.h) on every ISA against the reference: random shapes that
// land on every tile and vector edge, random strides with NaN guard lanes, every activation, float
// and double.
//
// Tolerance, per element: both sides compute the same K-term dot product in different orders
// (and the optimized one with fused multiply-adds), so each is within K·u·Σ|aᵢwᵢ| of the exact
// value: |Δ| ≤ 2·K·u·Σ|aᵢwᵢ| (+ one rounding of the result). tanh adds kTanhMaxUlp ULP of its
// result, plus 1 for the reference's own std::tanh (float std::tanh is not correctly rounded
// either), and, since tanh' ≤ 1, does not amplify the product's error; ReLU is exact.
// The activation derivative in GemmGradXAct is 1 − a² ∈ [0, 1] or [a > 0]: it scales both the
// value and its error, and adds ≤ 2 roundings of the result.
#include <string>

#include "tests/kernel_test_util.h"

namespace simd_mlp::testing {
namespace {

using kernels::Activation;

class GemmTest : public IsaTest {};
SIMD_MLP_INSTANTIATE_ISA_TESTS(GemmTest);

std::string Shape(std::size_t m, std::size_t n, std::size_t k, std::size_t lda, std::size_t ldw,
                  std::size_t ldc) {
  return "m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k) +
         " lda=" + std::to_string(lda) + " ldw=" + std::to_string(ldw) +
         " ldc=" + std::to_string(ldc);
}

// Σ_p |a(i,p)·b(p,j)|: the scale of the rounding error of one dot product.
template <typename T, typename A, typename B>
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

template <typename T>
void CheckGemmBiasAct(Isa isa, Activation act) {
  const std::size_t m = *GenDim(), n = *GenDim(), k = *GenDim();
  const std::size_t lda = *GenStride(k), ldw = *GenStride(n), ldc = *GenStride(n);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> a(m, k, lda), w(k, n, ldw), bias(1, n, n), c(m, n, ldc), c_ref(m, n, ldc);
  FillRandom(a, seed);
  FillRandom(w, seed + 1);
  FillRandom(bias, seed + 2);
  FillRandom(c, seed + 3);  // NaN guard lanes
  c_ref = c;
  kernels::KernelsFor<T>(Isa::kRef).gemm_bias_act(act, m, n, k, a.ptr(), lda, w.ptr(), ldw,
                                                  bias.ptr(), c_ref.ptr(), ldc);
  kernels::KernelsFor<T>(isa).gemm_bias_act(act, m, n, k, a.ptr(), lda, w.ptr(), ldw, bias.ptr(),
                                            c.ptr(), ldc);
  const std::string what =
      Describe("gemm_bias_act", isa,
               std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, lda, ldw, ldc));
  RcExpectNear(
      c_ref, c,
      [&](std::size_t i, std::size_t j) {
        const double scale = AbsDot<T>(
                                 k, [&](std::size_t p) { return a.at(i, p); },
                                 [&](std::size_t p) { return w.at(p, j); }) +
                             std::fabs(double(bias.at(0, j)));
        return 2.0 * double(k + 1) * kUnitRoundoff<T> * scale +
               ActivationUlps<T>(act, c_ref.at(i, j)) + std::numeric_limits<T>::denorm_min();
      },
      what);
  RcExpectGuardsIntact(c, what);
}

template <typename T>
void CheckGemmGradW(Isa isa) {
  const std::size_t m = *GenDim(600), n = *GenDim(), k = *GenDim();
  const std::size_t lda = *GenStride(k), ldg = *GenStride(n), lddw = *GenStride(n);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> a(m, k, lda), g(m, n, ldg), dw(k, n, lddw), db(1, n, n);
  FillRandom(a, seed);
  FillRandom(g, seed + 1);
  FillRandom(dw, seed + 2);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_w(m, n, k, a.ptr(), lda, g.ptr(), ldg, dw_ref.ptr(),
                                                lddw, db_ref.ptr());
  kernels::KernelsFor<T>(isa).gemm_grad_w(m, n, k, a.ptr(), lda, g.ptr(), ldg, dw.ptr(), lddw,
                                          db.ptr());
  const std::string what = Describe("gemm_grad_w", isa, Shape(m, n, k, lda, ldg, lddw));
  RcExpectNear(
      dw_ref, dw,
      [&](std::size_t p, std::size_t j) {
        return 2.0 * double(m) * kUnitRoundoff<T> *
                   AbsDot<T>(
                       m, [&](std::size_t i) { return a.at(i, p); },
                       [&](std::size_t i) { return g.at(i, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what + " dW");
  RcExpectNear(
      db_ref, db,
      [&](std::size_t, std::size_t j) {
        return 2.0 * double(m) * kUnitRoundoff<T> *
                   AbsDot<T>(
                       m, [](std::size_t) { return T(1); },
                       [&](std::size_t i) { return g.at(i, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what + " db");
  RcExpectGuardsIntact(dw, what);
}

template <typename T>
void CheckGemmGradXAct(Isa isa, Activation act) {
  const std::size_t m = *GenDim(), n = *GenDim(), k = *GenDim();
  const std::size_t ldg = *GenStride(n), ldw = *GenStride(n), lda = *GenStride(k),
                    lddx = *GenStride(k);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  // W is k×n here: the layer maps k inputs to n outputs; dX is m×k.
  Matrix<T> g(m, n, ldg), w(k, n, ldw), a(m, k, lda), dx(m, k, lddx);
  FillRandom(g, seed);
  FillRandom(w, seed + 1);
  FillRandom(a, seed + 2);  // activations: tanh outputs lie in (−1, 1), ReLU's are ≥ 0 or 0
  FillRandom(dx, seed + 3);
  Matrix<T> dx_ref = dx;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_x_act(act, m, n, k, g.ptr(), ldg, w.ptr(), ldw,
                                                    a.ptr(), lda, dx_ref.ptr(), lddx);
  kernels::KernelsFor<T>(isa).gemm_grad_x_act(act, m, n, k, g.ptr(), ldg, w.ptr(), ldw, a.ptr(),
                                              lda, dx.ptr(), lddx);
  const std::string what =
      Describe("gemm_grad_x_act", isa,
               std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, ldg, ldw, lddx));
  RcExpectNear(
      dx_ref, dx,
      [&](std::size_t i, std::size_t p) {
        return 2.0 * double(n + 2) * kUnitRoundoff<T> *
                   AbsDot<T>(
                       n, [&](std::size_t j) { return g.at(i, j); },
                       [&](std::size_t j) { return w.at(p, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what);
  RcExpectGuardsIntact(dx, what);
}

TEST_P(GemmTest, BiasActMatchesReference) {
  for (Activation act : kernels::kAllActivations) {
    SIMD_MLP_CHECK_PROPERTY(std::string("gemm_bias_act<float> ") + kernels::ActivationName(act),
                            [&] { CheckGemmBiasAct<float>(isa(), act); });
    SIMD_MLP_CHECK_PROPERTY(std::string("gemm_bias_act<double> ") + kernels::ActivationName(act),
                            [&] { CheckGemmBiasAct<double>(isa(), act); });
  }
}

TEST_P(GemmTest, GradWMatchesReference) {
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w<float>", [&] { CheckGemmGradW<float>(isa()); });
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w<double>", [&] { CheckGemmGradW<double>(isa()); });
}

TEST_P(GemmTest, GradXActMatchesReference) {
  for (Activation act : kernels::kAllActivations) {
    SIMD_MLP_CHECK_PROPERTY(std::string("gemm_grad_x_act<float> ") + kernels::ActivationName(act),
                            [&] { CheckGemmGradXAct<float>(isa(), act); });
    SIMD_MLP_CHECK_PROPERTY(std::string("gemm_grad_x_act<double> ") + kernels::ActivationName(act),
                            [&] { CheckGemmGradXAct<double>(isa(), act); });
  }
}

// The batch reduction of gemm_grad_w is cache-blocked: a batch longer than one block (8000, the
// full training set) must still sum every row exactly once.
TEST_P(GemmTest, GradWSumsEveryRowOfALongBatch) {
  const std::size_t m = 8000, n = 100, k = 100, ld = 112;
  Matrix<float> a(m, k, ld), g(m, n, ld), dw(k, n, ld), db(1, n, n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < ld; ++j) {
      a.at(i, j) = 1.0f;
      g.at(i, j) = float(i % 3);  // small integers: every partial sum is exact in float
    }
  }
  Optimized<float>().gemm_grad_w(m, n, k, a.ptr(), ld, g.ptr(), ld, dw.ptr(), ld, db.ptr());
  const float want = float((m / 3) * (0 + 1 + 2) + (m % 3 >= 2 ? 1 : 0));
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j)
      ASSERT_EQ(dw.at(p, j), want) << "dW(" << p << ", " << j << ")";
  }
  for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(db.at(0, j), want) << "db(" << j << ")";
}

}  // namespace
}  // namespace simd_mlp::testing
