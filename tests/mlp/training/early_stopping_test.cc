// EarlyStopping's decisions on made-up MSE sequences: the target, patience counted from the best
// epoch, strict improvement, NaN, and the copy of the best epoch's weights.
#include "mlp/training/early_stopping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace simd_mlp::mlp {
namespace {

// Feeds the sequence (epochs 1, 2, …) until a stop; returns the stopping epoch (0: none) and why.
struct Outcome {
  int epoch = 0;
  StopReason reason = StopReason::kNone;
};

Outcome Feed(EarlyStopping& stopping, const std::vector<double>& mse) {
  Arena<float> params;
  for (std::size_t i = 0; i < mse.size(); ++i) {
    const int epoch = int(i) + 1;
    params.data()[0] = float(epoch);  // marks which epoch's weights these are
    const StopReason reason = stopping.Observe(epoch, mse[i], params);
    if (reason != StopReason::kNone) return {epoch, reason};
  }
  return {};
}

TEST(EarlyStopping, TargetStopsAtTheFirstEpochAtOrBelowIt) {
  EarlyStopping stopping({/*target_mse=*/1e-3, /*patience=*/0});
  const Outcome o = Feed(stopping, {0.5, 2e-3, 1e-3, 1e-4});
  EXPECT_EQ(o.epoch, 3);  // ≤, not <
  EXPECT_EQ(o.reason, StopReason::kTarget);
  EXPECT_EQ(stopping.best_params(), nullptr) << "no copy without patience";
}

TEST(EarlyStopping, NeitherRuleNeverStops) {
  EarlyStopping stopping({0, 0});
  EXPECT_EQ(Feed(stopping, {1, 2, 3, 4, 5, 0.0}).epoch, 0);
  EXPECT_EQ(stopping.best_epoch(), 6);
}

TEST(EarlyStopping, PatienceCountsEpochsSinceTheBestAndKeepsItsWeights) {
  EarlyStopping stopping({0, /*patience=*/3});
  // Best at epoch 3; epoch 5 ties it (not an improvement); 4, 5, 6 do not improve → stop at 6.
  const Outcome o = Feed(stopping, {0.5, 0.4, 0.1, 0.2, 0.1, 0.3, 0.01});
  EXPECT_EQ(o.epoch, 6);
  EXPECT_EQ(o.reason, StopReason::kPatience);
  EXPECT_EQ(stopping.best_epoch(), 3);
  EXPECT_EQ(stopping.best_mse(), 0.1);
  ASSERT_NE(stopping.best_params(), nullptr);
  EXPECT_EQ(stopping.best_params()->data()[0], 3.0f) << "the weights kept are not epoch 3's";
}

TEST(EarlyStopping, AnImprovementResetsPatience) {
  EarlyStopping stopping({0, 2});
  EXPECT_EQ(Feed(stopping, {0.5, 0.6, 0.4, 0.45, 0.3, 0.31, 0.32}).epoch, 7);
  EXPECT_EQ(stopping.best_epoch(), 5);
}

TEST(EarlyStopping, NanIsNeverAnImprovement) {
  EarlyStopping stopping({1e-3, 2});
  const Outcome o = Feed(stopping, {NAN, NAN, 0.5});
  EXPECT_EQ(o.epoch, 2);
  EXPECT_EQ(o.reason, StopReason::kPatience);
  EXPECT_EQ(stopping.best_epoch(), 0);
}

TEST(EarlyStopping, WhicheverRuleComesFirstWins) {
  EarlyStopping target_first({0.2, 2});
  EXPECT_EQ(Feed(target_first, {0.5, 0.6, 0.1}).reason, StopReason::kTarget);
  EarlyStopping patience_first({0.2, 2});
  EXPECT_EQ(Feed(patience_first, {0.5, 0.6, 0.7, 0.1}).reason, StopReason::kPatience);
}

}  // namespace
}  // namespace simd_mlp::mlp
