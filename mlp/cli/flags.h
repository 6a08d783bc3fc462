// Command-line flags of //mlp:train. A recipe is applied first, then every other flag overrides
// one part of it, whatever the order on the command line.
#ifndef SIMD_MLP_MLP_FLAGS_H_
#define SIMD_MLP_MLP_FLAGS_H_

#include <string>
#include <vector>

#include "mlp/training/config.h"

namespace simd_mlp::mlp {

struct CliOptions {
  TrainConfig config;
  std::string metrics_path;  // empty: no JSON-lines file
  bool help = false;

  // Data and checkpoints (see README, "Your own data and saved models").
  std::string data_path;           // --data: CSV of (x, y); empty: the cos task
  std::string save_path;           // --save: checkpoint written at the end (and every save_every)
  int save_every = 0;              // --save-every: epochs between saves; 0: at the end only
  std::string resume_path;         // --resume: continue this checkpoint's run
  std::string init_from_path;      // --init-from: start from this checkpoint's weights
  std::vector<std::string> given;  // the flags named on the command line, without "--"

  // Watching and stopping a run (README, "Watching a run").
  std::string plot_path;        // empty: no SVG
  bool quiet = false;           // the summary only
  double validation_split = 0;  // fraction of the training points held out; 0: none
  double target_mse = 0;        // > 0: stop when the monitored MSE first reaches it
  int patience = 0;             // > 0: stop on a validation plateau of this many epochs
};

// Flags that set the training math (recipe, optimizer, batch, seeds …): a resumed run takes them
// from its checkpoint, so naming one together with --resume is an error.
bool SetsTrainingMath(const std::string& flag);

// Parses args (without the program name). Returns false with a one-line *error naming the flag
// on an unknown flag, a malformed or out-of-range value, or an unknown recipe.
bool ParseFlags(const std::vector<std::string>& args, CliOptions* options, std::string* error);

// Empty if the watching and stopping options agree with each other; otherwise one line naming
// the offending flag. (How many points --validation-split holds out depends on the data: see
// LoadRunData.)
std::string ValidateRunOptions(const CliOptions& options);

// The --help text.
std::string Usage();

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_FLAGS_H_
