#include "mlp/cli/flags.h"

#include "mlp/text/printable.h"
#include "mlp/training/settings.h"

namespace simd_mlp::mlp {

namespace {

constexpr char kDefaultRecipe[] = "keras";

const char* const kTrainingGroup =
    "Training (defaults: the keras recipe's; a resumed run keeps its checkpoint's)";
const char* const kRunGroup = "Data, checkpoints and output";

bool IsFraction(double v) { return v >= 0 && v < 1; }
bool IsPositive(double v) { return v > 0; }

// The run's flags beyond the TrainConfig's settings.
std::vector<Field<CliOptions>> RunFields() {
  using O = CliOptions;
  return {
      TextField<O>("data", &O::data_path, "FILE.csv",
                   "train on these (x, y) rows instead of cos (header optional)"),
      TextField<O>("save", &O::save_path, "FILE.npz",
                   "save a checkpoint at the end (atomically; see --save-every); with --patience, "
                   "of the best epoch's state"),
      IntegerField<O>("save-every", &O::save_every, 1, kMaxEpochs,
                      "also save every this many epochs (needs --save)"),
      TextField<O>("resume", &O::resume_path, "FILE.npz",
                   "continue the run saved in FILE, bit for bit; --epochs is the new total"),
      TextField<O>("init-from", &O::init_from_path, "FILE.npz",
                   "start from FILE's weights, with a fresh optimizer and these flags"),
      TextField<O>("metrics", &O::metrics_path, "FILE",
                   "write one JSON object per epoch: epoch, train_mse, test_mse, ms, the MSEs in "
                   "y's units (with --data, also as the network's, on y scaled to [-1, 1]: "
                   "train_mse_normalized, ...); the whole file, atomically, with each save and at "
                   "the end"),
      TextField<O>("plot", &O::plot_path, "FILE.svg",
                   "after training, write an SVG of the fit and the learning curve"),
      SwitchField<O>("quiet", &O::quiet, "print the summary lines only"),
      IntegerField<O>("log-every", &O::log_every, 1, kMaxEpochs,
                      "print every Nth epoch's line (and the last); auto: every epoch to a file or "
                      "a pipe, and on a terminal a round N that keeps the lines about half a "
                      "second apart (at most a tenth of the epochs), with a live line between",
                      "auto"),
      NumberField<O>("validation-split", &O::validation_split,
                     "hold out this fraction of the training points (fixed by the data seed)",
                     "FRACTION", IsFraction),
      NumberField<O>("target-mse", &O::target_mse,
                     "stop when validation (else test) MSE, in y's units (squared), first is <= "
                     "NUMBER (> 0)",
                     "NUMBER", IsPositive),
      IntegerField<O>("patience", &O::patience, 0, kMaxEpochs,
                      "stop after INTEGER epochs without a better validation MSE (needs "
                      "--validation-split)"),
  };
}

// Every flag of //mlp:train, the TrainConfig's settings first, and how it shows in --help.
struct TrainFlags {
  std::vector<Field<CliOptions>> fields;
  CommandLine command_line;
};

const TrainFlags& Flags() {
  static const TrainFlags* flags = [] {
    std::vector<Field<CliOptions>> fields;
    std::vector<Flag> shown;
    CliOptions defaults;
    RecipeConfig(kDefaultRecipe, &defaults.config);
    for (const Setting& s : Settings()) {
      fields.push_back(NestedField(s.field, &CliOptions::config));
      shown.push_back(FlagOf(fields.back(), defaults, kTrainingGroup));
    }
    for (Field<CliOptions>& field : RunFields()) {
      fields.push_back(std::move(field));
      shown.push_back(FlagOf(fields.back(), defaults, kRunGroup));
    }
    Program program{
        "usage: bazel run //mlp:train -- [--recipe=NAME] [--flag=value ...]",
        "Trains the 1-100-100-100-1 perceptron on y = cos(x), x in [-10, 10] (8,000 training and\n"
        "2,000 test points), or on the (x, y) rows of --data, and prints a line per epoch (see\n"
        "--log-every): train_mse, the running mean of the epoch's batch losses (as Keras reports\n"
        "it); test_mse, after the epoch; MSEs in y's units. The recipe is applied first; every\n"
        "other flag overrides one part of it. --resume continues a saved run with its own\n"
        "settings (only --epochs, the new total, may change).\n",
        "SIMD_MLP_ISA=ref|sse2|avx2|avx512|neon forces the kernels' instruction set.\n"
        "Outputs (--save, --metrics, --plot) are claimed before training and written atomically;\n"
        "none may be an input (but --save may replace the checkpoint of --resume or --init-from)\n"
        "or another output. A failed or diverged run writes nothing; SIGINT or SIGTERM saves the\n"
        "last completed epoch (with --patience, the best so far) and exits 130 or 143. Limits,\n"
        "symlinks, exit statuses, units, early stopping and resuming: docs/cli.md.\n"};
    return new TrainFlags{std::move(fields), CommandLine(std::move(program), std::move(shown))};
  }();
  return *flags;
}

// Combinations of the data and checkpoint flags that cannot mean anything.
std::string ValidateCheckpointFlags(const CliOptions& o) {
  if (!o.resume_path.empty() && !o.init_from_path.empty()) {
    return "--resume and --init-from exclude each other: resume a run, or start one from weights";
  }
  if (o.save_every > 0 && o.save_path.empty()) return "--save-every needs --save=FILE";
  if (!o.resume_path.empty()) {
    for (const std::string& flag : o.given) {
      if (SetsTrainingMath(flag)) {
        return "--" + flag +
               " cannot be combined with --resume: a resumed run keeps its checkpoint's settings "
               "(use --init-from to start a new run from its weights)";
      }
    }
  }
  return "";
}

// Empty if the watching and stopping options agree with each other; otherwise one line naming
// the offending flag. (How many points --validation-split holds out depends on the data: see
// LoadRunData.)
std::string ValidateRunOptions(const CliOptions& o) {
  if (o.patience > 0 && o.validation_split == 0) {
    // Choosing weights by their test score would make the test MSE a validation score.
    return "--patience needs --validation-split: it would otherwise pick the weights by test MSE";
  }
  return "";
}

}  // namespace

std::string Usage() { return Flags().command_line.Help(); }

CommandLine::Outcome ParseFlags(int argc, const char* const* argv, CliOptions* options,
                                std::string* error) {
  const TrainFlags& flags = Flags();
  std::vector<GivenFlag> given;
  const CommandLine::Outcome outcome = flags.command_line.Read(argc, argv, &given, error);
  if (outcome != CommandLine::Outcome::kFlags) return outcome;

  // The recipe first (the last --recipe given), then every other flag over it, in order.
  std::string recipe = kDefaultRecipe;
  for (const GivenFlag& flag : given) {
    const std::string name = flags.fields[flag.flag].name;
    options->given.push_back(name);
    if (name == "recipe") recipe = flag.value;
  }
  if (!RecipeConfig(recipe, &options->config)) {
    *error = "--recipe: unknown recipe " + Quoted(recipe) + " (expected one of " +
             RecipeNames(", ") + ")";
    return CommandLine::Outcome::kError;
  }
  for (const GivenFlag& flag : given) {
    const Field<CliOptions>& field = flags.fields[flag.flag];
    if (std::string(field.name) == "recipe") continue;
    if (!SetFlag(field, flag.value, options, error)) return CommandLine::Outcome::kError;
  }

  *error = ValidateConfig(options->config);
  if (error->empty()) *error = ValidateCheckpointFlags(*options);
  if (error->empty()) *error = ValidateRunOptions(*options);
  return error->empty() ? CommandLine::Outcome::kFlags : CommandLine::Outcome::kError;
}

}  // namespace simd_mlp::mlp
