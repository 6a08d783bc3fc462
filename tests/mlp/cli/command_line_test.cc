// The command lines' reader: flags in command-line order, switches alone or with a value, one-line
// errors with the nearest flag's name, and --help's layout.
#include "mlp/cli/command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace simd_mlp::mlp {
namespace {

CommandLine Example() {
  return CommandLine({"usage: example [--flag=value ...]", "Does things.\n", "The end.\n"},
                     {{"epochs", "INTEGER", "epochs", "100", "Training"},
                      {"lr", "NUMBER", "learning rate", "0.001", "Training"},
                      {"quiet", "true|false", "print less", "false", "Output", true},
                      {"save", "FILE.npz", "save here", "", "Output"}});
}

struct Read {
  CommandLine::Outcome outcome;
  std::vector<GivenFlag> given;
  std::string error;
};

Read ReadArgs(std::vector<const char*> args) {
  args.insert(args.begin(), "example");
  Read r;
  r.outcome = Example().Read(int(args.size()), args.data(), &r.given, &r.error);
  return r;
}

TEST(CommandLine, HandsBackEveryFlagInOrder) {
  const Read r = ReadArgs({"--lr=0.1", "--quiet", "--epochs", "3", "--lr=", "--quiet=false"});
  ASSERT_EQ(r.outcome, CommandLine::Outcome::kFlags) << r.error;
  const std::vector<std::pair<std::size_t, std::string>> want = {
      {1, "0.1"}, {2, "true"}, {0, "3"}, {1, ""}, {2, "false"}};
  ASSERT_EQ(r.given.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(r.given[i].flag, want[i].first) << i;
    EXPECT_EQ(r.given[i].value, want[i].second) << i;
  }
}

TEST(CommandLine, UnknownFlagsNameTheNearestOne) {
  EXPECT_EQ(ReadArgs({"--epoch=3"}).error, "unknown flag --epoch (did you mean --epochs?)");
  EXPECT_EQ(ReadArgs({"--sav=m.npz"}).error, "unknown flag --sav (did you mean --save?)");
  EXPECT_EQ(ReadArgs({"--qiuet"}).error, "unknown flag --qiuet (did you mean --quiet?)");
  EXPECT_EQ(ReadArgs({"--frobnicate=1"}).error, "unknown flag --frobnicate (see --help)");
  EXPECT_EQ(ReadArgs({"--lr=1", "foo"}).error,
            "bad argument 'foo': expected --name=value (see --help)");
  EXPECT_EQ(ReadArgs({"-x"}).outcome, CommandLine::Outcome::kError);
}

TEST(CommandLine, HelpWinsAndListsEveryFlagWithItsDefault) {
  EXPECT_EQ(ReadArgs({"--lr=1", "-h"}).outcome, CommandLine::Outcome::kHelp);
  EXPECT_EQ(ReadArgs({"--help"}).outcome, CommandLine::Outcome::kHelp);
  const std::string help = Example().Help();
  EXPECT_EQ(help.rfind("usage: example [--flag=value ...]\nDoes things.\n", 0), 0u) << help;
  EXPECT_NE(help.find("\nTraining:\n  --epochs=INTEGER            epochs (default: 100)\n"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("  --quiet[=true|false]        print less (default: false)\n"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("  --save=FILE.npz             save here (default: none)\n"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("  -h,--help"), std::string::npos) << help;
  EXPECT_EQ(help.substr(help.size() - 9), "The end.\n") << help;
}

TEST(NearestName, OnlyNearEnoughToBeATypingMistake) {
  const std::vector<std::string> names = {"batch", "beta1", "beta2", "input", "validation-split"};
  EXPECT_EQ(NearestName("batchs", names), "batch");
  EXPECT_EQ(NearestName("inptu", names), "input");  // a swap is one edit
  EXPECT_EQ(NearestName("beta3", names), "beta1");  // the first of the nearest
  EXPECT_EQ(NearestName("validation", names), "");
  EXPECT_EQ(NearestName("xyz", names), "");
}

}  // namespace
}  // namespace simd_mlp::mlp
