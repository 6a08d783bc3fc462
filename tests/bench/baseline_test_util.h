// What the baselines' equivalence tests share (eigen_mlp_test.cc, onednn_mlp_test.cc): train a
// baseline (a trainer of the shape bench/baseline_trainer.h names) and mlp::Trainer from
// the same start over the same samples in the same order, and compare where they end, tensor by
// tensor; the cases both run.
#ifndef SIMD_MLP_TESTS_BENCH_BASELINE_TEST_UTIL_H_
#define SIMD_MLP_TESTS_BENCH_BASELINE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "bench/baseline_trainer.h"
#include "kernels/activation.h"
#include "kernels/isa.h"
#include "kernels/kernels.h"
#include "mlp/core/arena.h"
#include "mlp/core/init.h"
#include "mlp/core/layout.h"
#include "mlp/runtime/rng.h"
#include "mlp/training/config.h"
#include "mlp/training/data.h"
#include "mlp/training/trainer.h"

namespace simd_mlp::bench::testing {

// The first n training points of the task (no test set: RunEpoch would only evaluate it).
inline mlp::Dataset<float> Data(std::size_t n) {
  mlp::Dataset<float> data = mlp::MakeCosDataset<float>(0);
  data.train_x.resize(n);
  data.train_y.resize(n);
  data.test_x.clear();
  data.test_y.clear();
  return data;
}

// The interface's packed form: tensor by tensor in the table's order, each row-major, unpadded.
inline std::vector<float> Pack(const mlp::Arena<float>& arena) {
  std::vector<float> packed;
  for (std::size_t t = 0; t < mlp::kNumTensors; ++t) {
    for (std::size_t r = 0; r < mlp::kTensors[t].rows; ++r) {
      for (std::size_t c = 0; c < mlp::kTensors[t].cols; ++c)
        packed.push_back(arena.at(mlp::Tensor(t), r, c));
    }
  }
  EXPECT_EQ(packed.size(), mlp::LogicalParameterCount());
  return packed;
}

// Serves `epochs` epochs in the Trainer's order: 0…n−1, shuffled in place before every epoch by
// the shuffle stream of the same seed (mlp/training/trainer.cc).
struct Epochs {
  int left;
  bool shuffle;
  mlp::Rng rng;
  std::vector<std::uint32_t> order;

