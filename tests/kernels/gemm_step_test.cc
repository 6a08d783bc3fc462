// gemm_grad_w_fm_step (kernels/gemm_step.h), every optimizer: the same bits as that ISA's
// gemm_grad_w_fm followed by its flat optimizer kernel over each row of W and over b. No
// tolerance: the step's operations on each element are the same either way (the products and
// updates are each tested against the reference in gemm_fm_test.cc and optimizer_test.cc). What
// this tests is the fused epilogue for RMSprop on AVX2 and AVX-512 (float); elsewhere the kernel
// is that composition (kernels/simd/gemm_step-inl.h), and this checks its wiring. Shapes as
// gemm_test.cc draws them, batches past one chunk of samples (where the gradient is final only in
// the last), one input or one output (the dot-product paths), and the MLP's own; padded strides.
// The guard lanes past each row hold NaN in the inputs (a kernel that reads one poisons its result)
// and finite values in the parameters and state, where an update that reached past a row would
// change them (NaN would stay NaN).
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tests/kernels/step_tester.h"

namespace simd_mlp::testing {
namespace {

struct Dims {
  std::size_t m, n, k, lddw = 0;  // lddw = 0: drawn (exact or padded), as are lda and ldg
};

template <typename T>
void CheckGemmGradWFmStep(const Case& c, Dims d) {
  const kernels::KernelTable<T>& table = kernels::KernelsFor<T>(c.isa);
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = DrawStride(m), ldg = DrawStride(m);
  const std::size_t lddw = d.lddw != 0 ? d.lddw : DrawStride(n);
  const auto seed = DrawSeed();
  Matrix<T> at(k, m, lda), gt(n, m, ldg), dw(k, n, lddw), db(1, n, n);
  FillRandom(at, seed);
  FillRandom(gt, seed + 1);
  FillRandom(dw, seed + 2);
  Slots<T> w(k, n, lddw, seed + 3), b(1, n, n, seed + 6);
  const OptimizerStep<T> step = GenStep(&w, &b);
  Slots<T> w_fused = w, b_fused = b;
  Matrix<T> dw_fused = dw, db_fused = db;

  table.gemm_grad_w_fm(m, n, k, at.ptr(), lda, gt.ptr(), ldg, dw.ptr(), lddw, db.ptr());
  for (std::size_t p = 0; p < k; ++p) {
    const UpdateTarget<T> row = {w.params.ptr() + p * lddw, w.state1.ptr() + p * lddw,
                                 w.state2.ptr() + p * lddw};
    kernels::ApplyStep(table, n, step, dw.ptr() + p * lddw, row);
  }
  kernels::ApplyStep(table, n, step, db.ptr(), b.target());
  table.gemm_grad_w_fm_step(m, n, k, at.ptr(), lda, gt.ptr(), ldg, dw_fused.ptr(), lddw,
                            db_fused.ptr(), step, w_fused.target(), b_fused.target());

  const std::string what =
      Describe(c, std::string(StepName(step.index())) + " m=" + std::to_string(m) +
                      " n=" + std::to_string(n) + " k=" + std::to_string(k) +
                      " lda=" + std::to_string(lda) + " lddw=" + std::to_string(lddw));
  RcExpectSameBits(dw, dw_fused, what + " dW");
  RcExpectSameBits(db, db_fused, what + " db");
  RcExpectSameBits(w.params, w_fused.params, what + " W");
  RcExpectSameBits(w.state1, w_fused.state1, what + " W's state1");
  RcExpectSameBits(w.state2, w_fused.state2, what + " W's state2");
  RcExpectSameBits(b.params, b_fused.params, what + " b");
  RcExpectSameBits(b.state1, b_fused.state1, what + " b's state1");
  RcExpectSameBits(b.state2, b_fused.state2, what + " b's state2");
}

// The property `name`: the kernel gives the unfused kernels' bits on the dimensions draw() gives
// (drawn inside each rapidcheck case).
template <typename T>
Property MatchesTheUnfusedKernels(const char* name, Dims (*draw)()) {
  return {name, [draw](const Case& c) {
            CheckProperty(c.name, [&] { CheckGemmGradWFmStep<T>(c, draw()); });
          }};
}

}  // namespace

template <>
struct KernelTest<KernelId::kGemmGradWFmStep> {
  template <typename T>
  static std::vector<Property> Properties() {
    return {
        MatchesTheUnfusedKernels<T>("random",
                                    [] {
                                      return Dims{DrawDim(), DrawDim(), DrawDim()};
                                    }),
        // Past 128 samples the gradient is summed over several chunks; the step must see only
        // the sum.
        MatchesTheUnfusedKernels<T>("long_batches",
                                    [] {
                                      return Dims{DrawDim(600), DrawDim(), DrawDim()};
                                    }),
        // One output (W4: a column) or one input (W1: a row), the dot-product paths.
        MatchesTheUnfusedKernels<T>("n_eq_1",
                                    [] {
                                      return Dims{DrawDim(), 1, DrawDim()};
                                    }),
        MatchesTheUnfusedKernels<T>("k_eq_1",
                                    [] {
                                      return Dims{DrawDim(), DrawDim(), 1};
                                    }),
        // The MLP's hidden layers: 100 × 100, rows 112 apart, batches it runs feature-major.
        MatchesTheUnfusedKernels<T>("mlp_hidden_layer",
                                    [] {
                                      return Dims{DrawIndex(16, 128), 100, 100, 112};
                                    }),
    };
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(gemm_step);

}  // namespace simd_mlp::testing
