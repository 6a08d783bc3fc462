// The batch-major GEMMs (kernels/gemm.h) on every ISA against the reference: the shape families
// of gemm_tester.h, random strides with NaN guard lanes, every activation, float and double;
// tolerances as gemm_tester.h derives them.
#include <string>

#include "tests/kernels/gemm_tester.h"

namespace simd_mlp::testing {
namespace {

template <typename T>
void CheckGemmBiasAct(const Case& c, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(k, d.ld), ldw = StrideFor(n, d.ld), ldc = StrideFor(n, d.ld);
  const auto seed = DrawSeed();
  Matrix<T> a(m, k, lda), w(k, n, ldw), bias(1, n, n), out(m, n, ldc);
  FillRandom(a, seed);
  FillRandom(w, seed + 1);
  FillRandom(bias, seed + 2);
  FillRandom(out, seed + 3);  // NaN guard lanes
  Matrix<T> out_ref = out;
  kernels::KernelsFor<T>(Isa::kRef).gemm_bias_act(act, m, n, k, a.ptr(), lda, w.ptr(), ldw,
                                                  bias.ptr(), out_ref.ptr(), ldc);
  kernels::KernelsFor<T>(c.isa).gemm_bias_act(act, m, n, k, a.ptr(), lda, w.ptr(), ldw, bias.ptr(),
                                              out.ptr(), ldc);
  const std::string what =
      Describe(c, std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, lda, ldw, ldc));
  RcExpectNear(
      out_ref, out,
      [&](std::size_t i, std::size_t j) {
        const double terms = AbsDot(
                                 k, [&](std::size_t p) { return a.at(i, p); },
                                 [&](std::size_t p) { return w.at(p, j); }) +
                             std::fabs(double(bias.at(0, j)));
        return ForwardTolerance<T>(act, k, terms, out_ref.at(i, j));
      },
      what);
  RcExpectGuardsIntact(out, what);
}

template <typename T>
void CheckGemmGradW(const Case& c, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(k, d.ld), ldg = StrideFor(n, d.ld), lddw = StrideFor(n, d.ld);
  const auto seed = DrawSeed();
  Matrix<T> a(m, k, lda), g(m, n, ldg), dw(k, n, lddw), db(1, n, n);
  FillRandom(a, seed);
  FillRandom(g, seed + 1);
  FillRandom(dw, seed + 2);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_w(m, n, k, a.ptr(), lda, g.ptr(), ldg, dw_ref.ptr(),
                                                lddw, db_ref.ptr());
  kernels::KernelsFor<T>(c.isa).gemm_grad_w(m, n, k, a.ptr(), lda, g.ptr(), ldg, dw.ptr(), lddw,
                                            db.ptr());
  ExpectGradWNear<T>(
      m, dw_ref, dw, db_ref, db, [&](std::size_t i, std::size_t p) { return a.at(i, p); },
      [&](std::size_t i, std::size_t j) { return g.at(i, j); },
      Describe(c, Shape(m, n, k, lda, ldg, lddw)));
}

template <typename T>
void CheckGemmGradXAct(const Case& c, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t ldg = StrideFor(n, d.ld), ldw = StrideFor(n, d.ld), lda = StrideFor(k, d.ld),
                    lddx = StrideFor(k, d.ld);
  const auto seed = DrawSeed();
  // W is k×n here: the layer maps k inputs to n outputs; dX is m×k.
  Matrix<T> g(m, n, ldg), w(k, n, ldw), a(m, k, lda), dx(m, k, lddx);
  FillRandom(g, seed);
  FillRandom(w, seed + 1);
  FillRandom(a, seed + 2);  // activations: tanh outputs lie in (−1, 1), ReLU's are ≥ 0 or 0
  FillRandom(dx, seed + 3);
  Matrix<T> dx_ref = dx;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_x_act(act, m, n, k, g.ptr(), ldg, w.ptr(), ldw,
                                                    a.ptr(), lda, dx_ref.ptr(), lddx);
  kernels::KernelsFor<T>(c.isa).gemm_grad_x_act(act, m, n, k, g.ptr(), ldg, w.ptr(), ldw, a.ptr(),
                                                lda, dx.ptr(), lddx);
  const std::string what =
      Describe(c, std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, ldg, ldw, lddx));
  RcExpectNear(
      dx_ref, dx,
      [&](std::size_t i, std::size_t p) {
        return InputGradTolerance<T>(n, AbsDot(
                                            n, [&](std::size_t j) { return g.at(i, j); },
                                            [&](std::size_t j) { return w.at(p, j); }));
      },
      what);
  RcExpectGuardsIntact(dx, what);
}

// The batch reduction of gemm_grad_w is cache-blocked: a batch longer than one block (8000, the
// full training set) must still sum every row exactly once.
void CheckGradWSumsEveryRowOfALongBatch(const Case& c) {
  const std::size_t m = 8000, n = 100, k = 100, ld = 112;
  Matrix<float> a(m, k, ld), g(m, n, ld), dw(k, n, ld), db(1, n, n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < ld; ++j) {
      a.at(i, j) = 1.0f;
      g.at(i, j) = float(i % 3);  // small integers: every partial sum is exact in float
    }
  }
  kernels::KernelsFor<float>(c.isa).gemm_grad_w(m, n, k, a.ptr(), ld, g.ptr(), ld, dw.ptr(), ld,
                                                db.ptr());
  const float want = float((m / 3) * (0 + 1 + 2) + (m % 3 >= 2 ? 1 : 0));
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j)
      ASSERT_EQ(dw.at(p, j), want) << c.name << " dW(" << p << ", " << j << ")";
  }
  for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(db.at(0, j), want) << c.name << " db(" << j << ")";
}

}  // namespace

template <>
struct KernelTest<KernelId::kGemmBiasAct> {
  template <typename T>
  static std::vector<Property> Properties() {
    return ShapeFamilyProperties<true>(
        [](const Case& c, Activation act, Dims d) { CheckGemmBiasAct<T>(c, act, d); });
  }
};

template <>
struct KernelTest<KernelId::kGemmGradW> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties =
        ShapeFamilyProperties<false>([](const Case& c, Dims d) { CheckGemmGradW<T>(c, d); });
    if constexpr (std::is_same_v<T, float>) {
      // Batches up to 600 rows cross the cache blocks (128 or 256 rows), where dW and db switch
      // from store to add.
      properties.push_back({"long_batches", [](const Case& c) {
                              CheckProperty(c.name, [&] {
                                CheckGemmGradW<T>(c, Dims{DrawDim(600), DrawDim(), DrawDim()});
                              });
                            }});
      properties.push_back({"sums_every_row_of_a_long_batch", CheckGradWSumsEveryRowOfALongBatch});
    }
    return properties;
  }
};

template <>
struct KernelTest<KernelId::kGemmGradXAct> {
  template <typename T>
  static std::vector<Property> Properties() {
    return ShapeFamilyProperties<true>(
        [](const Case& c, Activation act, Dims d) { CheckGemmGradXAct<T>(c, act, d); });
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(gemm);

}  // namespace simd_mlp::testing
