// The edge layers (kernels/dense_edge.h) on every ISA against the reference: random batch sizes
// and widths at every vector edge, random strides with NaN guard lanes, every activation, float and
// double.
//
// Tolerances: OuterBiasAct and GemvGradXAct compute one or two products per element (the optimized
// kernel may fuse x·w + b), within 3 roundings of |x·w| + |b| (or |g·w|), plus the activation's
// error as in gemm_test.cc. The reductions (OuterGradW, GemvBiasAct, GemvGradW) sum N terms in a
// different order: |Δ| ≤ 2·N·u·Σ|terms|.
#include <string>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

using kernels::Activation;

class DenseEdgeTest : public IsaTest {};
SIMD_MLP_INSTANTIATE_ISA_TESTS(DenseEdgeTest);

template <typename T>
double TanhUlps(Activation act, double value) {
  if (act != Activation::kTanh) return 0;
  const int ulps = std::is_same_v<T, float> ? kernels::kTanhMaxUlp + 1 : 4;
  return ulps * 2 * kUnitRoundoff<T> * std::fabs(value);
}

template <typename T>
double SumBound(std::size_t terms, double abs_sum) {
  return 2.0 * double(terms + 1) * kUnitRoundoff<T> * abs_sum +
         std::numeric_limits<T>::denorm_min();
}

template <typename T>
void CheckOuterBiasAct(Isa isa, Activation act) {
  const std::size_t m = *GenDim(), n = *GenDim(), ldc = *GenStride(n);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> x(1, m, m), w(1, n, n), bias(1, n, n), c(m, n, ldc);
  FillRandom(x, seed, T(-3), T(3));
  FillRandom(w, seed + 1, T(-3), T(3));
  FillRandom(bias, seed + 2);
  FillRandom(c, seed + 3);
  Matrix<T> c_ref = c;
  kernels::KernelsFor<T>(Isa::kRef).outer_bias_act(act, m, n, x.ptr(), w.ptr(), bias.ptr(),
                                                   c_ref.ptr(), ldc);
  kernels::KernelsFor<T>(isa).outer_bias_act(act, m, n, x.ptr(), w.ptr(), bias.ptr(), c.ptr(), ldc);
  const std::string what =
      Describe("outer_bias_act", isa,
               std::string(kernels::ActivationName(act)) + " m=" + std::to_string(m) +
                   " n=" + std::to_string(n) + " ldc=" + std::to_string(ldc));
  RcExpectNear(
      c_ref, c,
      [&](std::size_t i, std::size_t j) {
        const double scale =
            std::fabs(double(x.at(0, i)) * double(w.at(0, j))) + std::fabs(double(bias.at(0, j)));
        return 3 * kUnitRoundoff<T> * scale + TanhUlps<T>(act, c_ref.at(i, j)) +
               std::numeric_limits<T>::denorm_min();
      },
      what);
  RcExpectGuardsIntact(c, what);
}

template <typename T>
void CheckOuterGradW(Isa isa) {
  const std::size_t m = *GenDim(600), n = *GenDim(), ldg = *GenStride(n);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> x(1, m, m), g(m, n, ldg), dw(1, n, n), db(1, n, n);
  FillRandom(x, seed);
  FillRandom(g, seed + 1);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).outer_grad_w(m, n, x.ptr(), g.ptr(), ldg, dw_ref.ptr(),
                                                 db_ref.ptr());
  kernels::KernelsFor<T>(isa).outer_grad_w(m, n, x.ptr(), g.ptr(), ldg, dw.ptr(), db.ptr());
  const std::string what = Describe(
      "outer_grad_w", isa,
      "m=" + std::to_string(m) + " n=" + std::to_string(n) + " ldg=" + std::to_string(ldg));
  RcExpectNear(
      dw_ref, dw,
      [&](std::size_t, std::size_t j) {
        double abs_sum = 0;
        for (std::size_t i = 0; i < m; ++i)
          abs_sum += std::fabs(double(x.at(0, i)) * double(g.at(i, j)));
        return SumBound<T>(m, abs_sum);
      },
      what + " dw");
  RcExpectNear(
      db_ref, db,
      [&](std::size_t, std::size_t j) {
        double abs_sum = 0;
        for (std::size_t i = 0; i < m; ++i) abs_sum += std::fabs(double(g.at(i, j)));
        return SumBound<T>(m, abs_sum);
      },
      what + " db");
}

template <typename T>
void CheckGemvBiasAct(Isa isa, Activation act) {
  const std::size_t m = *GenDim(), k = *GenDim(), lda = *GenStride(k);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> a(m, k, lda), w(1, k, k), y(1, m, m);
  FillRandom(a, seed);
  FillRandom(w, seed + 1);
  const T bias = *rc::gen::inRange(-100, 100) / T(50);
  Matrix<T> y_ref = y;
  kernels::KernelsFor<T>(Isa::kRef).gemv_bias_act(act, m, k, a.ptr(), lda, w.ptr(), bias,
                                                  y_ref.ptr());
  kernels::KernelsFor<T>(isa).gemv_bias_act(act, m, k, a.ptr(), lda, w.ptr(), bias, y.ptr());
  RcExpectNear(
      y_ref, y,
      [&](std::size_t, std::size_t i) {
        double abs_sum = std::fabs(double(bias));
        for (std::size_t p = 0; p < k; ++p)
          abs_sum += std::fabs(double(a.at(i, p)) * double(w.at(0, p)));
        return SumBound<T>(k, abs_sum) + TanhUlps<T>(act, y_ref.at(0, i));
      },
      Describe("gemv_bias_act", isa,
               std::string(kernels::ActivationName(act)) + " m=" + std::to_string(m) +
                   " k=" + std::to_string(k) + " lda=" + std::to_string(lda)));
}

