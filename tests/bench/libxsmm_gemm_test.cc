// The libxsmm baseline of the GEMM benchmarks (bench/libxsmm_gemm.h) computes the products of
// kernels/gemm.h: each output within the bounds the kernels are held to (tests/kernels/
// gemm_tester.h) of the scalar reference, on the MLP's hidden-layer shape at several batches and on
// odd shapes, with NaN in every lane between a row's end and its stride (a read of one poisons its
// result) and those lanes of the outputs left as they were.
#include "bench/libxsmm_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/kernels/gemm_tester.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;
using simd_mlp::testing::AbsDot;
using simd_mlp::testing::FillRandom;
using simd_mlp::testing::ForwardTolerance;
using simd_mlp::testing::InputGradTolerance;
using simd_mlp::testing::kUnitRoundoff;
using simd_mlp::testing::Matrix;

struct Shape {
  std::size_t m, n, k, ld;
};

std::string Describe(const Shape& s) {
  return "m=" + std::to_string(s.m) + " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k) +
         " ld=" + std::to_string(s.ld);
}

class LibxsmmGemmTest : public ::testing::TestWithParam<Shape> {
 protected:
  // The elementwise passes on the active ISA, as in the benchmarks.
  LibxsmmGemm libxsmm_{kernels::Kernels<float>()};
  const kernels::KernelTable<float>& ref_ = kernels::KernelsFor<float>(kernels::Isa::kRef);
};

// Every used element within tolerance(i, j) of the reference; every guard lane still NaN.
template <typename Tolerance>
void ExpectNear(const Matrix<float>& want, const Matrix<float>& got, Tolerance tolerance,
                const std::string& what) {
  int failures = 0;
  for (std::size_t i = 0; i < got.rows; ++i) {
    for (std::size_t j = 0; j < got.ld; ++j) {
      if (j >= got.cols) {
        if (!std::isnan(got.at(i, j)) && failures++ < 5) {
          ADD_FAILURE() << what << ": guard lane (" << i << ", " << j << ") written";
        }
        continue;
      }
      const double err = std::fabs(double(got.at(i, j)) - double(want.at(i, j)));
      if (!(err <= tolerance(i, j)) && failures++ < 5) {
        ADD_FAILURE() << what << " at (" << i << ", " << j << "): libxsmm " << got.at(i, j)
                      << ", reference " << want.at(i, j) << ", allowed " << tolerance(i, j);
      }
    }
  }
}

TEST_P(LibxsmmGemmTest, ForwardMatchesReference) {
  const Shape s = GetParam();
  Matrix<float> a(s.m, s.k, s.ld), w(s.k, s.n, s.ld), bias(1, s.n, s.ld);
  FillRandom(a, 1);
  FillRandom(w, 2);
  FillRandom(bias, 3);
  for (Activation act : {Activation::kIdentity, Activation::kTanh}) {
    Matrix<float> c(s.m, s.n, s.ld), c_ref(s.m, s.n, s.ld);
    FillRandom(c, 4);
    FillRandom(c_ref, 4);
    ref_.gemm_bias_act(act, s.m, s.n, s.k, a.ptr(), s.ld, w.ptr(), s.ld, bias.ptr(), c_ref.ptr(),
                       s.ld);
    libxsmm_.GemmBiasAct(act, s.m, s.n, s.k, a.ptr(), s.ld, w.ptr(), s.ld, bias.ptr(), c.ptr(),
                         s.ld);
    ExpectNear(
        c_ref, c,
        [&](std::size_t i, std::size_t j) {
          const double terms = AbsDot(
                                   s.k, [&](std::size_t p) { return a.at(i, p); },
                                   [&](std::size_t p) { return w.at(p, j); }) +
                               std::fabs(bias.at(0, j));
          return ForwardTolerance<float>(act, s.k, terms, c_ref.at(i, j));
        },
        Describe(s) + " " + kernels::ActivationName(act) + " C");
  }
}

