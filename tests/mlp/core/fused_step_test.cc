// Model::LossGradientAndStep, the training step, which fuses the optimizer into the weight
// gradients where it can (kernels/gemm_step.h): on every ISA and for every optimizer, two steps in
// a row give the same bits (parameters, optimizer state, gradients, loss) as LossAndGradient
// followed by the flat optimizer kernel over the whole arena, fused or not; a non-finite loss
// updates nothing; and the model fuses only the batches it can (feature-major, one thread). The
// one-sample batches' one-pass step (Model::OnePassStep, kernels/dense_step.h) sums in another
// order: it matches to rounding, on every ISA and for every optimizer, and leaves grads() alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "kernels/kernels.h"
#include "mlp/core/init.h"
#include "mlp/core/model.h"
#include "tests/mlp/testing/helpers.h"

namespace simd_mlp::mlp {
namespace {

using kernels::Isa;
using kernels::OptimizerStep;
using testing::CosData;
using testing::SameBits;

// A model and its optimizer state, from the same weights and batch every time.
struct StepFixture {
  StepFixture(Isa isa, std::size_t m)
      : model(kernels::KernelsFor<float>(isa), Activation::kTanh, Activation::kIdentity, m) {
    InitParams(Init::kGlorotUniform, 3, &model.params());
    state1.Zero();
    state2.Zero();
    std::memcpy(model.workspace().x, CosData().train_x.data(), m * sizeof(float));
    std::memcpy(model.workspace().y, CosData().train_y.data(), m * sizeof(float));
  }
  Model<float> model;
  Arena<float> state1, state2;
};

// The steps of each optimizer, t = 1 and 2 for Adam.
OptimizerStep<float> StepOf(int optimizer, std::int64_t t) {
  switch (optimizer) {
    case 0:
      return kernels::SgdParams<float>{0.01f};
    case 1:
      return kernels::MomentumParams<float>{0.01f, 0.9f, false};
    case 2:
      return kernels::MomentumParams<float>{0.01f, 0.9f, true};
    case 3:
      return kernels::RmspropParams<float>{1e-3f, 0.9f, 1e-7f};
    default:
      return kernels::AdamStepParams<float>{{1e-3f, 0.9f, 0.999f, 1e-7f}, t};
  }
}

// Two steps (t = 1, 2) of LossGradientAndStep against LossAndGradient followed by the flat
// optimizer kernel over the whole arena, from the same weights and batch, on every ISA the CPU
// supports and every optimizer; check(fused, unfused, fused loss, loss, t, where) after each.
template <typename Check>
void ForStepsAgainstUnfused(std::initializer_list<std::size_t> batches, Check check) {
  for (Isa isa : kernels::kAllIsas) {
    if (!kernels::CpuSupports(isa)) continue;
    for (std::size_t m : batches) {
      for (int optimizer = 0; optimizer < 5; ++optimizer) {
        StepFixture fused(isa, m), unfused(isa, m);
        for (std::int64_t t = 1; t <= 2; ++t) {
          const OptimizerStep<float> step = StepOf(optimizer, t);
          const float fused_loss =
              fused.model.LossGradientAndStep(m, step, &fused.state1, &fused.state2);
          const float loss = unfused.model.LossAndGradient(m);
          Model<float>& u = unfused.model;
          kernels::ApplyStep(u.kernels(), kArenaSize, step, u.grads().data(),
                             {u.params().data(), unfused.state1.data(), unfused.state2.data()});
          const std::string where = std::string(kernels::IsaName(isa)) + " m=" + std::to_string(m) +
                                    " optimizer " + std::to_string(optimizer) + " step " +
                                    std::to_string(t);
          check(fused, unfused, fused_loss, loss, t, where);
        }
      }
    }
  }
}

TEST(FusedStep, TwoStepsMatchGradientThenUpdateOnEveryIsaAndOptimizer) {
  // fused: 16 … 127 but 100
  ForStepsAgainstUnfused(
      {2, 8, 16, 31, 32, 64, 100, 127, 200},
      [](StepFixture& fused, StepFixture& unfused, float fused_loss, float loss, std::int64_t,
         const std::string& where) {
        EXPECT_EQ(std::memcmp(&fused_loss, &loss, sizeof loss), 0) << where;
        EXPECT_TRUE(SameBits(fused.model.params(), unfused.model.params())) << where;
        EXPECT_TRUE(SameBits(fused.model.grads(), unfused.model.grads())) << where;
        EXPECT_TRUE(SameBits(fused.state1, unfused.state1)) << where;
        EXPECT_TRUE(SameBits(fused.state2, unfused.state2)) << where;
      });
}

// The largest difference between two arenas, relative to the larger of their largest magnitudes.
double RelativeDifference(const Arena<float>& a, const Arena<float>& b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < kArenaSize; ++i) {
    diff = std::max(diff, std::fabs(double(a.data()[i]) - double(b.data()[i])));
    scale = std::max({scale, std::fabs(double(a.data()[i])), std::fabs(double(b.data()[i]))});
  }
  return scale == 0 ? diff : diff / scale;
}

// Two one-pass steps against LossAndGradient and the flat kernel: the same loss on the first step
// (the forward pass is the same), and parameters and state within 1e-5 of their largest magnitude
// (the products' sums differ in order; measured differences are at float's rounding, ~1e-7).
// grads() is not written.
TEST(FusedStep, OnePassStepMatchesGradientThenUpdateToRounding) {
  const Arena<float> zero;  // a fixture's grads() before any step
  ForStepsAgainstUnfused({1}, [&zero](StepFixture& fused, StepFixture& unfused, float fused_loss,
                                      float loss, std::int64_t t, const std::string& where) {
    if (t == 1) {
      EXPECT_EQ(std::memcmp(&fused_loss, &loss, sizeof loss), 0) << where;
    }
    EXPECT_NEAR(fused_loss, loss, 1e-5 * std::fabs(loss) + 1e-9) << where;  // loss may be ~0
    EXPECT_LE(RelativeDifference(fused.model.params(), unfused.model.params()), 1e-5) << where;
    EXPECT_LE(RelativeDifference(fused.state1, unfused.state1), 1e-5) << where;
    EXPECT_LE(RelativeDifference(fused.state2, unfused.state2), 1e-5) << where;
    EXPECT_TRUE(SameBits(fused.model.grads(), zero)) << where;
  });
}

// The trainer stops on a non-finite loss with the weights of the last good step (the checkpoint
// a user saves then): the fused step must not have moved them, nor the state.
TEST(FusedStep, NonFiniteLossUpdatesNothing) {
  for (std::size_t m : {1, 32, 100}) {  // one pass, fused, and neither
    StepFixture s(kernels::ActiveIsa(), m);
    s.state1.data()[5] = 0.25f;  // any state: it must come back unchanged
    s.state2.data()[6] = 0.5f;
    s.model.workspace().y[0] = std::numeric_limits<float>::quiet_NaN();  // in every batch
    Arena<float> params, state1, state2;
    params.CopyFrom(s.model.params());
    state1.CopyFrom(s.state1);
    state2.CopyFrom(s.state2);
    const float loss = s.model.LossGradientAndStep(m, StepOf(4, 1), &s.state1, &s.state2);
    EXPECT_TRUE(std::isnan(loss)) << "m=" << m;
    EXPECT_TRUE(SameBits(s.model.params(), params)) << "m=" << m;
    EXPECT_TRUE(SameBits(s.state1, state1)) << "m=" << m;
    EXPECT_TRUE(SameBits(s.state2, state2)) << "m=" << m;
  }
}

// Fused: feature-major batches (16 to 127 samples that fill their vectors) on one thread. Not:
// batch-major ones, and any batch on a pool of two (the update is then split among the ranks).
TEST(FusedStep, FusesFeatureMajorBatchesOnOneThreadOnly) {
  StepFixture s(kernels::ActiveIsa(), 200);
  EXPECT_TRUE(s.model.FusesStep(32));
  EXPECT_FALSE(s.model.FusesStep(8));
  EXPECT_FALSE(s.model.FusesStep(100));
  EXPECT_FALSE(s.model.FusesStep(200));
  EXPECT_TRUE(s.model.OnePassStep(1));
  for (std::size_t m : {2, 8, 16, 100}) EXPECT_FALSE(s.model.OnePassStep(m)) << m;
  ThreadPool pool(2);
  Model<float> two(kernels::Kernels<float>(), Activation::kTanh, Activation::kIdentity, 32, &pool);
  EXPECT_FALSE(two.FusesStep(32));
  EXPECT_TRUE(two.OnePassStep(1));  // on any pool: the bits must not depend on it
}

}  // namespace
}  // namespace simd_mlp::mlp
