// The epoch benchmark's Eigen baseline (bench/simd/eigen_mlp-inl.h) computes the same training step
// as mlp::Trainer, not a cheaper one: from the same initial weights, over the same samples in the
// same order, both end at the same weights, on every ISA this CPU supports (our kernels and Eigen
// compiled for that ISA) — SGD and RMSprop, tanh and ReLU hidden layers, identity and tanh
// outputs, B = 1 to the whole set, partial last batches and per-epoch reshuffles.
//
// Tolerance: max |w_eigen − w_ours| ≤ 1e-6 per entry, every tensor. Why: the two differ only in
// rounding (summation order in the products and batch sums, Eigen's tanh vs ours, FMA or not),
// a few ULP per step; every case starts from Glorot weights (|w| < 0.25, 1 ULP ≤ 3e-8), so after
// the 3 to 54 steps run here the difference stays a few ULP: measured worst 1.9e-7 (B = 1, 48
// steps, W2). The runs are short on purpose: over a whole epoch at small B the two trainers
// drift apart through chaos, not through a different step — at B = 32 after 2 epochs our own
// sse2 and avx512 kernels already differ by 8e-4 (by 0.14 after one epoch at B = 1), as
// Eigen does from either. The check can fail: a 1 % shorter step (lr × 0.99) moves the weights
// ≥ 1.7e-5 away in every case and is rejected, which each case asserts.
#include <gtest/gtest.h>

#include <string>

#include "bench/bench_targets.h"
#include "kernels/isa.h"
#include "mlp/training/trainer.h"
#include "tests/bench/baseline_test_util.h"

namespace simd_mlp::bench {
namespace {

using kernels::Isa;
using testing::Case;

constexpr double kTolerance = 1e-6;

class EigenMlp : public ::testing::TestWithParam<Case> {};

TEST_P(EigenMlp, EndsWhereTrainerEnds) {
  const Case k = GetParam();
  const mlp::TrainConfig c = testing::Config(k);
  const mlp::Dataset<float> data = testing::Data(k.samples);
  for (Isa isa : testing::Isas()) {
    testing::ExpectEndsWhereOursEnds(
        BenchTargetFor(isa).eigen_mlp_train, testing::TrainOurs(isa, c, data, k.epochs), c, data,
        k.epochs, kTolerance, std::string("eigen_") + kernels::IsaName(isa) + " " + k.name);
  }
}

INSTANTIATE_TEST_SUITE_P(Recipes, EigenMlp, ::testing::ValuesIn(testing::Cases()), testing::Name);

}  // namespace
}  // namespace simd_mlp::bench
