// bazel run //mlp:train -- [flags]: trains the model on the cos task (or the points of --data)
// and prints one line per epoch. See --help, and mlp/flags.cc for the flags.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/io/checkpoint.h"
#include "mlp/training/data.h"
#include "mlp/training/early_stopping.h"
#include "mlp/io/file_io.h"
#include "mlp/cli/flags.h"
#include "mlp/cli/progress.h"
#include "mlp/cli/run_setup.h"
#include "mlp/plot/svg_plot.h"
#include "mlp/text/number.h"
#include "mlp/training/trainer.h"
#include "mlp/plot/training_plot.h"

namespace simd_mlp::mlp {
namespace {

// The run's figures, kept for the summary, the stopping report and the plot.
struct RunRecord {
  TrainingPlotInputs plot;  // every epoch's stats (and validation MSE)
  EpochStats best;          // by test MSE, as the summary has always reported
  int first_below_1e3 = 0;
  double total_ms = 0;        // training steps only, summed over the epochs
  int target_epoch = 0;       // the epoch that reached --target-mse, 0 if none did
  double target_seconds = 0;  // wall time from the first epoch's start to that epoch's end
};

void PrintEpochLine(const EpochStats& s, bool has_validation, double validation_mse) {
  std::printf("%6d %12.4e %12.4e", s.epoch, s.train_mse, s.test_mse);
  if (has_validation) std::printf(" %12.4e", validation_mse);
  std::printf(" %9.2f\n", s.ms);
}

void WriteMetricsLine(std::FILE* metrics, const EpochStats& s, bool has_validation,
                      double validation_mse) {
  std::fprintf(metrics, "{\"epoch\": %d, \"train_mse\": %.9g, \"test_mse\": %.9g", s.epoch,
               s.train_mse, s.test_mse);
  if (has_validation) std::fprintf(metrics, ", \"validation_mse\": %.9g", validation_mse);
  std::fprintf(metrics, ", \"ms\": %.4f}\n", s.ms);
}

// The lines before the epoch table: the ISA, the recipe, the data, the validation set, the
// stopping rules.
void PrintPreamble(const CliOptions& o, const TrainConfig& config,
                   const kernels::KernelTable<float>& k, const RunData& run,
                   const char* monitored) {
  std::printf("isa: %s\n%s\n", kernels::IsaName(k.isa), DescribeConfig(config).c_str());
  const std::size_t train = run.dataset.train_x.size(), held_out = run.validation.x.size();
  if (!o.data_path.empty()) {
    std::printf("data: %s: %zu training and %zu test points\n", o.data_path.c_str(),
                train + held_out, run.dataset.test_x.size());
  }
  if (held_out > 0) {
    std::printf(
        "validation: %s of the %s training points held out (fixed by the data seed); "
        "training on %s\n",
        GroupThousands(held_out).c_str(), GroupThousands(train + held_out).c_str(),
        GroupThousands(train).c_str());
  }
  if (o.target_mse > 0) {
    std::printf("stop: at the first epoch with %s MSE <= %g\n", monitored, o.target_mse);
  }
  if (o.patience > 0) {
    std::printf(
        "stop: after %d epochs without a better validation MSE; the best epoch's weights are "
        "kept\n",
        o.patience);
  }
}

void PrintTableHeader(bool has_validation) {
  std::printf("%6s %12s %12s", "epoch", "train_mse", "test_mse");
  if (has_validation) std::printf(" %12s", "val_mse");
  std::printf(" %9s\n", "ms");
  std::fflush(stdout);
}

std::string FitCaption(const std::string& weights, double test_mse) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s: test MSE %.2e", weights.c_str(), test_mse);
  return buf;
}

// Puts the best validation epoch's weights back, captions the plot's fit with them, and returns
// the summary's line about it.
std::string RestoreBestWeights(const EarlyStopping& stopping, const Dataset<float>& data,
                               Trainer* trainer, TrainingPlotInputs* plot) {
  trainer->SetParams(*stopping.best_params());
  const double test_mse =
      trainer->Evaluate(data.test_x.data(), data.test_y.data(), data.test_x.size());
  plot->restored_epoch = stopping.best_epoch();
  plot->fit_caption = FitCaption(
      "with epoch " + std::to_string(stopping.best_epoch()) + "'s weights (best validation)",
      test_mse);
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "restored: the weights of epoch %d (best validation MSE %.4e): test MSE %.4e\n",
                stopping.best_epoch(), stopping.best_mse(), test_mse);
  return buf;
}

