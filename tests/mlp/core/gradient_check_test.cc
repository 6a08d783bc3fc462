// The model's analytic gradient, in double, against central differences of its loss, for every
// hidden activation × output activation and both initializations; a batch's gradient summed over
// several blocks against its rows' gradients; and the two wrong gradients of the original
// question, which the same checker must reject.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/core/init.h"
#include "mlp/core/partition.h"
#include "mlp/training/data.h"
#include "tests/mlp/core/grad_check.h"

namespace simd_mlp::mlp::testing {
namespace {

using kernels::Activation;
using kernels::Isa;

// An odd batch (not a multiple of any vector width), of real training points.
constexpr std::size_t kBatch = 5;

// A double model on the reference kernels (the specification) at a seeded random point: weights
// from `init`, biases small and random so that their gradients and the ReLU kinks are not at a
// special point, and a batch of training samples.
void Prepare(Model<double>& model, Init init, std::uint64_t seed) {
  InitParams(init, seed, &model.params());
  Rng rng(seed, RngStream::kTest);
  for (Tensor b : {kB1, kB2, kB3, kB4}) {
    for (std::size_t c = 0; c < kTensors[b].cols; ++c)
      model.params().at(b, 0, c) = rng.Uniform(-0.1, 0.1);
  }
  model.params().at(kB4, 0, 0) =
      0.5;  // keeps a ReLU output alive at the Glorot start (y ∈ [−1, 1])
  const Dataset<double> data = MakeCosDataset<double>(0);
  for (std::size_t i = 0; i < kBatch; ++i) {
    model.workspace().x[i] = data.train_x[i];
    model.workspace().y[i] = data.train_y[i];
  }
}

std::vector<Entry> Entries() {
  // All of W1, b1, W4, b4; 60 random entries of each of W2, b2, W3, b3.
  return EntriesToCheck({kW1, kB1, kW4, kB4}, {kW2, kB2, kW3, kB3}, 60, 17);
}

struct Case {
  Activation hidden, output;
  Init init;
  Layout layout;  // forced: the 5-sample batch would run batch-major
};

class GradientCheck : public ::testing::TestWithParam<Case> {};

TEST_P(GradientCheck, AnalyticMatchesCentralDifferences) {
  const Case c = GetParam();
  Model<double> model(kernels::KernelsFor<double>(Isa::kRef), c.hidden, c.output, kBatch);
  model.set_layout(c.layout);
  Prepare(model, c.init, 42);
  model.LossAndGradient(kBatch);
  const std::vector<Entry> entries = Entries();
  const GradCheckResult r = CheckGradients(model, kBatch, entries);
  std::cout << "worst: " << r.worst_entry << " (" << r.checked << " checked, " << r.skipped_at_kink
            << " skipped at a ReLU kink)\n";
  EXPECT_LE(r.worst, kGradCheckTolerance) << r.worst_entry;
  // From Glorot weights no unit is saturated: the check must not be vacuous. (From N(0, 1) an
  // identity-hidden, tanh-output network is saturated: its gradient is 0 to double precision.)
  if (c.init == Init::kGlorotUniform) {
    EXPECT_GT(r.max_abs_gradient, 1e-3);
  }
  // A kink within ±2h of a pre-activation is rare; most entries must really be checked.
  EXPECT_GE(r.checked, entries.size() * 9 / 10);

  // Pad lanes of every gradient tensor are exactly zero.
  for (std::size_t t = 0; t < kNumTensors; ++t) {
    for (std::size_t i = 0; i < PaddedSize(kTensors[t]); ++i) {
      if (IsPadLane(kTensors[t], i)) {
        ASSERT_EQ(model.grads()[Tensor(t)][i], 0.0) << kTensors[t].name << " pad lane " << i;
      }
    }
  }
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (Layout layout : {Layout::kBatchMajor, Layout::kFeatureMajor}) {
    for (Init init : {Init::kNormal, Init::kGlorotUniform}) {
      for (Activation hidden : kernels::kAllActivations) {
        for (Activation output : kernels::kAllActivations)
          cases.push_back({hidden, output, init, layout});
      }
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllActivations, GradientCheck, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(kernels::ActivationName(info.param.hidden)) + "_" +
                                  kernels::ActivationName(info.param.output) + "_" +
                                  InitName(info.param.init) +
                                  (info.param.layout == Layout::kFeatureMajor ? "_fm" : "_bm");
                         });

// The two layouts are two orders of the same sums: in double on the reference kernels their
// gradients agree to 1e-12 of the largest entry at every batch shape: feature-major's own (16,
// 32) and the others (1, 5, 100: idle lanes; 200 and 512: several gradient blocks; 1100: block by
// block). A layer computed from the wrong matrix, or a delta lost in a transpose, is off by O(1).
TEST(Layouts, GiveTheSameGradient) {
  const auto& k = kernels::KernelsFor<double>(Isa::kRef);
  const Dataset<double> data = MakeCosDataset<double>(0);
  for (std::size_t m : {1, 5, 16, 32, 100, 200, 512, 1100}) {
    auto gradient = [&](Layout layout) {
      auto model = std::make_unique<Model<double>>(k, Activation::kTanh, Activation::kTanh, m);
      model->set_layout(layout);
      InitParams(Init::kGlorotUniform, 5, &model->params());
      std::copy_n(data.train_x.data(), m, model->workspace().x);
      std::copy_n(data.train_y.data(), m, model->workspace().y);
      model->LossAndGradient(m);
      return model;
    };
    const auto bm = gradient(Layout::kBatchMajor), fm = gradient(Layout::kFeatureMajor);
    EXPECT_EQ(bm->UsesFeatureMajor(m), false);
    EXPECT_EQ(fm->UsesFeatureMajor(m), true);
    double largest = 0, worst = 0;
    std::size_t worst_at = 0;
    for (std::size_t i = 0; i < kArenaSize; ++i) {
      largest = std::max(largest, std::abs(bm->grads().data()[i]));
      const double error = std::abs(bm->grads().data()[i] - fm->grads().data()[i]);
      if (error > worst) worst = error, worst_at = i;
    }
    ASSERT_GT(largest, 1e-3) << "m=" << m;
    EXPECT_LE(worst, 1e-12 * largest)
        << "m=" << m << ", arena entry " << worst_at << ": " << bm->grads().data()[worst_at]
        << " batch-major, " << fm->grads().data()[worst_at] << " feature-major";
  }
}

// The checks above see one gradient block (mlp/core/partition.h). A large batch's gradient is
// summed over several, and its deltas come block by block: on the reference kernels in double it
// must equal the sum of its rows' gradients taken 50 at a time (one block each), every piece seeded
// with the whole batch's ∂L/∂ŷ = 2(ŷ − y)/m. The sums differ only in order: to 1e-12 of the
// largest entry. A block whose deltas were skipped, or counted twice, is off by O(1) (with a
// tanh output, twice through out' is not once).
TEST(GradientBlocks, SumToTheGradientOfTheWholeBatch) {
  constexpr std::size_t kRows = 1100, kPiece = 50;
  static_assert(GradientBlocks(kRows) == 8 && BlockByBlockBackward(kRows, 1));
  static_assert(GradientBlocks(kPiece) == 1 && kRows % kPiece == 0);
  const auto& k = kernels::KernelsFor<double>(Isa::kRef);
  const Dataset<double> data = MakeCosDataset<double>(0);
  Model<double> whole(k, Activation::kTanh, Activation::kTanh, kRows);
  InitParams(Init::kGlorotUniform, 3, &whole.params());
  std::copy_n(data.train_x.data(), kRows, whole.workspace().x);
  std::copy_n(data.train_y.data(), kRows, whole.workspace().y);
  whole.LossAndGradient(kRows);

  Model<double> piece(k, Activation::kTanh, Activation::kTanh, kPiece);
  piece.params().CopyFrom(whole.params());
  std::vector<double> sum(kArenaSize, 0.0);
  Workspace<double>& w = piece.workspace();
  for (std::size_t start = 0; start < kRows; start += kPiece) {
    std::copy_n(data.train_x.data() + start, kPiece, w.x);
    std::copy_n(data.train_y.data() + start, kPiece, w.y);
    piece.Forward(kPiece);
    for (std::size_t i = 0; i < kPiece; ++i) w.g4[i] = 2 * (w.yhat[i] - w.y[i]) / kRows;
    piece.Backward(kPiece);
    for (std::size_t i = 0; i < kArenaSize; ++i) sum[i] += piece.grads().data()[i];
  }
  double largest = 0, worst = 0;
  std::size_t worst_at = 0;
  for (std::size_t i = 0; i < kArenaSize; ++i) {
    largest = std::max(largest, std::abs(sum[i]));
    const double error = std::abs(whole.grads().data()[i] - sum[i]);
    if (error > worst) worst = error, worst_at = i;
  }
  ASSERT_GT(largest, 1e-3);
  EXPECT_LE(worst, 1e-12 * largest)
      << "arena entry " << worst_at << ": " << whole.grads().data()[worst_at] << " against "
      << sum[worst_at];
}

// The checker must be able to fail: plant each wrong output delta of the original question,
// backpropagate it with the same kernels, and expect a large error.
class WrongGradient : public ::testing::TestWithParam<const char*> {};

TEST_P(WrongGradient, IsRejected) {
  const std::string which = GetParam();
  Model<double> model(kernels::KernelsFor<double>(Isa::kRef), Activation::kTanh,
                      Activation::kIdentity, kBatch);
  Prepare(model, Init::kNormal, 42);
  model.Forward(kBatch);
  model.SeedMseGradient(kBatch);  // the correct g4, replaced below
  Workspace<double>& w = model.workspace();
  double mean_grad = 0;
  for (std::size_t i = 0; i < kBatch; ++i) mean_grad += w.g4[i] / kBatch;
  for (std::size_t i = 0; i < kBatch; ++i) {
    const double err = w.yhat[i] - w.y[i];
    if (which == "squared_error") {
      w.g4[i] = err * err;  // (ŷ − y)²: the loss, not its derivative
    } else {
      w.g4[i] = mean_grad;  // every sample gets the batch-averaged delta
    }
  }
  model.Backward(kBatch);
  const GradCheckResult r = CheckGradients(model, kBatch, Entries());
  std::cout << which << ": worst " << r.worst_entry << "\n";
  // Both are wrong by O(1) relative error, not by rounding: far above the 1e-6 tolerance.
  EXPECT_GT(r.worst, 1e-2) << "the checker accepted the " << which << " gradient";
}

INSTANTIATE_TEST_SUITE_P(OriginalQuestion, WrongGradient,
                         ::testing::Values("squared_error", "batch_averaged"));

// The feature-major row stride: whole vectors, plus one exactly where that would be a multiple of
// 64 elements, never falling as the batch grows (the workspace is sized by its capacity's stride).
static_assert(FeatureMajorLd(1) == 16 && FeatureMajorLd(32) == 32 && FeatureMajorLd(48) == 48);
static_assert(FeatureMajorLd(49) == 80 && FeatureMajorLd(64) == 80 && FeatureMajorLd(112) == 112);
static_assert(FeatureMajorLd(113) == 144 && FeatureMajorLd(127) == 144);
static_assert(FeatureMajorLd(512) == 528);  // the trainer's evaluation chunk: its workspace size

TEST(Layouts, FeatureMajorStrideIsWholeVectorsAvoiding256Bytes) {
  std::size_t previous = 0;
  for (std::size_t m = 1; m <= 1024; ++m) {
    const std::size_t ld = FeatureMajorLd(m);
    EXPECT_GE(ld, m) << m;
    EXPECT_LT(ld, m + 2 * kVectorLanes) << m;
    EXPECT_EQ(ld % kVectorLanes, 0u) << m;
    EXPECT_NE(ld % (4 * kVectorLanes), 0u) << m;
    EXPECT_GE(ld, previous) << m;
    previous = ld;
  }
}

// The stride follows the batch, not the workspace: a 32-sample batch in a 512-sample workspace
// (the trainer's) writes its activations as 100 rows of 32, and nothing past them.
TEST(Layouts, FeatureMajorStrideFollowsTheBatch) {
  constexpr std::size_t kSamples = 32, kCapacity = 512;
  static_assert(FeatureMajorLd(kSamples) == kSamples && FeatureMajorPays(kSamples));
  Model<double> model(kernels::KernelsFor<double>(Isa::kRef), Activation::kTanh,
                      Activation::kIdentity, kCapacity);
  InitParams(Init::kGlorotUniform, 7, &model.params());
  Workspace<double>& w = model.workspace();
  const Dataset<double> data = MakeCosDataset<double>(0);
  std::copy_n(data.train_x.data(), kSamples, w.x);
  const double nan = std::nan("");
  std::fill_n(w.a1, w.matrix_size(), nan);
  model.Forward(kSamples);
  const std::size_t written = kHidden * kSamples;
  EXPECT_EQ(std::count_if(w.a1, w.a1 + written, [](double v) { return std::isfinite(v); }),
            std::ptrdiff_t(written));
  EXPECT_TRUE(
      std::all_of(w.a1 + written, w.a1 + w.matrix_size(), [](double v) { return std::isnan(v); }));
}

// Which batches run feature-major by default (FeatureMajorPays): 16 to 127 samples with at most
// one lane in 16 idle.
TEST(Layouts, FeatureMajorWhereABatchFillsItsVectors) {
  for (std::size_t m : {16, 31, 32, 46, 48, 64, 112, 127}) {
    EXPECT_TRUE(FeatureMajorPays(m)) << m;
  }
  for (std::size_t m : {1, 8, 15, 17, 33, 45, 100, 128, 200, 512, 8000}) {
    EXPECT_FALSE(FeatureMajorPays(m)) << m;
  }
}

}  // namespace
}  // namespace simd_mlp::mlp::testing
