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
};

// Parses args (without the program name). Returns false with a one-line *error naming the flag
// on an unknown flag, a malformed or out-of-range value, or an unknown recipe.
bool ParseFlags(const std::vector<std::string>& args, CliOptions* options, std::string* error);

// The --help text.
std::string Usage();

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_FLAGS_H_
