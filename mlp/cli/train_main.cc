// bazel run //mlp:train -- [flags]: trains the model on the cos task (or the points of --data)
// and prints one line per epoch. See --help, and mlp/cli/flags.cc for the flags.
//
// A run has three steps: Prepare (everything that can be checked before training is, so that a
// mistake costs no time and overwrites nothing), RunEpochs, and Finish (the final save, the best
// weights, the plot, the summary). Every error leaves through ReportError as one line; the exit
// status is 2 for a mistake in the command line or the files it names, 1 for a run that failed.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>

#include "kernels/kernels.h"
#include "mlp/cli/flags.h"
#include "mlp/cli/progress.h"
#include "mlp/cli/run_setup.h"
#include "mlp/io/checkpoint.h"
#include "mlp/io/file_io.h"
#include "mlp/plot/svg_plot.h"
#include "mlp/plot/training_plot.h"
#include "mlp/text/number.h"
#include "mlp/training/early_stopping.h"
#include "mlp/training/trainer.h"

namespace simd_mlp::mlp {
namespace {

constexpr int kUsageError = 2;  // the command line, or a file it names
constexpr int kRunError = 1;    // the run itself: a diverged loss, a failed write

// The one way an error leaves: one line on stderr, after everything stdout holds so far.
void ReportError(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "train: error: %s\n", message.c_str());
}

// ---- What a run prints ----

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
          "target: %s MSE <= %g reached at epoch %d, after %s samples and %.4f s of wall time "
          "(%.4f s of it in training steps)\n",
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

// ---- Before the first epoch ----

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

// ---- The run ----

class TrainingRun {
 public:
  explicit TrainingRun(const CliOptions& options)
      : options_(options),
        verbose_(!options.quiet),
        stopping_({options.target_mse, options.patience}) {}
  ~TrainingRun() {
    if (metrics_ != nullptr) std::fclose(metrics_);
  }
  TrainingRun(const TrainingRun&) = delete;
  TrainingRun& operator=(const TrainingRun&) = delete;

  // The data, the checkpoints the flags name, the files the run writes, the trainer. False once
  // the error is reported.
  bool Prepare() {
    std::string error;
    if (!PrepareRun(options_, &config_, &data_, &resume_, &init_, &error)) {
      return Fail(kUsageError, error);
    }
    if (!options_.metrics_path.empty()) {
      metrics_ = std::fopen(options_.metrics_path.c_str(), "w");
      if (metrics_ == nullptr) {
        return Fail(kUsageError,
                    "--metrics: cannot open '" + options_.metrics_path + "' for writing");
      }
    }
    k_ = &kernels::Kernels<float>();  // exits with a one-line error on a bad SIMD_MLP_ISA
    if (verbose_) PrintPreamble(options_, config_, *k_, data_, Monitored());
    try {
      trainer_ = std::make_unique<Trainer>(config_, *k_, data_.dataset);
    } catch (const std::system_error& e) {  // the thread pool could not start its threads
      return Fail(kRunError, "--threads=" + std::to_string(ThreadsFor(config_)) +
                                 ": cannot start the threads: " + e.what());
    }
    if (!StartFrom(options_, resume_, init_, verbose_, trainer_.get(), &error)) {
      return Fail(kUsageError, error);
    }
    return true;
  }

  // From the epoch after the trainer's to the last, or to a stop rule. False once a diverged loss
  // or a failed periodic save is reported.
  bool RunEpochs() {
    if (verbose_) PrintTableHeader(HasValidation());
    if (verbose_ && isatty(STDOUT_FILENO)) {
      progress_ = std::make_unique<ProgressLine>(stdout, config_.epochs,
                                                 data_.dataset.train_x.size(), config_.batch);
      trainer_->set_batch_observer(progress_.get());
    }
    record_.best.test_mse = 1e300;
    record_.plot.description = DescribeConfig(config_);
    record_.plot.data_name = options_.data_path;
    record_.plot.normalization = data_.normalization;
    record_.plot.target_mse = options_.target_mse;
    const auto run_start = std::chrono::steady_clock::now();
    for (int epoch = trainer_->epoch() + 1; epoch <= config_.epochs; ++epoch) {
      EpochStats stats;
      std::string error;
      if (progress_) progress_->StartEpoch(epoch);
      const bool ok = trainer_->RunEpoch(&stats, &error);
      if (progress_) progress_->EndEpoch();
      if (!ok) return Fail(kRunError, error);
      Record(stats);
      reason_ = stopping_.Observe(
          epoch, HasValidation() ? record_.plot.validation_mse.back() : stats.test_mse,
          trainer_->model().params());
      if (reason_ == StopReason::kTarget) {
        record_.target_epoch = epoch;
        record_.target_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
      }
      if (reason_ != StopReason::kNone) break;
      const bool more = epoch < config_.epochs;
      if (options_.save_every > 0 && epoch % options_.save_every == 0 && more && !Save()) {
        return false;
      }
    }
    return true;
  }

