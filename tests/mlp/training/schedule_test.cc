// The learning-rate schedule: the warm-up's ramp, the decays' shapes and ends, and the rate held
// after them.
#include "mlp/training/schedule.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace simd_mlp::mlp {
namespace {

constexpr std::int64_t kSteps = 100;  // per epoch

TEST(Schedule, WithoutOneTheRateIsConstant) {
  TrainConfig c;
  c.lr = 0.1;
  EXPECT_EQ(LearningRate(c, 0, kSteps), 0.1);
  EXPECT_EQ(LearningRate(c, 12345, kSteps), 0.1);
}

TEST(Schedule, WarmUpRisesLinearlyToTheRate) {
  TrainConfig c;
  c.lr = 0.1;
  c.warmup_epochs = 0.25;  // 25 steps
  EXPECT_DOUBLE_EQ(LearningRate(c, 0, kSteps), 0.1 / 25);
  EXPECT_DOUBLE_EQ(LearningRate(c, 12, kSteps), 0.1 * 13 / 25);
  EXPECT_DOUBLE_EQ(LearningRate(c, 24, kSteps), 0.1);
  EXPECT_EQ(LearningRate(c, 25, kSteps), 0.1);  // no decay: lr from then on

  // Fewer than half a step's worth of warm-up rounds to none.
  c.warmup_epochs = 0.004;
  EXPECT_EQ(LearningRate(c, 0, kSteps), 0.1);
}

TEST(Schedule, CosineDecayFromTheRateToItsEndThenHeld) {
  TrainConfig c;
  c.lr = 0.1;
  c.warmup_epochs = 0.25;
  c.decay = Decay::kCosine;
  c.decay_epochs = 0.5;  // 50 steps after the warm-up
  c.lr_final = 0.01;
  EXPECT_DOUBLE_EQ(LearningRate(c, 25, kSteps), 0.1);
  EXPECT_DOUBLE_EQ(LearningRate(c, 50, kSteps), 0.1 * (0.01 + 0.99 * 0.5));  // half way
  EXPECT_LT(LearningRate(c, 60, kSteps), LearningRate(c, 40, kSteps));
  EXPECT_DOUBLE_EQ(LearningRate(c, 75, kSteps), 0.1 * 0.01);
  EXPECT_DOUBLE_EQ(LearningRate(c, 1000, kSteps), 0.1 * 0.01);
}

TEST(Schedule, ExponentialDecayFromTheRateToItsEndThenHeld) {
  TrainConfig c;
  c.lr = 0.1;
  c.warmup_epochs = 0.25;
  c.decay = Decay::kExponential;
  c.decay_epochs = 0.5;
  c.lr_final = 0.01;
  EXPECT_DOUBLE_EQ(LearningRate(c, 25, kSteps), 0.1);
  EXPECT_DOUBLE_EQ(LearningRate(c, 50, kSteps), 0.1 * 0.1);  // 0.01^(1/2)
  EXPECT_DOUBLE_EQ(LearningRate(c, 75, kSteps), 0.1 * 0.01);
  EXPECT_DOUBLE_EQ(LearningRate(c, 1000, kSteps), 0.1 * 0.01);
  c.decay_epochs = 0;  // a decay of no length: at its end at once
  EXPECT_DOUBLE_EQ(LearningRate(c, 25, kSteps), 0.1 * 0.01);
}

}  // namespace
}  // namespace simd_mlp::mlp
