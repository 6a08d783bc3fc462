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
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tests/kernels/kernel_tester.h"

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

std::uint32_t Bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

// The dimensions of one case. A stride of 0 is drawn by GenStride (exact or padded, with NaN
// guard lanes); the MLP's own shapes pass its stride of 112.
struct Dims {
  std::size_t m, n, k, ld = 0;
};

std::size_t StrideFor(std::size_t cols, std::size_t ld) { return ld != 0 ? ld : *GenStride(cols); }

template <typename T>
void CheckGemmBiasAct(Isa isa, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(k, d.ld), ldw = StrideFor(n, d.ld), ldc = StrideFor(n, d.ld);
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
                   AbsDot<T>(
                       m, [&](std::size_t i) { return a(i, p); },
                       [&](std::size_t i) { return g(i, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what + " dW");
  RcExpectNear(
      db_ref, db,
      [&](std::size_t, std::size_t j) {
        return 2.0 * double(m) * kUnitRoundoff<T> *
                   AbsDot<T>(
                       m, [](std::size_t) { return T(1); },
                       [&](std::size_t i) { return g(i, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what + " db");
  RcExpectGuardsIntact(dw, what);
}

template <typename T>
void CheckGemmGradW(Isa isa, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(k, d.ld), ldg = StrideFor(n, d.ld), lddw = StrideFor(n, d.ld);
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
  ExpectGradWNear<T>(
      m, dw_ref, dw, db_ref, db, [&](std::size_t i, std::size_t p) { return a.at(i, p); },
      [&](std::size_t i, std::size_t j) { return g.at(i, j); },
      Describe("gemm_grad_w", isa, Shape(m, n, k, lda, ldg, lddw)));
}

template <typename T>
void CheckGemmGradXAct(Isa isa, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t ldg = StrideFor(n, d.ld), ldw = StrideFor(n, d.ld), lda = StrideFor(k, d.ld),
                    lddx = StrideFor(k, d.ld);
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

// The feature-major forms (gemm.h): At is k×m, Ct is n×m, one column per sample.
template <typename T>
void CheckGemmBiasActFm(Isa isa, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(m, d.ld), ldw = StrideFor(n, d.ld), ldc = StrideFor(m, d.ld);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> at(k, m, lda), w(k, n, ldw), bias(1, n, n), ct(n, m, ldc), ct_ref(n, m, ldc);
  FillRandom(at, seed);
  FillRandom(w, seed + 1);
  FillRandom(bias, seed + 2);
  FillRandom(ct, seed + 3);  // NaN guard lanes
  ct_ref = ct;
  kernels::KernelsFor<T>(Isa::kRef).gemm_bias_act_fm(act, m, n, k, at.ptr(), lda, w.ptr(), ldw,
                                                     bias.ptr(), ct_ref.ptr(), ldc);
  kernels::KernelsFor<T>(isa).gemm_bias_act_fm(act, m, n, k, at.ptr(), lda, w.ptr(), ldw,
                                               bias.ptr(), ct.ptr(), ldc);
  const std::string what =
      Describe("gemm_bias_act_fm", isa,
               std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, lda, ldw, ldc));
  RcExpectNear(
      ct_ref, ct,
      [&](std::size_t j, std::size_t i) {
        const double scale = AbsDot<T>(
                                 k, [&](std::size_t p) { return at.at(p, i); },
                                 [&](std::size_t p) { return w.at(p, j); }) +
                             std::fabs(double(bias.at(0, j)));
        return 2.0 * double(k + 1) * kUnitRoundoff<T> * scale +
               ActivationUlps<T>(act, ct_ref.at(j, i)) + std::numeric_limits<T>::denorm_min();
      },
      what);
  RcExpectGuardsIntact(ct, what);
}

template <typename T>
void CheckGemmGradXActFm(Isa isa, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t ldg = StrideFor(m, d.ld), ldw = StrideFor(n, d.ld), lda = StrideFor(m, d.ld),
                    lddx = StrideFor(m, d.ld);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> gt(n, m, ldg), w(k, n, ldw), at(k, m, lda), dxt(k, m, lddx);
  FillRandom(gt, seed);
  FillRandom(w, seed + 1);
  FillRandom(at, seed + 2);
  FillRandom(dxt, seed + 3);
  Matrix<T> dxt_ref = dxt;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_x_act_fm(act, m, n, k, gt.ptr(), ldg, w.ptr(), ldw,
                                                       at.ptr(), lda, dxt_ref.ptr(), lddx);
  kernels::KernelsFor<T>(isa).gemm_grad_x_act_fm(act, m, n, k, gt.ptr(), ldg, w.ptr(), ldw,
                                                 at.ptr(), lda, dxt.ptr(), lddx);
  const std::string what =
      Describe("gemm_grad_x_act_fm", isa,
               std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, ldg, ldw, lddx));
  RcExpectNear(
      dxt_ref, dxt,
      [&](std::size_t p, std::size_t i) {
        return 2.0 * double(n + 2) * kUnitRoundoff<T> *
                   AbsDot<T>(
                       n, [&](std::size_t j) { return gt.at(j, i); },
                       [&](std::size_t j) { return w.at(p, j); }) +
               std::numeric_limits<T>::denorm_min();
      },
      what);
  RcExpectGuardsIntact(dxt, what);
}

template <typename T>
void CheckGemmGradWFm(Isa isa, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(m, d.ld), ldg = StrideFor(m, d.ld), lddw = StrideFor(n, d.ld);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> at(k, m, lda), gt(n, m, ldg), dw(k, n, lddw), db(1, n, n);
  FillRandom(at, seed);
  FillRandom(gt, seed + 1);
  FillRandom(dw, seed + 2);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_w_fm(m, n, k, at.ptr(), lda, gt.ptr(), ldg,
                                                   dw_ref.ptr(), lddw, db_ref.ptr());
  kernels::KernelsFor<T>(isa).gemm_grad_w_fm(m, n, k, at.ptr(), lda, gt.ptr(), ldg, dw.ptr(), lddw,
                                             db.ptr());
  ExpectGradWNear<T>(
      m, dw_ref, dw, db_ref, db, [&](std::size_t i, std::size_t p) { return at.at(p, i); },
      [&](std::size_t i, std::size_t j) { return gt.at(j, i); },
      Describe("gemm_grad_w_fm", isa, Shape(m, n, k, lda, ldg, lddw)));
}

// Every kernel, float and double, every activation, on the dimensions drawn by gen (a function
// returning Dims, called inside each rapidcheck case).
template <typename Gen>
void CheckAllKernels(Isa which, const std::string& family, Gen gen) {
  const auto isa = [which] { return which; };  // SIMD_MLP_CHECK_PROPERTY names the ISA by isa()
  for (Activation act : kernels::kAllActivations) {
    const std::string name = std::string(" ") + kernels::ActivationName(act) + " " + family;
    SIMD_MLP_CHECK_PROPERTY("gemm_bias_act<float>" + name,
                            [&] { CheckGemmBiasAct<float>(which, act, gen()); });
    SIMD_MLP_CHECK_PROPERTY("gemm_bias_act<double>" + name,
                            [&] { CheckGemmBiasAct<double>(which, act, gen()); });
    SIMD_MLP_CHECK_PROPERTY("gemm_grad_x_act<float>" + name,
                            [&] { CheckGemmGradXAct<float>(which, act, gen()); });
    SIMD_MLP_CHECK_PROPERTY("gemm_grad_x_act<double>" + name,
                            [&] { CheckGemmGradXAct<double>(which, act, gen()); });
    SIMD_MLP_CHECK_PROPERTY("gemm_bias_act_fm<float>" + name,
                            [&] { CheckGemmBiasActFm<float>(which, act, gen()); });
    SIMD_MLP_CHECK_PROPERTY("gemm_bias_act_fm<double>" + name,
                            [&] { CheckGemmBiasActFm<double>(which, act, gen()); });
    SIMD_MLP_CHECK_PROPERTY("gemm_grad_x_act_fm<float>" + name,
                            [&] { CheckGemmGradXActFm<float>(which, act, gen()); });
    SIMD_MLP_CHECK_PROPERTY("gemm_grad_x_act_fm<double>" + name,
                            [&] { CheckGemmGradXActFm<double>(which, act, gen()); });
  }
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w<float> " + family,
                          [&] { CheckGemmGradW<float>(which, gen()); });
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w<double> " + family,
                          [&] { CheckGemmGradW<double>(which, gen()); });
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w_fm<float> " + family,
                          [&] { CheckGemmGradWFm<float>(which, gen()); });
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w_fm<double> " + family,
                          [&] { CheckGemmGradWFm<double>(which, gen()); });
}

// Shapes from GenDim: every tile and vector edge (1, w − 1, w, w + 1), 100 and 112, and anything
// up to 130.
TEST_P(GemmTest, RandomShapesMatchReference) {
  CheckAllKernels(isa(), "random", [] { return Dims{*GenDim(), *GenDim(), *GenDim()}; });
}

// Batches up to 600 rows cross gemm_grad_w's cache blocks (128 or 256 rows) and gemm_grad_w_fm's
// chunks (128 samples), where dW and db switch from store to add.
TEST_P(GemmTest, GradWLongBatchesMatchReference) {
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w<float> m≤600", [&] {
    CheckGemmGradW<float>(isa(), Dims{*GenDim(600), *GenDim(), *GenDim()});
  });
  SIMD_MLP_CHECK_PROPERTY("gemm_grad_w_fm<float> m≤600", [&] {
    CheckGemmGradWFm<float>(isa(), Dims{*GenDim(600), *GenDim(), *GenDim()});
  });
}

