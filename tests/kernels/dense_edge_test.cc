// The edge layers (kernels/dense_edge.h) on every ISA against the reference: random batch sizes
// and widths at every vector edge, random strides with NaN guard lanes, every activation, float and
// double.
//
// Tolerances: OuterBiasAct and GemvGradXAct compute one or two products per element (the optimized
// kernel may fuse x·w + b), within 3 roundings of |x·w| + |b| (or |g·w|), plus the activation's
// error as in gemm_tester.h. The reductions (OuterGradW, GemvBiasAct, GemvGradW) sum N terms in a
// different order: |Δ| ≤ 2·N·u·Σ|terms|.
#include <string>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

using kernels::Activation;

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
void CheckOuterBiasAct(const Case& c, Activation act) {
  const std::size_t m = DrawDim(), n = DrawDim(), ldc = DrawStride(n);
  const auto seed = DrawSeed();
  Matrix<T> x(1, m, m), w(1, n, n), bias(1, n, n), out(m, n, ldc);
  FillRandom(x, seed, T(-3), T(3));
  FillRandom(w, seed + 1, T(-3), T(3));
  FillRandom(bias, seed + 2);
  FillRandom(out, seed + 3);
  Matrix<T> out_ref = out;
  kernels::KernelsFor<T>(Isa::kRef).outer_bias_act(act, m, n, x.ptr(), w.ptr(), bias.ptr(),
                                                   out_ref.ptr(), ldc);
  kernels::KernelsFor<T>(c.isa).outer_bias_act(act, m, n, x.ptr(), w.ptr(), bias.ptr(), out.ptr(),
                                               ldc);
  const std::string what =
      Describe(c, std::string(kernels::ActivationName(act)) + " m=" + std::to_string(m) +
                      " n=" + std::to_string(n) + " ldc=" + std::to_string(ldc));
  RcExpectNear(
      out_ref, out,
      [&](std::size_t i, std::size_t j) {
        const double scale =
            std::fabs(double(x.at(0, i)) * double(w.at(0, j))) + std::fabs(double(bias.at(0, j)));
        return 3 * kUnitRoundoff<T> * scale + TanhUlps<T>(act, out_ref.at(i, j)) +
               std::numeric_limits<T>::denorm_min();
      },
      what);
  RcExpectGuardsIntact(out, what);
}

template <typename T>
void CheckOuterGradW(const Case& c) {
  const std::size_t m = DrawDim(600), n = DrawDim(), ldg = DrawStride(n);
  const auto seed = DrawSeed();
  Matrix<T> x(1, m, m), g(m, n, ldg), dw(1, n, n), db(1, n, n);
  FillRandom(x, seed);
  FillRandom(g, seed + 1);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).outer_grad_w(m, n, x.ptr(), g.ptr(), ldg, dw_ref.ptr(),
                                                 db_ref.ptr());
  kernels::KernelsFor<T>(c.isa).outer_grad_w(m, n, x.ptr(), g.ptr(), ldg, dw.ptr(), db.ptr());
  const std::string what = Describe(
      c, "m=" + std::to_string(m) + " n=" + std::to_string(n) + " ldg=" + std::to_string(ldg));
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
void CheckGemvBiasAct(const Case& c, Activation act) {
  const std::size_t m = DrawDim(), k = DrawDim(), lda = DrawStride(k);
  const auto seed = DrawSeed();
  Matrix<T> a(m, k, lda), w(1, k, k), y(1, m, m);
  FillRandom(a, seed);
  FillRandom(w, seed + 1);
  const T bias = DrawInt(-100, 100) / T(50);
  Matrix<T> y_ref = y;
  kernels::KernelsFor<T>(Isa::kRef).gemv_bias_act(act, m, k, a.ptr(), lda, w.ptr(), bias,
                                                  y_ref.ptr());
  kernels::KernelsFor<T>(c.isa).gemv_bias_act(act, m, k, a.ptr(), lda, w.ptr(), bias, y.ptr());
  RcExpectNear(
      y_ref, y,
      [&](std::size_t, std::size_t i) {
        double abs_sum = std::fabs(double(bias));
        for (std::size_t p = 0; p < k; ++p)
          abs_sum += std::fabs(double(a.at(i, p)) * double(w.at(0, p)));
        return SumBound<T>(k, abs_sum) + TanhUlps<T>(act, y_ref.at(0, i));
      },
      Describe(c, std::string(kernels::ActivationName(act)) + " m=" + std::to_string(m) +
                      " k=" + std::to_string(k) + " lda=" + std::to_string(lda)));
}

