// The command line of //mlp:train: the TrainConfig's settings (mlp/training/settings.h) and the
// run's own flags (data, checkpoints, output, stopping). A recipe is applied first, then every
// other flag overrides one part of it, whatever the order on the command line.
#ifndef SIMD_MLP_MLP_CLI_FLAGS_H_
#define SIMD_MLP_MLP_CLI_FLAGS_H_

#include <string>
#include <vector>

#include "mlp/cli/command_line.h"
#include "mlp/training/config.h"

namespace simd_mlp::mlp {

struct CliOptions {
  TrainConfig config;
  std::vector<std::string> given;  // the flags named on the command line, without "--"

  // Data and checkpoints (mlp/io/checkpoint.h).
  std::string data_path;       // --data: CSV of (x, y); empty: the cos task
  std::string save_path;       // --save: checkpoint written at the end (and every save_every)
  int save_every = 0;          // --save-every: epochs between saves; 0: at the end only
  std::string resume_path;     // --resume: continue this checkpoint's run
  std::string init_from_path;  // --init-from: start from this checkpoint's weights

  // Watching and stopping a run.
  std::string metrics_path;     // empty: no JSON-lines file
  std::string plot_path;        // empty: no SVG
  bool quiet = false;           // the summary only
  int log_every = 0;            // the table's line every this many epochs; 0: automatic
  double validation_split = 0;  // fraction of the training points held out; 0: none
  double target_mse = 0;        // > 0: stop when the monitored MSE (y's units) first reaches it
  int patience = 0;             // > 0: stop on a validation plateau of this many epochs
};

// Reads the command line into *options. kError: a one-line *error naming the flag (an unknown
// flag, a malformed or out-of-range value, an unknown recipe, flags that cannot go together).
CommandLine::Outcome ParseFlags(int argc, const char* const* argv, CliOptions* options,
                                std::string* error);

// The --help text.
std::string Usage();

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CLI_FLAGS_H_