  static const std::uint32_t* Next(void* context) {
    auto* self = static_cast<Epochs*>(context);
    if (self->left-- == 0) return nullptr;
    if (self->shuffle) self->rng.Shuffle(self->order);
    return self->order.data();
  }
};

// The baseline's weights after `epochs` epochs of config c (lr scaled by lr_scale), packed.
inline std::vector<float> TrainBaseline(MlpTrainFn train, const mlp::TrainConfig& c,
                                        const mlp::Dataset<float>& data, int epochs,
                                        double lr_scale = 1.0) {
  mlp::Arena<float> start;
  mlp::InitParams(c.init, c.seed, &start);
  std::vector<float> params = Pack(start);
  Epochs driver{epochs, c.shuffle, mlp::Rng(c.seed, mlp::RngStream::kShuffle),
                std::vector<std::uint32_t>(data.train_x.size())};
  std::iota(driver.order.begin(), driver.order.end(), 0u);
  const bool finite =
      train(c.hidden, c.output, c.optimizer == mlp::Optimizer::kRmsprop, float(c.lr * lr_scale),
            float(c.rho), float(c.eps), c.batch, data.train_x.size(), data.train_x.data(),
            data.train_y.data(), &Epochs::Next, &driver, params.data());
  EXPECT_TRUE(finite);
  EXPECT_EQ(driver.left, -1) << "the baseline stopped before asking for the end";
  return params;
}

inline std::vector<float> TrainOurs(kernels::Isa isa, const mlp::TrainConfig& c,
                                    const mlp::Dataset<float>& data, int epochs) {
  mlp::Trainer trainer(c, kernels::KernelsFor<float>(isa), data);
  mlp::EpochStats stats;
  std::string error;
  for (int e = 0; e < epochs; ++e) EXPECT_TRUE(trainer.RunEpoch(&stats, &error)) << error;
  return Pack(trainer.model().params());
}

// The worst |a − b| over one tensor of the packed form, and where.
struct Gap {
  double worst = 0;
  std::size_t at = 0;
};

inline std::vector<Gap> Compare(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<Gap> gaps(mlp::kNumTensors);
  std::size_t i = 0;
  for (std::size_t t = 0; t < mlp::kNumTensors; ++t) {
    for (std::size_t k = 0; k < mlp::kTensors[t].rows * mlp::kTensors[t].cols; ++k, ++i) {
      const double d = std::fabs(double(a[i]) - double(b[i]));
      if (d > gaps[t].worst) gaps[t] = {d, k};
    }
  }
  return gaps;
}

// Checks that `train` ends within `tolerance` of ours (every tensor, every entry), printing the
// worst gap per tensor, and that a step 1 % shorter (lr × 0.99) ends outside it: the check can
// fail. `what` names the baseline and ours in the messages.
inline void ExpectEndsWhereOursEnds(MlpTrainFn train, const std::vector<float>& ours,
                                    const mlp::TrainConfig& c, const mlp::Dataset<float>& data,
                                    int epochs, double tolerance, const std::string& what) {
  const std::vector<Gap> gaps = Compare(TrainBaseline(train, c, data, epochs), ours);
  for (std::size_t t = 0; t < mlp::kNumTensors; ++t) {
    std::printf("%-36s %s: max |baseline - ours| = %.3g at entry %zu\n", what.c_str(),
                mlp::kTensors[t].name, gaps[t].worst, gaps[t].at);
    EXPECT_LE(gaps[t].worst, tolerance)
        << what << " " << mlp::kTensors[t].name << " entry " << gaps[t].at;
  }
  const std::vector<Gap> other = Compare(TrainBaseline(train, c, data, epochs, 0.99), ours);
  double worst = 0;
  for (const Gap& g : other) worst = std::max(worst, g.worst);
  std::printf("%-36s lr x 0.99: max |baseline - ours| = %.3g\n", what.c_str(), worst);
  EXPECT_GT(worst, tolerance) << what << ": the tolerance cannot tell lr from 0.99·lr";
}

struct Case {
  const char* name;
  const char* recipe;
  mlp::Init init;
  kernels::Activation output;
  std::size_t batch, samples;
  int epochs;
};

inline std::string Name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

inline mlp::TrainConfig Config(const Case& k) {
  mlp::TrainConfig c;
  EXPECT_TRUE(mlp::RecipeConfig(k.recipe, &c));
  c.init = k.init;
  c.output = k.output;
  c.batch = k.batch;
  return c;
}

// Every ISA the CPU supports but the scalar reference.
inline std::vector<kernels::Isa> Isas() {
  std::vector<kernels::Isa> isas;
  for (kernels::Isa isa : kernels::SupportedIsas()) {
    if (isa != kernels::Isa::kRef) isas.push_back(isa);
  }
  return isas;
}

// Samples < 8,000 keep a run to a few steps (see each test's tolerance) while keeping a partial
// last batch (269 = 8·32 + 13, 100 = 12·8 + 4, 8,000 = 26·300 + 200) and, with 2 epochs, the
// reshuffle between epochs. The SGD cases start from Glorot weights: the seed recipe's N(0, 1)
// start is too unstable to compare (its first 3 steps move b1 by 2.6, and our own ISAs end 1e-3
// apart).
inline std::vector<Case> Cases() {
  using kernels::Activation;
  using mlp::Init;
  return {
      Case{"keras_tanh_B32", "keras-tanh", Init::kGlorotUniform, Activation::kIdentity, 32, 269, 2},
      Case{"keras_tanh_B1", "keras-tanh", Init::kGlorotUniform, Activation::kIdentity, 1, 24, 2},
      Case{"keras_tanh_B300", "keras-tanh", Init::kGlorotUniform, Activation::kIdentity, 300, 8000,
           2},
      Case{"keras_tanh_B8000", "keras-tanh", Init::kGlorotUniform, Activation::kIdentity, 8000,
           8000, 3},
      Case{"sgd_glorot_linear_B8", "seed", Init::kGlorotUniform, Activation::kIdentity, 8, 100, 2},
      Case{"sgd_glorot_tanh_B32", "seed", Init::kGlorotUniform, Activation::kTanh, 32, 269, 2},
      Case{"keras_relu_B32", "keras", Init::kGlorotUniform, Activation::kIdentity, 32, 269, 2},
  };
}

}  // namespace simd_mlp::bench::testing

#endif  // SIMD_MLP_TESTS_BENCH_BASELINE_TEST_UTIL_H_
