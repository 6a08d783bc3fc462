// The feature-major GEMMs (kernels/gemm.h) on every ISA against the reference, as gemm_test.cc
// checks the batch-major ones (At is k×m, Ct n×m: one column per sample), and against the
// batch-major kernels themselves: their outputs are those kernels' outputs transposed, bit for bit.
#include <string>

#include "tests/kernels/gemm_tester.h"

namespace simd_mlp::testing {
namespace {

template <typename T>
void CheckGemmBiasActFm(const Case& c, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(m, d.ld), ldw = StrideFor(n, d.ld), ldc = StrideFor(m, d.ld);
  const auto seed = DrawSeed();
  Matrix<T> at(k, m, lda), w(k, n, ldw), bias(1, n, n), ct(n, m, ldc);
  FillRandom(at, seed);
  FillRandom(w, seed + 1);
  FillRandom(bias, seed + 2);
  FillRandom(ct, seed + 3);  // NaN guard lanes
  Matrix<T> ct_ref = ct;
  kernels::KernelsFor<T>(Isa::kRef).gemm_bias_act_fm(act, m, n, k, at.ptr(), lda, w.ptr(), ldw,
                                                     bias.ptr(), ct_ref.ptr(), ldc);
  kernels::KernelsFor<T>(c.isa).gemm_bias_act_fm(act, m, n, k, at.ptr(), lda, w.ptr(), ldw,
                                                 bias.ptr(), ct.ptr(), ldc);
  const std::string what =
      Describe(c, std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, lda, ldw, ldc));
  RcExpectNear(
      ct_ref, ct,
      [&](std::size_t j, std::size_t i) {
        const double terms = AbsDot(
                                 k, [&](std::size_t p) { return at.at(p, i); },
                                 [&](std::size_t p) { return w.at(p, j); }) +
                             std::fabs(double(bias.at(0, j)));
        return ForwardTolerance<T>(act, k, terms, ct_ref.at(j, i));
      },
      what);
  RcExpectGuardsIntact(ct, what);
}

template <typename T>
void CheckGemmGradXActFm(const Case& c, Activation act, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t ldg = StrideFor(m, d.ld), ldw = StrideFor(n, d.ld), lda = StrideFor(m, d.ld),
                    lddx = StrideFor(m, d.ld);
  const auto seed = DrawSeed();
  Matrix<T> gt(n, m, ldg), w(k, n, ldw), at(k, m, lda), dxt(k, m, lddx);
  FillRandom(gt, seed);
  FillRandom(w, seed + 1);
  FillRandom(at, seed + 2);
  FillRandom(dxt, seed + 3);
  Matrix<T> dxt_ref = dxt;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_x_act_fm(act, m, n, k, gt.ptr(), ldg, w.ptr(), ldw,
                                                       at.ptr(), lda, dxt_ref.ptr(), lddx);
  kernels::KernelsFor<T>(c.isa).gemm_grad_x_act_fm(act, m, n, k, gt.ptr(), ldg, w.ptr(), ldw,
                                                   at.ptr(), lda, dxt.ptr(), lddx);
  const std::string what =
      Describe(c, std::string(kernels::ActivationName(act)) + " " + Shape(m, n, k, ldg, ldw, lddx));
  RcExpectNear(
      dxt_ref, dxt,
      [&](std::size_t p, std::size_t i) {
        return InputGradTolerance<T>(n, AbsDot(
                                            n, [&](std::size_t j) { return gt.at(j, i); },
                                            [&](std::size_t j) { return w.at(p, j); }));
      },
      what);
  RcExpectGuardsIntact(dxt, what);
}

template <typename T>
void CheckGemmGradWFm(const Case& c, Dims d) {
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = StrideFor(m, d.ld), ldg = StrideFor(m, d.ld), lddw = StrideFor(n, d.ld);
  const auto seed = DrawSeed();
  Matrix<T> at(k, m, lda), gt(n, m, ldg), dw(k, n, lddw), db(1, n, n);
  FillRandom(at, seed);
  FillRandom(gt, seed + 1);
  FillRandom(dw, seed + 2);
  Matrix<T> dw_ref = dw, db_ref = db;
  kernels::KernelsFor<T>(Isa::kRef).gemm_grad_w_fm(m, n, k, at.ptr(), lda, gt.ptr(), ldg,
                                                   dw_ref.ptr(), lddw, db_ref.ptr());
  kernels::KernelsFor<T>(c.isa).gemm_grad_w_fm(m, n, k, at.ptr(), lda, gt.ptr(), ldg, dw.ptr(),
                                               lddw, db.ptr());
  ExpectGradWNear<T>(
      m, dw_ref, dw, db_ref, db, [&](std::size_t i, std::size_t p) { return at.at(p, i); },
      [&](std::size_t i, std::size_t j) { return gt.at(j, i); },
      Describe(c, Shape(m, n, k, lda, ldg, lddw)));
}

// One hidden layer of the MLP (n = k = 100, rows 112 apart) in both layouts: A, W, b and G, and
// At = Aᵀ and Gt = Gᵀ with a feature-major stride of m plus 0 … 16.
struct BothLayouts {
  static constexpr std::size_t kN = 100, kLd = 112;
  std::size_t m, ldt;
  Matrix<float> a, w, bias, g, at, gt;

