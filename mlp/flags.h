// Command-line flags of //mlp:train. A recipe is applied first, then every other flag overrides
// one part of it, whatever the order on the command line.
#ifndef SIMD_MLP_MLP_FLAGS_H_
#define SIMD_MLP_MLP_FLAGS_H_

#include <string>
#include <vector>

#include "mlp/trainer.h"

namespace simd_mlp::mlp {

struct CliOptions {
  TrainConfig config;
  std::string metrics_path;  // empty: no JSON-lines file
  bool help = false;

  // Watching and stopping a run (README, "Watching training").
  std::string plot_path;        // empty: no SVG
  bool quiet = false;           // the summary only
  double validation_split = 0;  // fraction of the training points held out; 0: none
  double target_mse = 0;        // > 0: stop when the monitored MSE first reaches it
  int patience = 0;             // > 0: stop on a validation plateau of this many epochs
};

// Parses args (without the program name). Returns false with a one-line *error naming the flag
// on an unknown flag, a malformed or out-of-range value, or an unknown recipe.
bool ParseFlags(const std::vector<std::string>& args, CliOptions* options, std::string* error);

// Empty if the watching and stopping options agree with each other and with the config (which
// must already pass ValidateConfig); otherwise one line naming the offending flag.
std::string ValidateRunOptions(const CliOptions& options);

// The --help text.
std::string Usage();

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_FLAGS_H_
