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

// Hyper-parameters given in double are used in float: each must survive the conversion, and the
// error says why it does not.
TEST(Settings, ValuesAreCheckedAsTheFloatsTrainingUses) {
  const std::pair<void (*)(TrainConfig*), const char*> cases[] = {
      {[](TrainConfig* c) { c->eps = 1e-50; }, "--eps=1e-50 is below float's smallest normal"},
      {[](TrainConfig* c) { c->lr = 1e-40; }, "would be subnormal"},
      {[](TrainConfig* c) { c->lr = 1e300; }, "--lr=1e+300 is beyond float's range"},
      {[](TrainConfig* c) { c->beta1 = 0.99999999999; }, "--beta1=0.99999999999 rounds to 1"},
      {[](TrainConfig* c) { c->beta2 = 0.999999999; }, "--beta2=0.999999999 rounds to 1"},
      {[](TrainConfig* c) { c->rho = 1 - 1e-9; }, "--rho=0.999999999 rounds to 1 in float"},
      {[](TrainConfig* c) { c->momentum = 0.99999999; }, "largest float below 1 is 0.99999994"},
  };
  for (const auto& [change, expected] : cases) {
    TrainConfig c;
    ASSERT_TRUE(RecipeConfig("keras", &c));
    change(&c);
    EXPECT_NE(ValidateConfig(c).find(expected), std::string::npos) << ValidateConfig(c);
  }
  TrainConfig c;
  ASSERT_TRUE(RecipeConfig("keras", &c));
  c.lr = 1e-37;        // small but a normal float
  c.beta2 = 0.999999;  // below 1 in float
  EXPECT_EQ(ValidateConfig(c), "");
}

}  // namespace
}  // namespace simd_mlp::mlp