  explicit BothLayouts(std::size_t samples)
      : m(samples),
        ldt(m + DrawIndex(0, 17)),
        a(m, kN, kLd),
        w(kN, kN, kLd),
        bias(1, kN, kN),
        g(m, kN, kLd),
        at(kN, m, ldt),
        gt(kN, m, ldt) {
    const auto seed = DrawSeed();
    FillRandom(a, seed);
    FillRandom(w, seed + 1);
    FillRandom(bias, seed + 2);
    FillRandom(g, seed + 3);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < kN; ++j) {
        at.at(j, i) = a.at(i, j);
        gt.at(j, i) = g.at(i, j);
      }
    }
  }
};

// Each element of a feature-major output is the batch-major kernel's sum, in its order (gemm.h):
// at the MLP's hidden-layer shape (batch-major input gradient in one pass from m = 4; weight
// gradient in one chunk up to m = 128), the outputs are the batch-major outputs transposed (dW:
// the same), bit for bit. same(k, x, act) runs both kernels of one pair and asserts it, on
// batches of 4 … max_m samples, for every activation if kWithActivation.
template <bool kWithActivation, typename Same>
Property MatchesBatchMajor(const char* name, std::size_t max_m, Same same) {
  return {name, [max_m, same](const Case& c) {
            const auto& k = kernels::KernelsFor<float>(c.isa);
            for (Activation act : kernels::kAllActivations) {
              const std::string what =
                  kWithActivation ? c.name + " " + kernels::ActivationName(act) : c.name;
              CheckProperty(what, [&] {
                BothLayouts x(DrawIndex(4, max_m + 1));
                same(k, x, act);
              });
              if (!kWithActivation) break;
            }
          }};
}

// The feature-major matrix `got` is `want`, transposed if kTransposed, bit for bit.
template <bool kTransposed>
void ExpectSameBits(const Matrix<float>& want, const Matrix<float>& got) {
  for (std::size_t i = 0; i < want.rows; ++i) {
    for (std::size_t j = 0; j < want.cols; ++j) {
      const float x = kTransposed ? got.at(j, i) : got.at(i, j);
      if (Bits(x) != Bits(want.at(i, j))) {
        std::ostringstream out;
        out.precision(9);
        out << "differs from the batch-major kernel at (" << i << ", " << j
            << "): " << want.at(i, j) << " there, " << x << " here (m = " << want.rows << ")";
        FailProperty(out.str());
      }
    }
  }
}

}  // namespace

