// The initial weights of init spread: each first-layer unit's transition −b/w lies in the input
// range [−0.5, 0.5], the weights have about the scale asked for, the other layers are Glorot's,
// pad lanes are zero, and the draws are the seed's alone.
#include "mlp/core/init.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

namespace simd_mlp::mlp {
namespace {

TEST(Init, SpreadPutsEveryFirstLayerTransitionInTheInputRange) {
  Arena<float> p, again, other;
  InitParams(Init::kSpread, 3, &p, 30.0);
  InitParams(Init::kSpread, 3, &again, 30.0);
  InitParams(Init::kSpread, 4, &other, 30.0);
  EXPECT_EQ(std::memcmp(p.data(), again.data(), kArenaSize * sizeof(float)), 0);
  EXPECT_NE(std::memcmp(p.data(), other.data(), kArenaSize * sizeof(float)), 0);

  double sum_squares = 0;
  std::set<float> centres;
  for (std::size_t j = 0; j < kHidden; ++j) {
    const float w = p.at(kW1, 0, j), b = p.at(kB1, 0, j);
    ASSERT_NE(w, 0.0f) << j;
    const double centre = -double(b) / double(w);
    EXPECT_GE(centre, -0.5 - 1e-6) << j;
    EXPECT_LE(centre, 0.5 + 1e-6) << j;
    centres.insert(float(centre));
    sum_squares += double(w) * w;
  }
  EXPECT_EQ(centres.size(), kHidden);
  const double rms = std::sqrt(sum_squares / kHidden);  // of 100 draws of N(0, 30²)
  EXPECT_GT(rms, 0.8 * 30) << rms;
  EXPECT_LT(rms, 1.2 * 30) << rms;

  const double glorot = std::sqrt(6.0 / 200);
  for (Tensor t : {kW2, kW3}) {
    for (std::size_t r = 0; r < kHidden; ++r) {
      for (std::size_t c = 0; c < kHidden; ++c) ASSERT_LE(std::abs(p.at(t, r, c)), glorot);
    }
  }
  for (Tensor t : {kB2, kB3, kB4}) {
    for (std::size_t c = 0; c < kTensors[t].cols; ++c) EXPECT_EQ(p.at(t, 0, c), 0.0f);
  }
  for (std::size_t t = 0; t < kNumTensors; ++t) {
    for (std::size_t i = 0; i < PaddedSize(kTensors[t]); ++i) {
      if (IsPadLane(kTensors[t], i)) {
        ASSERT_EQ(p[Tensor(t)][i], 0.0f) << kTensors[t].name << i;
      }
    }
  }
}

}  // namespace
}  // namespace simd_mlp::mlp