// Named edge families (XNNPACK style). A reduction of one term: no accumulation at all.
TEST_P(GemmTest, k_eq_1) {
  CheckAllKernels(isa(), "k=1", [] { return Dims{*GenDim(), *GenDim(), 1}; });
}

// Fewer columns than one vector of any ISA: the whole row is a tail (masked, or a half register).
TEST_P(GemmTest, n_lt_lanes) {
  CheckAllKernels(isa(), "n<16", [] {
    return Dims{*GenDim(), *rc::gen::inRange<std::size_t>(1, 16), *GenDim()};
  });
}

// One row: below every row tile, and gemm_grad_x_act's dot-product path (m < 4).
TEST_P(GemmTest, m_eq_1) {
  CheckAllKernels(isa(), "m=1", [] { return Dims{1, *GenDim(), *GenDim()}; });
}

// Tails of every length after a run of whole vectors (n = 16q + r, r = 1 … 15): for r ≤ half a
// vector the tail runs in a half-width register (AVX2, AVX-512), above it in a masked one.
TEST_P(GemmTest, n_with_tail) {
  CheckAllKernels(isa(), "n=16q+r", [] {
    const std::size_t q = *rc::gen::inRange<std::size_t>(0, 8);
    return Dims{*GenDim(), 16 * q + *rc::gen::inRange<std::size_t>(1, 16), *GenDim()};
  });
}