template <typename T>
void CheckGemvGradW(const Case& c) {
  const std::size_t m = DrawDim(600), k = DrawDim(), lda = DrawStride(k);
  const auto seed = DrawSeed();
  Matrix<T> a(m, k, lda), g(1, m, m), dw(1, k, k), db(1, 1, 1);
  FillRandom(a, seed);
  FillRandom(g, seed + 1);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).gemv_grad_w(m, k, a.ptr(), lda, g.ptr(), dw_ref.ptr(),
                                                db_ref.ptr());
  kernels::KernelsFor<T>(c.isa).gemv_grad_w(m, k, a.ptr(), lda, g.ptr(), dw.ptr(), db.ptr());
  const std::string what = Describe(
      c, "m=" + std::to_string(m) + " k=" + std::to_string(k) + " lda=" + std::to_string(lda));
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
void CheckGemvGradXAct(const Case& c, Activation act) {
  const std::size_t m = DrawDim(), k = DrawDim(), lda = DrawStride(k), lddx = DrawStride(k);
  const auto seed = DrawSeed();
  Matrix<T> g(1, m, m), w(1, k, k), a(m, k, lda), dx(m, k, lddx);
  FillRandom(g, seed);
  FillRandom(w, seed + 1);
  FillRandom(a, seed + 2);
  FillRandom(dx, seed + 3);
  Matrix<T> dx_ref = dx;
  kernels::KernelsFor<T>(Isa::kRef).gemv_grad_x_act(act, m, k, g.ptr(), w.ptr(), a.ptr(), lda,
                                                    dx_ref.ptr(), lddx);
  kernels::KernelsFor<T>(c.isa).gemv_grad_x_act(act, m, k, g.ptr(), w.ptr(), a.ptr(), lda, dx.ptr(),
                                                lddx);
  const std::string what =
      Describe(c, std::string(kernels::ActivationName(act)) + " m=" + std::to_string(m) +
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

// The kernel's one property: it matches the reference on random shapes, for every activation if
// it takes one.
template <typename Check>
std::vector<Property> MatchesReference(Check check) {
  return {{"matches_reference", [check](const Case& c) { check(c); }}};
}

template <typename T, typename Check>
std::vector<Property> MatchesReferenceForEachActivation(Check check) {
  return MatchesReference([check](const Case& c) {
    for (Activation act : kernels::kAllActivations) {
      CheckProperty(c.name + " " + kernels::ActivationName(act), [&] { check(c, act); });
    }
  });
}

}  // namespace

template <>
struct KernelTest<KernelId::kOuterBiasAct> {
  template <typename T>
  static std::vector<Property> Properties() {
    return MatchesReferenceForEachActivation<T>(CheckOuterBiasAct<T>);
  }
};

template <>
struct KernelTest<KernelId::kOuterGradW> {
  template <typename T>
  static std::vector<Property> Properties() {
    return MatchesReference(
        [](const Case& c) { CheckProperty(c.name, [&] { CheckOuterGradW<T>(c); }); });
  }
};

template <>
struct KernelTest<KernelId::kGemvBiasAct> {
  template <typename T>
  static std::vector<Property> Properties() {
    return MatchesReferenceForEachActivation<T>(CheckGemvBiasAct<T>);
  }
};

template <>
struct KernelTest<KernelId::kGemvGradW> {
  template <typename T>
  static std::vector<Property> Properties() {
    return MatchesReference(
        [](const Case& c) { CheckProperty(c.name, [&] { CheckGemvGradW<T>(c); }); });
  }
};

template <>
struct KernelTest<KernelId::kGemvGradXAct> {
  template <typename T>
  static std::vector<Property> Properties() {
    return MatchesReferenceForEachActivation<T>(CheckGemvGradXAct<T>);
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(dense_edge);

}  // namespace simd_mlp::testing
