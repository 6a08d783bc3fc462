// The epoch benchmark's oneDNN baseline (bench/onednn_mlp.h) computes the same training step as
// mlp::Trainer, not a cheaper one: from the same initial weights, over the same samples in the same
// order, both end at the same weights, on both weight layouts and against our kernels on every ISA
// this CPU supports — the cases of eigen_mlp_test.cc: SGD and RMSprop, tanh and ReLU hidden layers,
// identity and tanh outputs, B = 1 to the whole set, partial last batches and reshuffles.
//
// Tolerance: max |w_onednn − w_ours| ≤ 1e-6 per entry, every tensor, the Eigen test's bound for the
// same reason: the two differ only in rounding (the summation order of oneDNN's products and bias
// sums, its tanh against ours, FMA or not), a few ULP per step; every case starts from Glorot
// weights (|w| < 0.25, 1 ULP ≤ 3e-8) and runs 3 to 54 steps, so the difference stays a few ULP
// (the worst seen: docs/performance.md, "oneDNN baseline"). The check can
// fail: a 1 % shorter step (lr × 0.99) ends ≥ 1.7e-5 away in every case and is rejected, which
// each case asserts; and the test of the thread count below fails (2 threads after training) if
// the trainer does not pin OpenMP to one.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/onednn_mlp.h"
#include "kernels/isa.h"
#include "mlp/training/config.h"
#include "mlp/training/trainer.h"
#include "tests/bench/baseline_test_util.h"

namespace simd_mlp::bench {
namespace {

using kernels::Isa;
using testing::Case;

constexpr double kTolerance = 1e-6;
constexpr OnednnWeights kLayouts[] = {OnednnWeights::kBlocked, OnednnWeights::kPlain};

class OnednnMlp : public ::testing::TestWithParam<Case> {};

TEST_P(OnednnMlp, EndsWhereTrainerEnds) {
  const Case k = GetParam();
  const mlp::TrainConfig c = testing::Config(k);
  const mlp::Dataset<float> data = testing::Data(k.samples);
  for (Isa isa : testing::Isas()) {
    const std::vector<float> ours = testing::TrainOurs(isa, c, data, k.epochs);
    for (OnednnWeights weights : kLayouts) {
      testing::ExpectEndsWhereOursEnds(OnednnMlpTrain(weights), ours, c, data, k.epochs, kTolerance,
                                       std::string("onednn_") + OnednnWeightsName(weights) +
                                           " vs " + kernels::IsaName(isa) + " " + k.name);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Recipes, OnednnMlp, ::testing::ValuesIn(testing::Cases()), testing::Name);

// The threads of this process, from /proc/self/status.
int ProcessThreads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// The trainer runs oneDNN on one thread: Debian's libdnnl parallelizes with OpenMP, whose default
// is a thread per core, and GNU libgomp starts its workers at the first parallel region that asks
// for more than one. With the calling thread's OpenMP default set to two threads (as on any
// machine of two cores or more), a whole epoch at B = 8000 (the primitives most worth splitting)
// on both layouts adds no thread to this process.
TEST(OnednnMlpThreads, TrainsOnTheCallingThreadAlone) {
  omp_set_num_threads(2);
  const int before = ProcessThreads();
  ASSERT_GT(before, 0);
  mlp::TrainConfig c;
  ASSERT_TRUE(mlp::RecipeConfig("keras-tanh", &c));
  c.batch = 8000;
  const mlp::Dataset<float> data = testing::Data(8000);
  for (OnednnWeights weights : kLayouts)
    testing::TrainBaseline(OnednnMlpTrain(weights), c, data, 1);
  const int after = ProcessThreads();
  std::printf("threads of this process: %d before training, %d after\n", before, after);
  EXPECT_EQ(after, before);
}

}  // namespace
}  // namespace simd_mlp::bench
