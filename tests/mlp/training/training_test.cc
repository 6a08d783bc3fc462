// Training on the active ISA: convergence of the keras and fast recipes, the seed recipe's loss,
// pad lanes, determinism, the last partial batch, the error on a non-finite loss, the validation
// split, predictions, and restoring weights.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <set>
#include <string>

#include "kernels/kernels.h"
#include "mlp/core/init.h"
#include "mlp/training/data.h"
#include "mlp/training/trainer.h"
#include "tests/mlp/testing/helpers.h"

namespace simd_mlp::mlp {
namespace {

using testing::CosData;
using testing::SameBits;

TrainConfig Recipe(const char* name) {
  TrainConfig c;
  EXPECT_TRUE(RecipeConfig(name, &c));
  return c;
}

void ExpectPadLanesZero(const Arena<float>& arena, const char* what) {
  for (std::size_t t = 0; t < kNumTensors; ++t) {
    for (std::size_t i = 0; i < PaddedSize(kTensors[t]); ++i) {
      if (IsPadLane(kTensors[t], i)) {
        ASSERT_EQ(arena[Tensor(t)][i], 0.0f) << what << " " << kTensors[t].name << " lane " << i;
      }
    }
  }
}

// Budget: with seeds 1–5 the keras recipe first reached test MSE ≤ 1e-3 at epochs 24, 19, 17, 19,
// 22 (avx512; RMSprop's test MSE is noisy from epoch to epoch). 30 epochs = the slowest seed plus
// 25 %, ≈ 1.5–3 s here. Another ISA rounds differently, hence the margin.
TEST(Training, KerasRecipeReachesTestMseBelow1e3) {
  TrainConfig c = Recipe("keras");
  c.seed = 1;
  constexpr int kBudget = 30;
  Trainer trainer(c, kernels::Kernels<float>(), CosData());
  EpochStats s;
  std::string error;
  double best = 1e300;
  int first = 0;
  for (int e = 1; e <= kBudget && first == 0; ++e) {
    ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;
    best = std::min(best, s.test_mse);
    if (s.test_mse < 1e-3) first = e;
  }
  std::printf("keras seed 1 on %s: first test MSE < 1e-3 at epoch %d (best %.3g)\n",
              kernels::IsaName(kernels::ActiveIsa()), first, best);
  EXPECT_GT(first, 0) << "best test MSE in " << kBudget << " epochs: " << best;
  ExpectPadLanesZero(trainer.model().params(), "params");
  ExpectPadLanesZero(trainer.model().grads(), "grads");
}

// The fast recipe's promise (docs/fast_recipe.md): every seed of 1-10 reaches test MSE ≤ 1e-3.
// Measured: after the first epoch for each of seeds 1-100, on avx512, avx2 and sse2 alike (the
// largest first-epoch test MSE of those 100 was 8.5e-4). Budget: 2 epochs, so that a kernel
// change that rounds differently does not fail this test by itself.
TEST(Training, FastRecipeReachesTestMseBelow1e3OnEverySeed) {
  constexpr int kBudget = 2;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    TrainConfig c = Recipe("fast");
    c.seed = seed;
    Trainer trainer(c, kernels::Kernels<float>(), CosData());
    EpochStats s;
    std::string error;
    int first = 0;
    for (int e = 1; e <= kBudget && first == 0; ++e) {
      ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;
      if (s.test_mse <= 1e-3) first = e;
    }
    std::printf("fast seed %d on %s: test MSE %.3g at epoch %d\n", int(seed),
                kernels::IsaName(kernels::ActiveIsa()), s.test_mse, s.epoch);
    EXPECT_GT(first, 0) << "seed " << seed << ": test MSE " << s.test_mse << " after " << kBudget
                        << " epochs";
    ExpectPadLanesZero(trainer.model().params(), "params");
  }
}

// The question's recipe (gradient fixed) learns, slowly: finite, and the training loss falls.
TEST(Training, SeedRecipeLossIsFiniteAndDecreasing) {
  Trainer trainer(Recipe("seed"), kernels::Kernels<float>(), CosData());
  EpochStats s;
  std::string error;
  double first = 0;
  for (int e = 1; e <= 10; ++e) {
    ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;
    ASSERT_TRUE(std::isfinite(s.train_mse) && std::isfinite(s.test_mse)) << "epoch " << e;
    if (e == 1) first = s.train_mse;
  }
  EXPECT_LT(s.train_mse, first) << "train MSE did not fall in 10 epochs";
}

// Same seed and flags → bit-identical weights; another seed → different ones (so this can fail).
TEST(Training, SameSeedGivesBitIdenticalWeights) {
  TrainConfig c = Recipe("keras");
  c.optimizer = Optimizer::kAdam;  // also exercises Adam's state and step count
  auto train = [&](std::uint64_t seed) {
    c.seed = seed;
    auto t = std::make_unique<Trainer>(c, kernels::Kernels<float>(), CosData());
    EpochStats s;
    std::string error;
    for (int e = 0; e < 2; ++e) EXPECT_TRUE(t->RunEpoch(&s, &error)) << error;
    return t;
  };
  const auto a = train(5), b = train(5), other = train(6);
  EXPECT_TRUE(SameBits(a->model().params(), b->model().params()));
  EXPECT_FALSE(SameBits(a->model().params(), other->model().params()));
  ExpectPadLanesZero(a->model().params(), "params after adam");
}

// B = 7999: an epoch is one batch of 7,999 and one of a single sample (kept, not dropped). The
// trainer must match the same two SGD steps done by hand, bit for bit.
TEST(Training, LastPartialBatchIsTrained) {
  TrainConfig c = Recipe("seed");
  c.batch = 7999;
  const auto& k = kernels::Kernels<float>();
  Trainer trainer(c, k, CosData());
  EpochStats s;
  std::string error;
  ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;

  Model<float> manual(k, c.hidden, c.output, 7999);
  InitParams(c.init, c.seed, &manual.params());
  for (std::size_t begin : {std::size_t{0}, std::size_t{7999}}) {
    const std::size_t m = begin == 0 ? 7999 : 1;
    std::memcpy(manual.workspace().x, CosData().train_x.data() + begin, m * sizeof(float));
    std::memcpy(manual.workspace().y, CosData().train_y.data() + begin, m * sizeof(float));
    manual.LossAndGradient(m);
    k.sgd(kArenaSize, float(c.lr), manual.grads().data(), manual.params().data());
  }
  EXPECT_TRUE(SameBits(trainer.model().params(), manual.params()));
}

// A diverging run stops with an error naming the epoch and the step, not a stream of NaN.
TEST(Training, NonFiniteLossStopsWithEpochAndStep) {
  TrainConfig c = Recipe("keras");
  c.optimizer = Optimizer::kSgd;
  c.output = Activation::kIdentity;
  c.init = Init::kNormal;
  c.lr = 1e6;
  Trainer trainer(c, kernels::Kernels<float>(), CosData());
  EpochStats s;
  std::string error;
  bool ok = true;
  for (int e = 0; e < 3 && ok; ++e) ok = trainer.RunEpoch(&s, &error);
  ASSERT_FALSE(ok) << "lr 1e6 did not diverge";
  std::printf("%s\n", error.c_str());
  EXPECT_NE(error.find("epoch 1, step "), std::string::npos) << error;
}

// The last step of an epoch has no loss after it: an update that makes the weights overflow there
// (one step per epoch, lr 1e30) is caught when the epoch ends, not saved or reported as a result.
TEST(Training, DivergenceInTheLastStepIsCaught) {
  TrainConfig c = Recipe("keras");
  c.optimizer = Optimizer::kSgd;
  c.batch = kCosTrainPoints;
  c.lr = 1e30;
  Trainer trainer(c, kernels::Kernels<float>(), CosData());
  EpochStats s;
  std::string error;
  ASSERT_FALSE(trainer.RunEpoch(&s, &error));
  EXPECT_NE(error.find("training diverged"), std::string::npos) << error;
  EXPECT_NE(error.find("after epoch 1, step 1 (its last)"), std::string::npos) << error;
  EXPECT_FALSE(trainer.interrupted());
}

// A stop request is seen before the next step; the trainer says it was interrupted.
TEST(Training, StopRequestEndsTheEpochAtAStepBoundary) {
  TrainConfig c = Recipe("keras");
  Trainer trainer(c, kernels::Kernels<float>(), CosData());
  std::atomic<int> stop{0};
  trainer.set_stop_request(&stop);
  EpochStats s;
  std::string error;
  ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;
  stop = 2;
  EXPECT_FALSE(trainer.RunEpoch(&s, &error));
  EXPECT_TRUE(trainer.interrupted());
  EXPECT_EQ(error, "interrupted in epoch 2 before step 1");
}

// The validation set comes out of the training points alone: the sizes add up, no validation
// point is a test point or still a training point, and the split depends on the data seed only.
TEST(Training, ValidationSplitHoldsOutTrainingPointsOnly) {
  Dataset<float> data = MakeCosDataset<float>(0);
  const Dataset<float> full = data;
  const Samples<float> validation =
      SplitOffValidation(&data, ValidationPoints(0.2, data.train_x.size()));
  ASSERT_EQ(validation.x.size(), 1600u);
  ASSERT_EQ(validation.y.size(), 1600u);
  EXPECT_EQ(data.train_x.size(), 6400u);
  EXPECT_EQ(data.test_x, full.test_x);
  // linspace gives distinct x, so x identifies a point.
  const std::set<float> test(full.test_x.begin(), full.test_x.end());
  const std::set<float> train(data.train_x.begin(), data.train_x.end());
  const std::set<float> all_train(full.train_x.begin(), full.train_x.end());
  for (float x : validation.x) {
    ASSERT_EQ(test.count(x), 0u) << x;
    ASSERT_EQ(train.count(x), 0u) << x;
    ASSERT_EQ(all_train.count(x), 1u) << x;
  }
  Dataset<float> again = MakeCosDataset<float>(0);
  EXPECT_EQ(SplitOffValidation(&again, 1600).x, validation.x);
}

// Predict (the plot's fit) computes what Evaluate scores.
TEST(Training, PredictAgreesWithEvaluate) {
  Trainer trainer(Recipe("keras"), kernels::Kernels<float>(), CosData());
  EpochStats s;
  std::string error;
  ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;
  const std::size_t n = CosData().test_x.size();
  std::vector<float> yhat(n);
  trainer.Predict(CosData().test_x.data(), n, yhat.data());
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::pow(double(yhat[i]) - CosData().test_y[i], 2);
  // Evaluate sums in float inside the loss kernel: agreement to float accuracy, not bits.
  EXPECT_NEAR(sum / double(n), s.test_mse, 1e-4 * s.test_mse);
}

// SetParams brings back exactly the weights given (how --patience ends a run with its best
// epoch's), and with them the same test MSE.
TEST(Training, SetParamsBringsBackEarlierWeights) {
  Trainer trainer(Recipe("keras"), kernels::Kernels<float>(), CosData());
  EpochStats s;
  std::string error;
  ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;
  Arena<float> snapshot;
  snapshot.CopyFrom(trainer.model().params());
  const double mse = s.test_mse;
  for (int e = 0; e < 2; ++e) ASSERT_TRUE(trainer.RunEpoch(&s, &error)) << error;
  ASSERT_NE(s.test_mse, mse);
  trainer.SetParams(snapshot);
  EXPECT_TRUE(SameBits(trainer.model().params(), snapshot));
  EXPECT_EQ(
      trainer.Evaluate(CosData().test_x.data(), CosData().test_y.data(), CosData().test_x.size()),
      mse);
}

}  // namespace
}  // namespace simd_mlp::mlp