void PrintSummary(const RunRecord& run, const kernels::KernelTable<float>& k, std::size_t batch) {
  const EpochStats& last = run.plot.epochs.back();
  std::printf("summary: final test MSE %.4e (train %.4e) after %d epochs; best %.4e at epoch %d; ",
              last.test_mse, last.train_mse, last.epoch, run.best.test_mse, run.best.epoch);
  if (run.first_below_1e3 > 0) {
    std::printf("first test MSE <= 1e-3 at epoch %d; ", run.first_below_1e3);
  } else {
    std::printf("test MSE never <= 1e-3; ");
  }
  std::printf("%.2f ms/epoch (isa %s, batch %zu)\n", run.total_ms / double(run.plot.epochs.size()),
              kernels::IsaName(k.isa), batch);
}

void PrintStoppingReport(const CliOptions& o, const RunRecord& run, const EarlyStopping& stopping,
                         StopReason reason, std::size_t train_points, const char* monitored) {
  const int epochs = run.plot.epochs.empty() ? 0 : run.plot.epochs.back().epoch;
  if (o.target_mse > 0) {
    if (run.target_epoch > 0) {
      std::printf(
          "target: %s MSE <= %g reached at epoch %d, after %s samples and %.3f s of wall time "
          "(%.3f s of it in training steps)\n",
          monitored, o.target_mse, run.target_epoch,
          GroupThousands(std::size_t(run.target_epoch) * train_points).c_str(), run.target_seconds,
          run.total_ms / 1e3);
    } else {
      std::printf("target: %s MSE <= %g not reached in %d epochs (best %.4e at epoch %d)\n",
                  monitored, o.target_mse, epochs, stopping.best_mse(), stopping.best_epoch());
    }
  }
  if (o.patience > 0 && reason == StopReason::kPatience) {
    std::printf("early stop: validation MSE has not improved for %d epochs (after epoch %d)\n",
                o.patience, epochs);
  }
}

