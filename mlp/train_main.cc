// bazel run //mlp:train -- [flags]: trains the model on the cos task and prints one line per
// epoch. See --help, and mlp/flags.cc for the flags.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/data.h"
#include "mlp/flags.h"
#include "mlp/trainer.h"

namespace simd_mlp::mlp {
namespace {

int Main(int argc, char** argv) {
  CliOptions options;
  std::string error;
  if (!ParseFlags(std::vector<std::string>(argv + 1, argv + argc), &options, &error)) {
    std::fprintf(stderr, "train: error: %s\n", error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  const TrainConfig& config = options.config;

  std::FILE* metrics = nullptr;
  if (!options.metrics_path.empty()) {
    metrics = std::fopen(options.metrics_path.c_str(), "w");
    if (metrics == nullptr) {
      std::fprintf(stderr, "train: error: --metrics: cannot open '%s' for writing\n",
                   options.metrics_path.c_str());
      return 2;
    }
  }

  const auto& k = kernels::Kernels<float>();  // exits with a one-line error on a bad SIMD_MLP_ISA
  std::printf("isa: %s\n%s\n", kernels::IsaName(k.isa), DescribeConfig(config).c_str());
  const Dataset<float> data = MakeCosDataset<float>(config.data_seed);
  Trainer trainer(config, k, data);

  std::printf("%6s %12s %12s %9s\n", "epoch", "train_mse", "test_mse", "ms");
  EpochStats last, best;
  best.test_mse = 1e300;
  int first_below_1e3 = 0;
  double total_ms = 0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    if (!trainer.RunEpoch(&last, &error)) {
      std::fprintf(stderr, "train: error: %s\n", error.c_str());
      if (metrics != nullptr) std::fclose(metrics);
      return 1;
    }
    total_ms += last.ms;
    if (last.test_mse < best.test_mse) best = last;
    if (first_below_1e3 == 0 && last.test_mse <= 1e-3) first_below_1e3 = epoch;
    std::printf("%6d %12.4e %12.4e %9.2f\n", last.epoch, last.train_mse, last.test_mse, last.ms);
    std::fflush(stdout);
    if (metrics != nullptr) {
      std::fprintf(metrics,
                   "{\"epoch\": %d, \"train_mse\": %.9g, \"test_mse\": %.9g, \"ms\": %.4f}\n",
                   last.epoch, last.train_mse, last.test_mse, last.ms);
    }
  }
  if (metrics != nullptr && std::fclose(metrics) != 0) {
    std::fprintf(stderr, "train: error: --metrics: writing '%s' failed\n",
                 options.metrics_path.c_str());
    return 1;
  }
  std::printf("summary: final test MSE %.4e (train %.4e) after %d epochs; best %.4e at epoch %d; ",
              last.test_mse, last.train_mse, last.epoch, best.test_mse, best.epoch);
  if (first_below_1e3 > 0) {
    std::printf("first test MSE <= 1e-3 at epoch %d; ", first_below_1e3);
  } else {
    std::printf("test MSE never <= 1e-3; ");
  }
  std::printf("%.2f ms/epoch (isa %s, batch %zu)\n", total_ms / last.epoch, kernels::IsaName(k.isa),
              config.batch);
  return 0;
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) { return simd_mlp::mlp::Main(argc, argv); }
