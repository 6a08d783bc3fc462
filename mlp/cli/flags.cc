#include "mlp/cli/flags.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>

#include "mlp/text/enum_names.h"
#include "mlp/text/number.h"

namespace simd_mlp::mlp {

namespace {

bool ParseDouble(const std::string& s, double* out) {
  return ParseNumber(s, out) == NumberStatus::kOk;
}

bool ParseBool(const std::string& s, bool* out) {
  if (s == "true" || s == "1" || s == "on" || s == "yes")
    *out = true;
  else if (s == "false" || s == "0" || s == "off" || s == "no")
    *out = false;
  else
    return false;
  return true;
}

// A flag that may be given without a value, meaning true.
bool IsSwitch(const std::string& name) { return name == "quiet"; }

// Each setter parses one value into the config; false means "not a valid value" and the caller
// names the flag. Range checks that need the whole config live in ValidateConfig.
using Setter = std::function<bool(const std::string&, CliOptions*)>;

struct Flag {
  Setter set;
  std::string syntax;  // the values it takes, as --help and the error messages print them
  const char* help;
};

Setter Real(double TrainConfig::*field) {
  return
      [field](const std::string& v, CliOptions* o) { return ParseDouble(v, &(o->config.*field)); };
}

Setter Path(std::string CliOptions::*field) {
  return [field](const std::string& v, CliOptions* o) {
    o->*field = v;
    return !v.empty();
  };
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

static_assert(kMaxThreads == 64 && kParallelMinBatch == 128, "update --threads' help text");

const std::map<std::string, Flag>& Flags() {
  static const auto* flags = new std::map<std::string, Flag>{
      {"activation",
       {[](const std::string& v, CliOptions* o) {
          return ValueOf(ActivationNames(), v, &o->config.hidden);
        },
        NameList(ActivationNames()), "hidden-layer activation"}},
      {"output",
       {[](const std::string& v, CliOptions* o) {
          return ValueOf(ActivationNames(), v, &o->config.output);
        },
        NameList(ActivationNames()), "output activation"}},
      {"init",
       {[](const std::string& v, CliOptions* o) { return ValueOf(kInitNames, v, &o->config.init); },
        NameList(kInitNames), "weights N(0,1) or Glorot-uniform (biases are zero)"}},
      {"optimizer",
       {[](const std::string& v, CliOptions* o) {
          return ValueOf(kOptimizerNames, v, &o->config.optimizer);
        },
        NameList(kOptimizerNames), "optimizer"}},
      {"lr", {Real(&TrainConfig::lr), "NUMBER", "learning rate (> 0)"}},
      {"momentum", {Real(&TrainConfig::momentum), "NUMBER", "momentum/nesterov mu, in [0, 1)"}},
      {"rho", {Real(&TrainConfig::rho), "NUMBER", "RMSprop decay, in [0, 1)"}},
      {"beta1", {Real(&TrainConfig::beta1), "NUMBER", "Adam beta1, in [0, 1)"}},
      {"beta2", {Real(&TrainConfig::beta2), "NUMBER", "Adam beta2, in [0, 1)"}},
      {"eps", {Real(&TrainConfig::eps), "NUMBER", "RMSprop/Adam epsilon (> 0)"}},
      {"batch",
       {[](const std::string& v, CliOptions* o) {
          std::uint64_t b;
          if (!ParseUnsigned(v, &b)) return false;
          o->config.batch = static_cast<std::size_t>(b);
          return true;
        },
        "INTEGER", "minibatch size, 1 to the training set's size (a last partial batch is kept)"}},
      {"epochs",
       {[](const std::string& v, CliOptions* o) {
          std::uint64_t e;
          if (!ParseUnsigned(v, &e) || e > 1000000) return false;
          o->config.epochs = static_cast<int>(e);
          return true;
        },
        "INTEGER", "epochs (≥ 1)"}},
      {"seed",
       {[](const std::string& v, CliOptions* o) {
          std::uint64_t s;
          if (!ParseUnsigned(v, &s)) return false;
          o->config.seed = s;
          return true;
        },
        "INTEGER", "seed of the initial weights and the shuffles"}},
      {"data-seed",
       {[](const std::string& v, CliOptions* o) {
          std::uint64_t s;
          if (!ParseUnsigned(v, &s)) return false;
          o->config.data_seed = s;
          return true;
        },
        "INTEGER", "seed of the 80/20 train/test split"}},
      {"shuffle",
       {[](const std::string& v, CliOptions* o) { return ParseBool(v, &o->config.shuffle); },
        "true|false", "reshuffle the training set every epoch"}},
      {"plot",
       {Path(&CliOptions::plot_path), "FILE.svg",
        "after training, write an SVG of the fit and the learning curve"}},
      {"quiet",
       {[](const std::string& v, CliOptions* o) { return ParseBool(v, &o->quiet); }, "true|false",
        "print the summary only (--quiet alone means true)"}},
      {"validation-split",
       {[](const std::string& v, CliOptions* o) {
          return ParseDouble(v, &o->validation_split) && o->validation_split >= 0 &&
                 o->validation_split < 1;
        },
        "FRACTION", "hold out this fraction of the training points (fixed by the data seed)"}},
      {"target-mse",
       {[](const std::string& v, CliOptions* o) {
          return ParseDouble(v, &o->target_mse) && o->target_mse > 0;
        },
        "NUMBER", "stop when validation (else test) MSE first is <= NUMBER (> 0)"}},
      {"patience",
       {[](const std::string& v, CliOptions* o) {
          std::uint64_t p;
          if (!ParseUnsigned(v, &p) || p > 1000000) return false;
          o->patience = static_cast<int>(p);
          return true;
        },
        "INTEGER",
        "stop after INTEGER epochs without a better validation MSE (needs --validation-split)"}},

      {"threads",  // 64 and 128 below: kMaxThreads and kParallelMinBatch (static_assert above)
       {[](const std::string& v, CliOptions* o) {
          std::uint64_t t;
          if (v == "auto") {
            o->config.threads = 0;
          } else if (ParseUnsigned(v, &t) && t >= 1 && t <= std::size_t(kMaxThreads)) {
            o->config.threads = static_cast<int>(t);
          } else {
            return false;
          }
          return true;
        },
        "1…64|auto", "threads per step (auto: every core for a batch ≥ 128, else 1)"}},
      {"metrics",
       {[](const std::string& v, CliOptions* o) {
          o->metrics_path = v;
          return !v.empty();
        },
        "FILE", "write one JSON object per epoch: epoch, train_mse, test_mse, ms"}},
      {"data",
       {Path(&CliOptions::data_path), "FILE.csv",
        "train on these (x, y) rows instead of cos (header optional)"}},
      {"save",
       {Path(&CliOptions::save_path), "FILE.npz",
        "save a checkpoint at the end (atomically; see --save-every)"}},
      {"save-every",
       {[](const std::string& v, CliOptions* o) {
          std::uint64_t e;
          if (!ParseUnsigned(v, &e) || e < 1 || e > 1000000) return false;
          o->save_every = static_cast<int>(e);
          return true;
        },
        "INTEGER", "also save every this many epochs (needs --save)"}},
      {"resume",
       {Path(&CliOptions::resume_path), "FILE.npz",
        "continue the run saved in FILE, bit for bit; --epochs is the new total"}},
      {"init-from",
       {Path(&CliOptions::init_from_path), "FILE.npz",
        "start from FILE's weights, with a fresh optimizer and these flags"}},
  };
  return *flags;
}

// The columns `text` takes on a terminal: its UTF-8 code points, not its bytes (the "…" of
// --threads' syntax is three bytes and one column).
std::size_t Columns(const std::string& text) {
  return std::size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

}  // namespace

bool SetsTrainingMath(const std::string& flag) {
  static const char* const kMath[] = {"recipe", "activation", "output", "init",      "optimizer",
                                      "lr",     "momentum",   "rho",    "beta1",     "beta2",
                                      "eps",    "batch",      "seed",   "data-seed", "shuffle"};
  for (const char* name : kMath) {
    if (flag == name) return true;
  }
  return false;
}

std::string Usage() {
  std::string s =
      "usage: bazel run //mlp:train -- [--recipe=NAME] [--flag=value ...]\n"
      "Trains the 1-100-100-100-1 perceptron on y = cos(x), x in [-10, 10] (8,000 training and\n"
      "2,000 test points), or on the (x, y) rows of --data, and prints one line per epoch. The\n"
      "recipe is applied first; every other flag overrides one part of it. --resume continues a\n"
      "saved run with its own settings (only --epochs, the new total, may change).\n\n"
      "  --recipe=seed|keras|keras-tanh   (default keras)\n"
      "      seed:       tanh everywhere incl. output, N(0,1) weights, SGD lr 0.01, batch 32,\n"
      "                  no reshuffle (the original question, gradient fixed)\n"
      "      keras:      relu hidden, linear output, Glorot-uniform, RMSprop lr 1e-3 rho 0.9\n"
      "                  eps 1e-7, batch 32, reshuffle every epoch\n"
      "      keras-tanh: keras with tanh hidden layers\n";
  for (const auto& [name, flag] : Flags()) {
    std::string line = "  --" + name + "=" + flag.syntax;
    const std::size_t columns = Columns(line);
    line.append(columns < 29 ? 30 - columns : 1, ' ');
    s += line + flag.help + "\n";
  }
  s += "  --help   this text\n"
       "SIMD_MLP_ISA=ref|sse2|avx2|avx512 forces the kernels' instruction set.\n";
  return s;
}

bool ParseFlags(const std::vector<std::string>& args, CliOptions* options, std::string* error) {
  // Split every argument into name and value first, so the recipe can be applied before the
  // flags that override it.
  std::vector<std::pair<std::string, std::string>> parsed;
  std::string recipe = "keras";
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      options->help = true;
      return true;
    }
    const std::size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq == std::string::npos && IsSwitch(arg.substr(2))) {
      parsed.emplace_back(arg.substr(2), "true");  // --quiet means --quiet=true
      continue;
    }
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      *error = "bad argument '" + arg + "': expected --name=value (see --help)";
      return false;
    }
    std::string name = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    options->given.push_back(name);
    if (name == "recipe") {
      recipe = value;
    } else if (Flags().count(name) == 0) {
      *error = "unknown flag --" + name + " (see --help)";
      return false;
    } else {
      parsed.emplace_back(std::move(name), std::move(value));
    }
  }
  if (!RecipeConfig(recipe, &options->config)) {
    *error = "--recipe: unknown recipe '" + recipe + "' (expected one of " + RecipeNames() + ")";
    return false;
  }
  for (const auto& [name, value] : parsed) {
    const auto& flag = Flags().at(name);
    if (!flag.set(value, options)) {
      *error = "--" + name + ": invalid value '" + value + "' (expected " + flag.syntax + ")";
      return false;
    }
  }
  std::string invalid = ValidateConfig(options->config);
  if (invalid.empty()) invalid = ValidateCheckpointFlags(*options);
  if (invalid.empty()) invalid = ValidateRunOptions(*options);
  if (!invalid.empty()) {
    *error = invalid;
    return false;
  }
  return true;
}

std::string ValidateRunOptions(const CliOptions& o) {
  if (o.patience > 0 && o.validation_split == 0) {
    // Choosing weights by their test score would make the test MSE a validation score.
    return "--patience needs --validation-split: it would otherwise pick the weights by test MSE";
  }
  return "";  // what the split leaves for training depends on the data: LoadRunData checks it
}

}  // namespace simd_mlp::mlp
