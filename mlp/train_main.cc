// bazel run //mlp:train -- [flags]: trains the model on the cos task and prints one line per
// epoch. See --help, and mlp/flags.cc for the flags.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/checkpoint.h"
#include "mlp/data.h"
#include "mlp/file_io.h"
#include "mlp/flags.h"
#include "mlp/run_setup.h"
#include "mlp/trainer.h"

namespace simd_mlp::mlp {
namespace {

// Reads what the flags name (a checkpoint to resume or start from, the data) and checks that it
// fits together, before any training: a mistake costs no time and overwrites nothing.
bool PrepareRun(const CliOptions& options, TrainConfig* config, RunData* run, Checkpoint* resume,
                Checkpoint* init, std::string* error) {
  if (!ResolveConfig(options, resume, config, error)) return false;
  if (!LoadRunData(options.data_path, config->data_seed, run, error)) return false;
  if (!options.resume_path.empty()) {
    *error = CheckSameData(options.resume_path, *resume, *run);
    if (!error->empty()) return false;
  }
  *error = ValidateBatchForData(*config, run->dataset.train_x.size());
  if (!error->empty()) {
    if (!options.data_path.empty()) *error = options.data_path + ": " + *error;
    return false;
  }
  if (!options.init_from_path.empty() && !LoadCheckpoint(options.init_from_path, init, error)) {
    return false;
  }
  if (!options.save_path.empty() && !CheckWritable(options.save_path, error)) {
    *error = "--save: " + *error;
    return false;
  }
  return true;
}

// Puts the checkpoint's state (--resume) or weights (--init-from) into a new trainer.
bool StartFrom(const CliOptions& options, const Checkpoint& resume, const Checkpoint& init,
               Trainer* trainer, std::string* error) {
  if (!options.resume_path.empty()) {
    if (!trainer->Restore(resume.state, error)) {
      *error = options.resume_path + ": " + *error;
      return false;
    }
    std::printf("resumed from %s at epoch %d\n", options.resume_path.c_str(), trainer->epoch());
  } else if (!options.init_from_path.empty()) {
    trainer->SetParams(init.state.params);
    std::printf("weights from %s\n", options.init_from_path.c_str());
  }
  return true;
}

int Main(int argc, char** argv) {
  CliOptions options;
  std::string error;
  if (!EnterBazelWorkingDirectory(&error)) {
    std::fprintf(stderr, "train: error: %s\n", error.c_str());
    return 2;
  }
  if (!ParseFlags(std::vector<std::string>(argv + 1, argv + argc), &options, &error)) {
    std::fprintf(stderr, "train: error: %s\n", error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  TrainConfig config;
  RunData run;
  Checkpoint resume, init;
  if (!PrepareRun(options, &config, &run, &resume, &init, &error)) {
    std::fprintf(stderr, "train: error: %s\n", error.c_str());
    return 2;
  }

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
  if (!options.data_path.empty()) {
    std::printf("data: %s: %zu training and %zu test points\n", options.data_path.c_str(),
                run.dataset.train_x.size(), run.dataset.test_x.size());
  }
  Trainer trainer(config, k, run.dataset);
  if (!StartFrom(options, resume, init, &trainer, &error)) {
    std::fprintf(stderr, "train: error: %s\n", error.c_str());
    return 2;
  }
  auto save = [&] {
    if (SaveCheckpoint(options.save_path, MakeCheckpoint(config, run, trainer), &error))
      return true;
    std::fprintf(stderr, "train: error: --save: %s\n", error.c_str());
    return false;
  };
  const int first_epoch = trainer.epoch() + 1;

  std::printf("%6s %12s %12s %9s\n", "epoch", "train_mse", "test_mse", "ms");
  EpochStats last, best;
  best.test_mse = 1e300;
  int first_below_1e3 = 0;
  double total_ms = 0;
  for (int epoch = first_epoch; epoch <= config.epochs; ++epoch) {
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
    if (options.save_every > 0 && epoch % options.save_every == 0 && epoch < config.epochs &&
        !save()) {
      if (metrics != nullptr) std::fclose(metrics);
      return 1;
    }
  }
  if (!options.save_path.empty() && !save()) {
    if (metrics != nullptr) std::fclose(metrics);
    return 1;
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
  std::printf("%.2f ms/epoch (isa %s, batch %zu)\n", total_ms / (last.epoch - first_epoch + 1),
              kernels::IsaName(k.isa), config.batch);
  return 0;
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) { return simd_mlp::mlp::Main(argc, argv); }