TEST_P(LibxsmmGemmTest, WeightGradientMatchesReference) {
  const Shape s = GetParam();
  Matrix<float> a(s.m, s.k, s.ld), g(s.m, s.n, s.ld);
  FillRandom(a, 5);
  FillRandom(g, 6);
  Matrix<float> dw(s.k, s.n, s.ld), dw_ref(s.k, s.n, s.ld), db(1, s.n, s.ld), db_ref(1, s.n, s.ld);
  for (Matrix<float>* out : {&dw, &dw_ref, &db, &db_ref}) FillRandom(*out, 7);
  ref_.gemm_grad_w(s.m, s.n, s.k, a.ptr(), s.ld, g.ptr(), s.ld, dw_ref.ptr(), s.ld, db_ref.ptr());
  libxsmm_.GemmGradW(s.m, s.n, s.k, a.ptr(), s.ld, g.ptr(), s.ld, dw.ptr(), s.ld, db.ptr());
  const double u2m = 2.0 * double(s.m) * kUnitRoundoff<float>;
  ExpectNear(
      dw_ref, dw,
      [&](std::size_t p, std::size_t j) {
        return u2m * AbsDot(
                         s.m, [&](std::size_t i) { return a.at(i, p); },
                         [&](std::size_t i) { return g.at(i, j); });
      },
      Describe(s) + " dW");
  ExpectNear(
      db_ref, db,
      [&](std::size_t, std::size_t j) {
        return u2m * AbsDot(
                         s.m, [](std::size_t) { return 1.0f; },
                         [&](std::size_t i) { return g.at(i, j); });
      },
      Describe(s) + " db");
  // The product alone writes the same dW.
  Matrix<float> dw_only(s.k, s.n, s.ld);
  FillRandom(dw_only, 8);
  libxsmm_.GemmGradWProduct(s.m, s.n, s.k, a.ptr(), s.ld, g.ptr(), s.ld, dw_only.ptr(), s.ld);
  ExpectNear(
      dw, dw_only, [](std::size_t, std::size_t) { return 0.0; }, Describe(s) + " dW alone");
}

TEST_P(LibxsmmGemmTest, InputGradientMatchesReference) {
  const Shape s = GetParam();
  Matrix<float> g(s.m, s.n, s.ld), w(s.k, s.n, s.ld), a(s.m, s.k, s.ld);
  FillRandom(g, 9);
  FillRandom(w, 10);
  FillRandom(a, 11);
  for (Activation act : {Activation::kIdentity, Activation::kTanh}) {
    Matrix<float> dx(s.m, s.k, s.ld), dx_ref(s.m, s.k, s.ld);
    FillRandom(dx, 12);
    FillRandom(dx_ref, 12);
    ref_.gemm_grad_x_act(act, s.m, s.n, s.k, g.ptr(), s.ld, w.ptr(), s.ld, a.ptr(), s.ld,
                         dx_ref.ptr(), s.ld);
    libxsmm_.GemmGradXAct(act, s.m, s.n, s.k, g.ptr(), s.ld, w.ptr(), s.ld, a.ptr(), s.ld, dx.ptr(),
                          s.ld);
    ExpectNear(
        dx_ref, dx,
        [&](std::size_t i, std::size_t p) {
          return InputGradTolerance<float>(s.n, AbsDot(
                                                    s.n, [&](std::size_t j) { return g.at(i, j); },
                                                    [&](std::size_t j) { return w.at(p, j); }));
        },
        Describe(s) + " " + kernels::ActivationName(act) + " dX");
  }
}

// The MLP's hidden layer (rows of 112 floats) at the benchmarks' batches, one more than a block
// of rows, and shapes whose edges are not whole vectors, strides past the rows.
INSTANTIATE_TEST_SUITE_P(Shapes, LibxsmmGemmTest,
                         ::testing::Values(Shape{1, 100, 100, 112}, Shape{8, 100, 100, 112},
                                           Shape{32, 100, 100, 112}, Shape{33, 100, 100, 112},
                                           Shape{512, 100, 100, 112}, Shape{7, 37, 19, 40},
                                           Shape{19, 1, 5, 8}, Shape{3, 17, 1, 24}),
                         [](const ::testing::TestParamInfo<Shape>& info) {
                           const Shape& s = info.param;
                           return "m" + std::to_string(s.m) + "_n" + std::to_string(s.n) + "_k" +
                                  std::to_string(s.k) + "_ld" + std::to_string(s.ld);
                         });

}  // namespace
}  // namespace simd_mlp::bench
