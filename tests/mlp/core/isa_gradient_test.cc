// The float gradients on every ISA this CPU supports (ref included) against the double analytic
// gradient at the same point (float weights widened exactly to double), per tensor.
//
// Tolerance: max |g_float − g_double| ≤ 2e-5 · max |g_double| over each tensor. Why: every entry
// is a chain of at most three dot products of length 100 and a batch sum of 37, in float
// (u = 6e-8): the worst-case bound (3·100 + 37)·u ≈ 2e-5 relative to the sum of |terms|, which
// is of the order of the tensor's largest entry here; plus the 2-ULP float tanh. Measured worst:
// 1.4e-6 (every ISA, all four cases); the worst entry is printed per tensor, ISA and layout.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "kernels/kernels.h"
#include "mlp/core/init.h"
#include "mlp/core/model.h"
#include "mlp/training/data.h"

namespace simd_mlp::mlp {
namespace {

using kernels::Activation;
using kernels::Isa;

constexpr std::size_t kBatch = 37;
constexpr double kTolerance = 2e-5;

struct Case {
  Activation hidden, output;
  Init init;
};

void CheckIsa(Isa isa, const Case& c, Layout layout) {
  const Dataset<float> data = MakeCosDataset<float>(0);
  Model<float> f(kernels::KernelsFor<float>(isa), c.hidden, c.output, kBatch);
  f.set_layout(layout);
  const char* layout_name = layout == Layout::kFeatureMajor ? "fm" : "bm";
  Model<double> d(kernels::KernelsFor<double>(Isa::kRef), c.hidden, c.output, kBatch);
  InitParams(c.init, 7, &f.params());
  d.params().CopyFrom(f.params());
  for (std::size_t i = 0; i < kBatch; ++i) {
    f.workspace().x[i] = data.train_x[i];
    f.workspace().y[i] = data.train_y[i];
    d.workspace().x[i] = data.train_x[i];
    d.workspace().y[i] = data.train_y[i];
  }
  f.LossAndGradient(kBatch);
  d.LossAndGradient(kBatch);
  for (std::size_t t = 0; t < kNumTensors; ++t) {
    const TensorSpec& spec = kTensors[t];
    double scale = 0, worst = 0;
    std::size_t wr = 0, wc = 0;
    for (std::size_t r = 0; r < spec.rows; ++r) {
      for (std::size_t col = 0; col < spec.cols; ++col) {
        scale = std::max(scale, std::fabs(d.grads().at(Tensor(t), r, col)));
        const double err =
            std::fabs(double(f.grads().at(Tensor(t), r, col)) - d.grads().at(Tensor(t), r, col));
        if (err >= worst) {
          worst = err;
          wr = r;
          wc = col;
        }
      }
    }
    const double rel = scale > 0 ? worst / scale : worst;
    std::printf("%-6s %s %s worst %s[%zu][%zu]: float %.9g double %.12g, |diff|/max|g| %.3g\n",
                kernels::IsaName(isa), layout_name, spec.name, spec.name, wr, wc,
                double(f.grads().at(Tensor(t), wr, wc)), d.grads().at(Tensor(t), wr, wc), rel);
    EXPECT_LE(rel, kTolerance) << kernels::IsaName(isa) << " " << layout_name << " " << spec.name
                               << "[" << wr << "][" << wc << "]";
  }
}

class IsaGradient : public ::testing::TestWithParam<Case> {};

// In both layouts (the 37-sample batch runs batch-major unless forced).
TEST_P(IsaGradient, FloatMatchesDoublePerTensor) {
  for (Isa isa : kernels::SupportedIsas()) {
    for (Layout layout : {Layout::kBatchMajor, Layout::kFeatureMajor}) {
      CheckIsa(isa, GetParam(), layout);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Recipes, IsaGradient,
    ::testing::Values(Case{Activation::kRelu, Activation::kIdentity, Init::kGlorotUniform},
                      Case{Activation::kTanh, Activation::kIdentity, Init::kGlorotUniform},
                      Case{Activation::kTanh, Activation::kTanh, Init::kGlorotUniform},
                      Case{Activation::kTanh, Activation::kIdentity, Init::kNormal}),
    [](const ::testing::TestParamInfo<Case>& info) {
      return std::string(kernels::ActivationName(info.param.hidden)) + "_" +
             kernels::ActivationName(info.param.output) + "_" + InitName(info.param.init);
    });

}  // namespace
}  // namespace simd_mlp::mlp