// Reads what the flags name (a checkpoint to resume or start from, the data) and checks that it
// fits together, before any training: a mistake costs no time and overwrites nothing.
bool PrepareRun(const CliOptions& options, TrainConfig* config, RunData* run, Checkpoint* resume,
                Checkpoint* init, std::string* error) {
  if (!ResolveConfig(options, resume, config, error)) return false;
  if (!LoadRunData(options.data_path, config->data_seed, run, error)) return false;
  if (options.validation_split > 0 && !HoldOutValidation(options.validation_split, run, error)) {
    if (!options.data_path.empty()) *error = options.data_path + ": " + *error;
    return false;
  }
  if (!options.resume_path.empty()) {
    *error = CheckSameData(options.resume_path, *resume, *run);
    if (!error->empty()) return false;
  }
  *error = ValidateBatchForData(*config, run->dataset.train_x.size());
  if (!error->empty()) {
    if (options.validation_split > 0) *error += " (after --validation-split)";
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
  // Found now, not after the training the figure would have shown.
  if (!options.plot_path.empty() && !CheckWritable(options.plot_path, error)) {
    *error = "--plot: " + *error;
    return false;
  }
  return true;
}

// Puts the checkpoint's state (--resume) or weights (--init-from) into a new trainer.
bool StartFrom(const CliOptions& options, const Checkpoint& resume, const Checkpoint& init,
               bool verbose, Trainer* trainer, std::string* error) {
  if (!options.resume_path.empty()) {
    if (!trainer->Restore(resume.state, error)) {
      *error = options.resume_path + ": " + *error;
      return false;
    }
    if (verbose) {
      std::printf("resumed from %s at epoch %d\n", options.resume_path.c_str(), trainer->epoch());
    }
  } else if (!options.init_from_path.empty()) {
    trainer->SetParams(init.state.params);
    if (verbose) std::printf("weights from %s\n", options.init_from_path.c_str());
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
  switch (ParseFlags(argc, argv, &options, &error)) {
    case CommandLine::Outcome::kHelp:
      std::fputs(Usage().c_str(), stdout);
      return 0;
    case CommandLine::Outcome::kError:
      std::fprintf(stderr, "train: error: %s\n", error.c_str());
      return 2;
    case CommandLine::Outcome::kFlags:
      break;
  }
  const bool verbose = !options.quiet;
  TrainConfig config;
  RunData data;
  Checkpoint resume, init;
  if (!PrepareRun(options, &config, &data, &resume, &init, &error)) {
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
  const Dataset<float>& dataset = data.dataset;
  const Samples<float>& validation = data.validation;
  const bool has_validation = !validation.x.empty();
  const char* monitored = has_validation ? "validation" : "test";
  if (verbose) PrintPreamble(options, config, k, data, monitored);
  std::unique_ptr<Trainer> owned_trainer;
  try {
    owned_trainer = std::make_unique<Trainer>(config, k, dataset);
  } catch (const std::system_error& e) {  // the thread pool could not start its threads
    std::fprintf(stderr, "train: error: --threads=%d: cannot start the threads: %s\n",
                 ThreadsFor(config), e.what());
    return 1;
  }
  Trainer& trainer = *owned_trainer;
  if (!StartFrom(options, resume, init, verbose, &trainer, &error)) {
    std::fprintf(stderr, "train: error: %s\n", error.c_str());
    return 2;
  }
  auto save = [&] {
    if (SaveCheckpoint(options.save_path, MakeCheckpoint(config, data, trainer), &error))
      return true;
    std::fprintf(stderr, "train: error: --save: %s\n", error.c_str());
    return false;
  };
  const int first_epoch = trainer.epoch() + 1;
  if (verbose) PrintTableHeader(has_validation);

  std::unique_ptr<ProgressLine> progress;
  if (verbose && isatty(STDOUT_FILENO)) {
    progress =
        std::make_unique<ProgressLine>(stdout, config.epochs, dataset.train_x.size(), config.batch);
    trainer.set_batch_observer(progress.get());
  }

  EarlyStopping stopping({options.target_mse, options.patience});
  StopReason reason = StopReason::kNone;
  RunRecord run;
  run.best.test_mse = 1e300;
  run.plot.description = DescribeConfig(config);
  run.plot.data_name = options.data_path;
  run.plot.normalization = data.normalization;
  run.plot.target_mse = options.target_mse;
  bool failed = false;  // a diverged loss or a failed save: no summary
  const auto run_start = std::chrono::steady_clock::now();
  for (int epoch = first_epoch; epoch <= config.epochs && reason == StopReason::kNone; ++epoch) {
    EpochStats last;
    if (progress) progress->StartEpoch(epoch);
    const bool ok = trainer.RunEpoch(&last, &error);
    if (progress) progress->EndEpoch();
    if (!ok) {
      std::fflush(stdout);
      std::fprintf(stderr, "train: error: %s\n", error.c_str());
      failed = true;
      break;
    }
    const double validation_mse =
        has_validation
            ? trainer.Evaluate(validation.x.data(), validation.y.data(), validation.x.size())
            : NAN;
    run.plot.epochs.push_back(last);
    if (has_validation) run.plot.validation_mse.push_back(validation_mse);
    run.total_ms += last.ms;
    if (last.test_mse < run.best.test_mse) run.best = last;
    if (run.first_below_1e3 == 0 && last.test_mse <= 1e-3) run.first_below_1e3 = epoch;
    if (verbose) {
      PrintEpochLine(last, has_validation, validation_mse);
      std::fflush(stdout);
    }
    if (metrics != nullptr) WriteMetricsLine(metrics, last, has_validation, validation_mse);

    reason = stopping.Observe(epoch, has_validation ? validation_mse : last.test_mse,
                              trainer.model().params());
    if (reason == StopReason::kTarget) {
      run.target_epoch = epoch;
      run.target_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
    }
    const bool more = epoch < config.epochs && reason == StopReason::kNone;
    if (options.save_every > 0 && epoch % options.save_every == 0 && more && !save()) {
      failed = true;
      break;
    }
  }
  // The checkpoint holds the last epoch's state, from which a run can go on; --patience's best
  // weights are what the summary and the plot show.
  if (!failed && !options.save_path.empty() && !save()) failed = true;
  int status = failed ? 1 : 0;
  if (metrics != nullptr && std::fclose(metrics) != 0) {
    std::fprintf(stderr, "train: error: --metrics: writing '%s' failed\n",
                 options.metrics_path.c_str());
    status = 1;
  }
  if (run.plot.epochs.empty()) return status;  // failed in the first epoch: nothing to show
  const EpochStats& last = run.plot.epochs.back();

  // With patience the run ends on the best validation epoch's weights, whether it stopped early
  // or ran out of epochs.
  std::string restored;
  if (stopping.best_params() != nullptr && stopping.best_epoch() > 0 && !failed) {
    restored = RestoreBestWeights(stopping, dataset, &trainer, &run.plot);
  } else {
    run.plot.fit_caption = FitCaption("after epoch " + std::to_string(last.epoch), last.test_mse);
  }

  if (!options.plot_path.empty()) {
    const std::string svg = RenderSvg(TrainingFigure(run.plot, dataset, &trainer));
    if (!WriteFileAtomically(options.plot_path, svg, &error)) {
      std::fprintf(stderr, "train: error: --plot: %s\n", error.c_str());
      status = 1;
    } else if (verbose) {
      std::printf("plot: wrote %s\n", options.plot_path.c_str());
    }
  }
  if (failed) return status;

  PrintSummary(run, k, config.batch);
  PrintStoppingReport(options, run, stopping, reason, dataset.train_x.size(), monitored);
  std::fputs(restored.c_str(), stdout);
  return status;
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) { return simd_mlp::mlp::Main(argc, argv); }