template <>
struct KernelTest<KernelId::kGemmBiasActFm> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties = ShapeFamilyProperties<true>(
        [](const Case& c, Activation act, Dims d) { CheckGemmBiasActFm<T>(c, act, d); });
    if constexpr (std::is_same_v<T, float>) {
      properties.push_back(MatchesBatchMajor<true>(
          "is_batch_major_transposed", 299,
          [](const kernels::KernelTable<float>& k, BothLayouts& x, Activation act) {
            const std::size_t n = BothLayouts::kN, ld = BothLayouts::kLd;
            Matrix<float> c(x.m, n, ld), ct(n, x.m, x.ldt);
            k.gemm_bias_act(act, x.m, n, n, x.a.ptr(), ld, x.w.ptr(), ld, x.bias.ptr(), c.ptr(),
                            ld);
            k.gemm_bias_act_fm(act, x.m, n, n, x.at.ptr(), x.ldt, x.w.ptr(), ld, x.bias.ptr(),
                               ct.ptr(), x.ldt);
            ExpectSameBits<true>(c, ct);
          }));
    }
    return properties;
  }
};

template <>
struct KernelTest<KernelId::kGemmGradXActFm> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties = ShapeFamilyProperties<true>(
        [](const Case& c, Activation act, Dims d) { CheckGemmGradXActFm<T>(c, act, d); });
    if constexpr (std::is_same_v<T, float>) {
      properties.push_back(MatchesBatchMajor<true>(
          "is_batch_major_transposed", 299,
          [](const kernels::KernelTable<float>& k, BothLayouts& x, Activation act) {
            const std::size_t n = BothLayouts::kN, ld = BothLayouts::kLd;
            Matrix<float> dx(x.m, n, ld), dxt(n, x.m, x.ldt);
            k.gemm_grad_x_act(act, x.m, n, n, x.g.ptr(), ld, x.w.ptr(), ld, x.a.ptr(), ld, dx.ptr(),
                              ld);
            k.gemm_grad_x_act_fm(act, x.m, n, n, x.gt.ptr(), x.ldt, x.w.ptr(), ld, x.at.ptr(),
                                 x.ldt, dxt.ptr(), x.ldt);
            ExpectSameBits<true>(dx, dxt);
          }));
    }
    return properties;
  }
};

template <>
struct KernelTest<KernelId::kGemmGradWFm> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties =
        ShapeFamilyProperties<false>([](const Case& c, Dims d) { CheckGemmGradWFm<T>(c, d); });
    if constexpr (std::is_same_v<T, float>) {
      // Batches up to 600 samples cross the chunks of 128, where dW and db switch from store to
      // add.
      properties.push_back({"long_batches", [](const Case& c) {
                              CheckProperty(c.name, [&] {
                                CheckGemmGradWFm<T>(c, Dims{DrawDim(600), DrawDim(), DrawDim()});
                              });
                            }});
      // dW is k×n in both layouts.
      properties.push_back(MatchesBatchMajor<false>(
          "is_batch_major", 128,
          [](const kernels::KernelTable<float>& k, BothLayouts& x, Activation) {
            const std::size_t n = BothLayouts::kN, ld = BothLayouts::kLd;
            Matrix<float> dw(n, n, ld), db(1, n, n), dw_fm(n, n, ld), db_fm(1, n, n);
            k.gemm_grad_w(x.m, n, n, x.a.ptr(), ld, x.g.ptr(), ld, dw.ptr(), ld, db.ptr());
            k.gemm_grad_w_fm(x.m, n, n, x.at.ptr(), x.ldt, x.gt.ptr(), x.ldt, dw_fm.ptr(), ld,
                             db_fm.ptr());
            ExpectSameBits<false>(dw, dw_fm);
            ExpectSameBits<false>(db, db_fm);
          }));
    }
    return properties;
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(gemm_fm);

}  // namespace simd_mlp::testing
