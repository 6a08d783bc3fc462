// Data-parallel training gives the same bits on every number of threads: one training step's
// loss and gradient on every ISA and pool size, and whole epochs of training on 1, 2, 3 and 8
// threads, for batch sizes that the thread counts do not divide, B = 1, and a last partial batch.
// (More threads than this 2-core machine has also exercise ranks that sleep while waiting, and
// the weight gradients' blocks shared by groups of ranks, as on a machine of 8 or 16 cores.)
#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/core/init.h"
#include "mlp/core/model.h"
#include "mlp/runtime/cores.h"
#include "mlp/runtime/thread_pool.h"
#include "mlp/training/trainer.h"
#include "tests/mlp/testing/helpers.h"

namespace simd_mlp::mlp {
namespace {

using kernels::Isa;

using testing::CosData;
using testing::SameBits;

// The first tensor whose bits differ, for the failure message.
std::string FirstDifference(const Arena<float>& a, const Arena<float>& b) {
  for (std::size_t t = 0; t < kNumTensors; ++t) {
    for (std::size_t i = 0; i < PaddedSize(kTensors[t]); ++i) {
      if (std::memcmp(&a[Tensor(t)][i], &b[Tensor(t)][i], sizeof(float)) != 0) {
        return std::string(kTensors[t].name) + "[" + std::to_string(i) +
               "]: " + std::to_string(a[Tensor(t)][i]) + " vs " + std::to_string(b[Tensor(t)][i]);
      }
    }
  }
  return "none";
}

// One step (forward, loss, backward) from the same weights and batch on pools of 1 to 4, 8 and
// 16 threads, for every ISA: the loss and every gradient must match the 1-thread step bit for
// bit. The batches give the weight gradients 1 block (up to 127 rows), 2 (130), 3 (200), 4 (257,
// 1000), 8 (1100) and 12 (2100), the last two block by block where each block is one rank's
// (mlp/core/partition.h), so pools have more ranks than blocks (groups of ranks share a block's
// columns), fewer, and as many; from 272 rows a rank's forward pass runs in pieces. 31, 32 and
// 112 run feature-major (FeatureMajorPays), the others batch-major.
TEST(Threads, OneStepIsBitIdenticalOnEveryPoolSize) {
  for (Isa isa : kernels::kAllIsas) {
    if (!kernels::CpuSupports(isa)) continue;
    const auto& k = kernels::KernelsFor<float>(isa);
    for (std::size_t m : {1, 17, 31, 32, 33, 100, 112, 130, 200, 257, 1000, 1100, 2100}) {
      auto step = [&](ThreadPool* pool, float* loss) {
        auto model =
            std::make_unique<Model<float>>(k, Activation::kTanh, Activation::kIdentity, m, pool);
        InitParams(Init::kGlorotUniform, 7, &model->params());
        std::memcpy(model->workspace().x, CosData().train_x.data(), m * sizeof(float));
        std::memcpy(model->workspace().y, CosData().train_y.data(), m * sizeof(float));
        *loss = model->LossAndGradient(m);
        return model;
      };
      float serial_loss = 0;
      const auto serial = step(nullptr, &serial_loss);
      for (int threads : {1, 2, 3, 4, 8, 16}) {
        ThreadPool pool(threads);
        float loss = 0;
        const auto parallel = step(&pool, &loss);
        const std::string where = std::string(kernels::IsaName(isa)) + " m=" + std::to_string(m) +
                                  " threads=" + std::to_string(threads);
        EXPECT_EQ(std::memcmp(&loss, &serial_loss, sizeof loss), 0) << where;
        EXPECT_TRUE(SameBits(parallel->grads(), serial->grads()))
            << where << ": first difference "
            << FirstDifference(parallel->grads(), serial->grads());
      }
    }
  }
}

struct EpochResult {
  std::unique_ptr<Trainer> trainer;
  EpochStats stats;
};

EpochResult TrainOneEpoch(TrainConfig c, int threads) {
  c.threads = threads;
  EpochResult r{std::make_unique<Trainer>(c, kernels::Kernels<float>(), CosData()), {}};
  EXPECT_EQ(r.trainer->threads(), threads);
  std::string error;
  EXPECT_TRUE(r.trainer->RunEpoch(&r.stats, &error)) << error;
  return r;
}

void ExpectSameEpochOnThreads(const TrainConfig& c, std::initializer_list<int> thread_counts) {
  const EpochResult one = TrainOneEpoch(c, 1);
  for (int threads : thread_counts) {
    const EpochResult other = TrainOneEpoch(c, threads);
    const std::string where =
        "batch " + std::to_string(c.batch) + ", " + std::to_string(threads) + " threads";
    EXPECT_TRUE(SameBits(one.trainer->model().params(), other.trainer->model().params()))
        << where << ": first difference "
        << FirstDifference(one.trainer->model().params(), other.trainer->model().params());
    EXPECT_EQ(one.stats.train_mse, other.stats.train_mse) << where;
    EXPECT_EQ(one.stats.test_mse, other.stats.test_mse) << where;
  }
}

// The keras recipe (RMSprop, reshuffled every epoch). Batches: one sample; 32, feature-major,
// whose update one thread fuses into the weight gradients (Model::FusesStep) and more threads
// split over the arena; 37, which leaves a last batch of 8; 100, which 3 threads split 32 + 32 +
// 36 rows; 1000; and 7999, a batch of 7,999 and one of a single sample.
TEST(Threads, OneEpochGivesIdenticalWeightsOnOneTwoAndThreeThreads) {
  TrainConfig c;
  ASSERT_TRUE(RecipeConfig("keras", &c));
  for (std::size_t batch : {1, 32, 37, 100, 1000, 7999}) {
    c.batch = batch;
    ExpectSameEpochOnThreads(c, {2, 3});
  }
}

// Eight threads on this 2-core machine: oversubscribed, for the bits alone. Every batch here has
// fewer gradient blocks than 8 (1 up to 127 rows, 4 at 1000), so groups of ranks share them; 1
// takes the one-pass step (Model::OnePassStep) on rank 0 alone.
TEST(Threads, OneEpochGivesIdenticalWeightsOnEightThreads) {
  TrainConfig c;
  ASSERT_TRUE(RecipeConfig("keras", &c));
  for (std::size_t batch : {1, 32, 100, 1000}) {
    c.batch = batch;
    ExpectSameEpochOnThreads(c, {8});
  }
}

TEST(Threads, AdamAndTanhOutputAlsoIdentical) {
  TrainConfig c;
  ASSERT_TRUE(RecipeConfig("seed", &c));  // tanh output: the output activation's gradient
  c.optimizer = Optimizer::kAdam;
  for (std::size_t batch : {48, 250}) {  // fused on one thread, and not
    c.batch = batch;
    ExpectSameEpochOnThreads(c, {2, 3});
  }
}

// The fast recipe: init spread, and a learning rate that changes every step (warm-up, then
// cosine decay), computed on the calling thread. Its batch of 48 is fused on one thread.
TEST(Threads, FastRecipeWithItsScheduleAlsoIdentical) {
  TrainConfig c;
  ASSERT_TRUE(RecipeConfig("fast", &c));
  for (std::size_t batch : {48, 250}) {
    c.batch = batch;
    ExpectSameEpochOnThreads(c, {2, 3});
  }
}

// The automatic choice: one thread below kParallelMinBatch, every core from it on.
TEST(Threads, AutomaticThreadCountFollowsTheBatchSize) {
  TrainConfig c;
  c.batch = kParallelMinBatch - 1;
  EXPECT_EQ(ThreadsFor(c), 1);
  c.batch = kParallelMinBatch;
  EXPECT_EQ(ThreadsFor(c), AvailableCores());
  c.threads = 3;
  EXPECT_EQ(ThreadsFor(c), 3);
  c.batch = 1;
  EXPECT_EQ(ThreadsFor(c), 3);
}

}  // namespace
}  // namespace simd_mlp::mlp