// The MLP's hidden layers exactly as the trainer calls them: n = k = 100, every row 112 apart.
TEST_P(GemmTest, mlp_hidden_layer) {
  CheckAllKernels(isa(), "mlp", [] {
    return Dims{*rc::gen::elementOf(std::vector<std::size_t>{1, 8, 32, 33}), 100, 100, 112};
  });
}

// The feature-major kernels compute each element as the batch-major ones do (gemm.h): at the MLP's
// hidden-layer shape (n = k = 100, rows 112 apart; batch-major input gradient in one pass from
// m = 4; weight gradient in one chunk up to m = 128), their outputs are the batch-major outputs
// transposed, bit for bit.
TEST_P(GemmTest, FeatureMajorIsBatchMajorTransposed) {
  const auto& k = kernels::KernelsFor<float>(isa());
  for (Activation act : kernels::kAllActivations) {
    SIMD_MLP_CHECK_PROPERTY(
        std::string("feature-major = batch-major transposed, ") + kernels::ActivationName(act),
        [&] {
          const std::size_t m = *rc::gen::inRange<std::size_t>(4, 300), n = 100, ld = 112;
          const std::size_t ldt = m + *rc::gen::inRange<std::size_t>(0, 17);
          const auto seed = *rc::gen::arbitrary<std::uint64_t>();
          Matrix<float> a(m, n, ld), w(n, n, ld), bias(1, n, n), g(m, n, ld);
          FillRandom(a, seed);
          FillRandom(w, seed + 1);
          FillRandom(bias, seed + 2);
          FillRandom(g, seed + 3);
          Matrix<float> at(n, m, ldt), gt(n, m, ldt);
          for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
              at.at(j, i) = a.at(i, j);
              gt.at(j, i) = g.at(i, j);
            }
          }
          Matrix<float> c(m, n, ld), ct(n, m, ldt), dx(m, n, ld), dxt(n, m, ldt);
          k.gemm_bias_act(act, m, n, n, a.ptr(), ld, w.ptr(), ld, bias.ptr(), c.ptr(), ld);
          k.gemm_bias_act_fm(act, m, n, n, at.ptr(), ldt, w.ptr(), ld, bias.ptr(), ct.ptr(), ldt);
          k.gemm_grad_x_act(act, m, n, n, g.ptr(), ld, w.ptr(), ld, a.ptr(), ld, dx.ptr(), ld);
          k.gemm_grad_x_act_fm(act, m, n, n, gt.ptr(), ldt, w.ptr(), ld, at.ptr(), ldt, dxt.ptr(),
                               ldt);
          for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
              RC_ASSERT(Bits(ct.at(j, i)) == Bits(c.at(i, j)));
              RC_ASSERT(Bits(dxt.at(j, i)) == Bits(dx.at(i, j)));
            }
          }
          if (m > 128) return;
          Matrix<float> dw(n, n, ld), db(1, n, n), dw_fm(n, n, ld), db_fm(1, n, n);
          k.gemm_grad_w(m, n, n, a.ptr(), ld, g.ptr(), ld, dw.ptr(), ld, db.ptr());
          k.gemm_grad_w_fm(m, n, n, at.ptr(), ldt, gt.ptr(), ldt, dw_fm.ptr(), ld, db_fm.ptr());
          for (std::size_t p = 0; p < n; ++p) {
            RC_ASSERT(Bits(db_fm.at(0, p)) == Bits(db.at(0, p)));
            for (std::size_t j = 0; j < n; ++j)
              RC_ASSERT(Bits(dw_fm.at(p, j)) == Bits(dw.at(p, j)));
          }
        });
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
