// The one table of settings that the flags and a checkpoint's config text share: every recipe's
// every setting prints as text that reads back to the same configuration, keys and flags are
// unique, and what a resumed run keeps from its checkpoint.
#include "mlp/training/settings.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mlp/training/config.h"

namespace simd_mlp::mlp {
namespace {

TEST(Settings, EveryRecipeReadsBackFromItsText) {
  for (const char* recipe : kRecipeNames) {
    TrainConfig want;
    ASSERT_TRUE(RecipeConfig(recipe, &want));
    want.optimizer = Optimizer::kAdam;
    want.seed = UINT64_MAX;
    want.lr = 0.1 + 0.2;  // no short decimal form
    want.threads = 3;
    want.init = Init::kSpread;
    want.spread_scale = 12.5;
    want.warmup_epochs = 0.3;
    want.decay = Decay::kExponential;
    want.decay_epochs = 1.0 / 3;
    want.lr_final = 0.05;
    TrainConfig got;
    for (const Setting& s : Settings()) {
      ASSERT_TRUE(s.field.parse(s.field.format(want), &got)) << s.field.name;
    }
    EXPECT_EQ(DescribeConfig(got), DescribeConfig(want)) << recipe;
    EXPECT_EQ(got.lr, want.lr);
    EXPECT_EQ(got.decay_epochs, want.decay_epochs);
  }
}

TEST(Settings, KeysAndFlagsAreUnique) {
  std::set<std::string> keys, flags;
  for (const Setting& s : Settings()) {
    if (s.key != nullptr) {
      EXPECT_TRUE(keys.insert(s.key).second) << s.key;
    }
    EXPECT_TRUE(flags.insert(s.field.name).second) << s.field.name;
  }
  EXPECT_EQ(keys.size(), 21u);  // a checkpoint's config text: these, then four about the data
}

TEST(Settings, EnumsTakeTheirTablesNames) {
  TrainConfig c;
  const Setting* hidden = nullptr;
  for (const Setting& s : Settings()) {
    if (std::string(s.field.name) == "activation") hidden = &s;
  }
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hidden->field.syntax, "identity|tanh|relu");
  EXPECT_TRUE(hidden->field.parse("relu", &c));
  EXPECT_EQ(c.hidden, Activation::kRelu);
  EXPECT_FALSE(hidden->field.parse("sigmoid", &c));
}

// A resumed run takes the training math from its checkpoint; only the epochs (the new total) and
// what the checkpoint does not keep may change.
TEST(Settings, TrainingMathIsWhatACheckpointKeepsButTheEpochs) {
  for (const char* flag :
       {"recipe",       "activation", "output", "init",  "spread-scale", "optimizer",     "lr",
        "momentum",     "rho",        "beta1",  "beta2", "eps",          "warmup-epochs", "decay",
        "decay-epochs", "lr-final",   "batch",  "seed",  "data-seed",    "shuffle"}) {
    EXPECT_TRUE(SetsTrainingMath(flag)) << flag;
  }
  for (const char* flag : {"epochs", "threads", "save", "quiet", "unknown"}) {
    EXPECT_FALSE(SetsTrainingMath(flag)) << flag;
  }
}

}  // namespace
}  // namespace simd_mlp::mlp