template <typename T>
void CheckGemvGradW(Isa isa) {
  const std::size_t m = *GenDim(600), k = *GenDim(), lda = *GenStride(k);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> a(m, k, lda), g(1, m, m), dw(1, k, k), db(1, 1, 1);
  FillRandom(a, seed);
  FillRandom(g, seed + 1);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).gemv_grad_w(m, k, a.ptr(), lda, g.ptr(), dw_ref.ptr(),
                                                db_ref.ptr());
  kernels::KernelsFor<T>(isa).gemv_grad_w(m, k, a.ptr(), lda, g.ptr(), dw.ptr(), db.ptr());
  const std::string what = Describe(
      "gemv_grad_w", isa,
      "m=" + std::to_string(m) + " k=" + std::to_string(k) + " lda=" + std::to_string(lda));
  RcExpectNear(
      dw_ref, dw,
      [&](std::size_t, std::size_t p) {
        double abs_sum = 0;
        for (std::size_t i = 0; i < m; ++i)
          abs_sum += std::fabs(double(a.at(i, p)) * double(g.at(0, i)));
        return SumBound<T>(m, abs_sum);
      },
      what + " dw");
  double abs_g = 0;
  for (std::size_t i = 0; i < m; ++i) abs_g += std::fabs(double(g.at(0, i)));
  RcExpectNear(
      db_ref, db, [&](std::size_t, std::size_t) { return SumBound<T>(m, abs_g); }, what + " db");
}

template <typename T>
void CheckGemvGradXAct(Isa isa, Activation act) {
  const std::size_t m = *GenDim(), k = *GenDim(), lda = *GenStride(k), lddx = *GenStride(k);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> g(1, m, m), w(1, k, k), a(m, k, lda), dx(m, k, lddx);
  FillRandom(g, seed);
  FillRandom(w, seed + 1);
  FillRandom(a, seed + 2);
  FillRandom(dx, seed + 3);
  Matrix<T> dx_ref = dx;
  kernels::KernelsFor<T>(Isa::kRef).gemv_grad_x_act(act, m, k, g.ptr(), w.ptr(), a.ptr(), lda,
                                                    dx_ref.ptr(), lddx);
  kernels::KernelsFor<T>(isa).gemv_grad_x_act(act, m, k, g.ptr(), w.ptr(), a.ptr(), lda, dx.ptr(),
                                              lddx);
  const std::string what =
      Describe("gemv_grad_x_act", isa,
               std::string(kernels::ActivationName(act)) + " m=" + std::to_string(m) +
                   " k=" + std::to_string(k) + " lddx=" + std::to_string(lddx));
  // g·w·act'(a): three products (and 1 − a·a fused or not): within 5 roundings of |g·w|.
  RcExpectNear(
      dx_ref, dx,
      [&](std::size_t i, std::size_t p) {
        return 5 * kUnitRoundoff<T> * std::fabs(double(g.at(0, i)) * double(w.at(0, p))) +
               std::numeric_limits<T>::denorm_min();
      },
      what);
  RcExpectGuardsIntact(dx, what);
}

TEST_P(DenseEdgeTest, OuterBiasActMatchesReference) {
  for (Activation act : kernels::kAllActivations) {
    const std::string name = kernels::ActivationName(act);
    SIMD_MLP_CHECK_PROPERTY("outer_bias_act<float> " + name,
                            [&] { CheckOuterBiasAct<float>(isa(), act); });
    SIMD_MLP_CHECK_PROPERTY("outer_bias_act<double> " + name,
                            [&] { CheckOuterBiasAct<double>(isa(), act); });
  }
}

TEST_P(DenseEdgeTest, OuterGradWMatchesReference) {
  SIMD_MLP_CHECK_PROPERTY("outer_grad_w<float>", [&] { CheckOuterGradW<float>(isa()); });
  SIMD_MLP_CHECK_PROPERTY("outer_grad_w<double>", [&] { CheckOuterGradW<double>(isa()); });
}

TEST_P(DenseEdgeTest, GemvBiasActMatchesReference) {
  for (Activation act : kernels::kAllActivations) {
    const std::string name = kernels::ActivationName(act);
    SIMD_MLP_CHECK_PROPERTY("gemv_bias_act<float> " + name,
                            [&] { CheckGemvBiasAct<float>(isa(), act); });
    SIMD_MLP_CHECK_PROPERTY("gemv_bias_act<double> " + name,
                            [&] { CheckGemvBiasAct<double>(isa(), act); });
  }
}

TEST_P(DenseEdgeTest, GemvGradWMatchesReference) {
  SIMD_MLP_CHECK_PROPERTY("gemv_grad_w<float>", [&] { CheckGemvGradW<float>(isa()); });
  SIMD_MLP_CHECK_PROPERTY("gemv_grad_w<double>", [&] { CheckGemvGradW<double>(isa()); });
}

TEST_P(DenseEdgeTest, GemvGradXActMatchesReference) {
  for (Activation act : kernels::kAllActivations) {
    const std::string name = kernels::ActivationName(act);
    SIMD_MLP_CHECK_PROPERTY("gemv_grad_x_act<float> " + name,
                            [&] { CheckGemvGradXAct<float>(isa(), act); });
    SIMD_MLP_CHECK_PROPERTY("gemv_grad_x_act<double> " + name,
                            [&] { CheckGemvGradXAct<double>(isa(), act); });
  }
}

}  // namespace
}  // namespace simd_mlp::testing