  // The final save (if the epochs ran to their end), the metrics file, the best epoch's weights
  // (with --patience), the plot, and the summary (if the epochs ran to their end).
  void Finish(bool trained) {
    // The checkpoint holds the last epoch's state, from which a run can go on; --patience's best
    // weights are what the summary and the plot show.
    if (trained && !options_.save_path.empty()) trained = Save();
    if (metrics_ != nullptr && std::fclose(metrics_) != 0) {
      Fail(kRunError, "--metrics: writing '" + options_.metrics_path + "' failed");
    }
    metrics_ = nullptr;
    if (record_.plot.epochs.empty()) return;  // failed in the first epoch: nothing to show

    // With patience the run ends on the best validation epoch's weights, whether it stopped early
    // or ran out of epochs.
    std::string restored;
    if (stopping_.best_params() != nullptr && stopping_.best_epoch() > 0 && trained) {
      restored = RestoreBestWeights(stopping_, data_.dataset, trainer_.get(), &record_.plot);
    } else {
      const EpochStats& last = record_.plot.epochs.back();
      record_.plot.fit_caption =
          FitCaption("after epoch " + std::to_string(last.epoch), last.test_mse);
    }
    if (!options_.plot_path.empty()) WritePlot();
    if (!trained) return;
    PrintSummary(record_, *k_, config_.batch);
    PrintStoppingReport(options_, record_, stopping_, reason_, data_.dataset.train_x.size(),
                        Monitored());
    std::fputs(restored.c_str(), stdout);
  }

  int status() const { return status_; }

 private:
  bool HasValidation() const { return !data_.validation.x.empty(); }
  const char* Monitored() const { return HasValidation() ? "validation" : "test"; }

  // Reports the error and records the exit status; returns false.
  bool Fail(int status, const std::string& message) {
    ReportError(message);
    status_ = status;
    return false;
  }

  // Keeps one epoch's figures and prints its line (and its metrics line).
  void Record(const EpochStats& stats) {
    const Samples<float>& validation = data_.validation;
    const double validation_mse =
        HasValidation()
            ? trainer_->Evaluate(validation.x.data(), validation.y.data(), validation.x.size())
            : NAN;
    record_.plot.epochs.push_back(stats);
    if (HasValidation()) record_.plot.validation_mse.push_back(validation_mse);
    record_.total_ms += stats.ms;
    if (stats.test_mse < record_.best.test_mse) record_.best = stats;
    if (record_.first_below_1e3 == 0 && stats.test_mse <= 1e-3) {
      record_.first_below_1e3 = stats.epoch;
    }
    if (verbose_) {
      PrintEpochLine(stats, HasValidation(), validation_mse);
      std::fflush(stdout);
    }
    if (metrics_ != nullptr) WriteMetricsLine(metrics_, stats, HasValidation(), validation_mse);
  }

  bool Save() {
    std::string error;
    if (SaveCheckpoint(options_.save_path, MakeCheckpoint(config_, data_, *trainer_), &error)) {
      return true;
    }
    return Fail(kRunError, "--save: " + error);
  }

  void WritePlot() {
    const std::string svg = RenderSvg(TrainingFigure(record_.plot, data_.dataset, trainer_.get()));
    std::string error;
    if (!WriteFileAtomically(options_.plot_path, svg, &error)) {
      Fail(kRunError, "--plot: " + error);
    } else if (verbose_) {
      std::printf("plot: wrote %s\n", options_.plot_path.c_str());
    }
  }

  const CliOptions& options_;
  const bool verbose_;
  TrainConfig config_;
  RunData data_;
  Checkpoint resume_, init_;
  std::FILE* metrics_ = nullptr;
  const kernels::KernelTable<float>* k_ = nullptr;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<ProgressLine> progress_;  // on a terminal only
  EarlyStopping stopping_;
  StopReason reason_ = StopReason::kNone;
  RunRecord record_;
  int status_ = 0;
};

int Main(int argc, char** argv) {
  CliOptions options;
  std::string error;
  if (!EnterBazelWorkingDirectory(&error)) {
    ReportError(error);
    return kUsageError;
  }
  switch (ParseFlags(argc, argv, &options, &error)) {
    case CommandLine::Outcome::kHelp:
      std::fputs(Usage().c_str(), stdout);
      return 0;
    case CommandLine::Outcome::kError:
      ReportError(error);
      return kUsageError;
    case CommandLine::Outcome::kFlags:
      break;
  }
  TrainingRun run(options);
  if (run.Prepare()) run.Finish(run.RunEpochs());
  return run.status();
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) { return simd_mlp::mlp::Main(argc, argv); }
