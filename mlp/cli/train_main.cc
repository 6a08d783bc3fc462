// bazel run //mlp:train -- [flags]: trains the model on the cos task (or the points of --data)
// and prints one line per epoch. See --help, and mlp/cli/flags.cc for the flags.
//
// A run has three steps: Prepare (everything that can be checked before training is, so that a
// mistake costs no time and overwrites nothing: the flags, SIMD_MLP_ISA, every input read, every
// output claimed), RunEpochs, and Finish (the final save, the metrics, the best weights, the plot,
// the summary). Every output is written atomically and only by a run that ends well (or is
// stopped by a signal, below); a run that fails or diverges leaves every file as it was. Every
// error leaves through ReportError as one line; the exit status is 2 for a mistake in the command
// line or the files it names, 1 for a run that failed (diverged, a failed write, out of memory),
// 128 + the signal for a run stopped by SIGINT or SIGTERM. docs/cli.md says all this for users.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/cli/command_line.h"
#include "mlp/cli/flags.h"
#include "mlp/cli/progress.h"
#include "mlp/cli/run_setup.h"
#include "mlp/io/checkpoint.h"
#include "mlp/io/file_io.h"
#include "mlp/plot/svg_plot.h"
#include "mlp/plot/training_plot.h"
#include "mlp/text/number.h"
#include "mlp/text/printable.h"
#include "mlp/training/early_stopping.h"
#include "mlp/training/trainer.h"

namespace simd_mlp::mlp {
namespace {

constexpr int kUsageError = 2;  // the command line, or a file it names
constexpr int kRunError = 1;    // the run itself: a diverged loss, a failed write

// The one way an error leaves: one line on stderr, after everything stdout holds so far. Every
// piece of user text in a message is quoted where it is put in (Printable); OneLine is the last
// guard of the rule, for text no caller could quote (a library's message).
void ReportError(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "train: error: %s\n", OneLine(message).c_str());
}

// ---- Signals ----

// The first SIGINT or SIGTERM asks the run to stop: the trainer looks at this before every step,
// the run between its phases. A second one ends the process at once, as the default action
// would: the outputs are replaced atomically (mlp/io/file_io.h), so what it interrupts leaves the
// old file or the new one, never a part.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");

extern "C" void OnStopSignal(int signal_number) {
  int none = 0;
  if (!g_stop_signal.compare_exchange_strong(none, signal_number)) {
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
  }
}

void CatchStopSignals() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes go on; the flag is looked at between steps
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const char* SignalName(int signal_number) { return signal_number == SIGINT ? "SIGINT" : "SIGTERM"; }

// ---- The metrics file ----

// A number for JSON, in the shortest form that reads back as the same double (so a reader of the
// file decides `test_mse <= target` as the run did). Every value a run records is finite (an
// epoch whose MSE is not ends the run as diverged before it is recorded), and one that were not
// would be null, never the bare nan or inf that no JSON parser reads.
std::string JsonNumber(double value) { return std::isfinite(value) ? ShortestText(value) : "null"; }

// ---- What a run prints ----

// One epoch's figures, as the run reports them (the MSEs in the data's units: the network's own
// times y_scale², Normalization::MseInDataUnits) and as the network computed them (on y as
// normalized; the same numbers for the cos task, whose y is not rescaled).
struct EpochFigures {
  EpochStats stats;             // in the data's units
  double validation_mse = NAN;  // in the data's units; NaN without a validation set
  EpochStats normalized;
  double validation_normalized = NAN;
};

EpochFigures Figures(const EpochStats& stats, double validation_normalized,
                     const Normalization& norm) {
  EpochFigures f;
  f.normalized = f.stats = stats;
  f.validation_normalized = validation_normalized;
  f.stats.train_mse = norm.MseInDataUnits(stats.train_mse);
  f.stats.test_mse = norm.MseInDataUnits(stats.test_mse);
  f.validation_mse = norm.MseInDataUnits(validation_normalized);
  return f;
}

// The run's figures in the data's units, kept for the summary, the stopping report and the plot.
struct RunRecord {
  TrainingPlotInputs plot;  // every epoch's stats (and validation MSE)
  EpochStats best;          // by test MSE
  int first_below_1e3 = 0;  // the cos task's reference: the first epoch with test MSE <= 1e-3
  double total_ms = 0;        // training steps only, summed over the epochs
  int target_epoch = 0;       // the epoch that reached --target-mse, 0 if none did
  double target_seconds = 0;  // wall time from the first epoch's start to that epoch's end
  int restored_epoch = 0;     // with --patience: the best validation epoch, the run's end
  double restored_test_mse = 0;  // the test MSE of its weights
};

// `line` broken into lines of at most kLineWidth columns at `separator` (Wrap), printed.
void PrintWrapped(const std::string& line, const char* separator) {
  std::printf("%s\n", Wrap(line, 0, 2, separator).c_str());
}

void PrintEpochLine(const EpochFigures& f, bool has_validation) {
  std::printf("%6d %12.4e %12.4e", f.stats.epoch, f.stats.train_mse, f.stats.test_mse);
  if (has_validation) std::printf(" %12.4e", f.validation_mse);
  std::printf(" %9.2f\n", f.stats.ms);
}

// One epoch's line of the metrics file: a JSON object on one line, the MSEs in the data's units;
// for --data (`with_normalized`), the network's own too, as *_normalized.
std::string MetricsLine(const EpochFigures& f, bool has_validation, bool with_normalized) {
  std::string line = "{\"epoch\": " + std::to_string(f.stats.epoch);
  const auto add = [&line](const char* name, double value) {
    line += std::string(", \"") + name + "\": " + JsonNumber(value);
  };
  add("train_mse", f.stats.train_mse);
  add("test_mse", f.stats.test_mse);
  if (has_validation) add("validation_mse", f.validation_mse);
  if (with_normalized) {
    add("train_mse_normalized", f.normalized.train_mse);
    add("test_mse_normalized", f.normalized.test_mse);
    if (has_validation) add("validation_mse_normalized", f.validation_normalized);
  }
  return line + ", \"ms\": " + JsonNumber(std::round(f.stats.ms * 1e4) / 1e4) + "}\n";
}

// The lines before the epoch table: the ISA, the recipe, the data and its units, the validation
// set, the stopping rules; each broken to fit kLineWidth columns.
void PrintPreamble(const CliOptions& o, const TrainConfig& config,
                   const kernels::KernelTable<float>& k, const RunData& run,
                   const char* monitored) {
  std::printf("isa: %s\n", kernels::IsaName(k.isa));
  PrintWrapped(DescribeConfig(config), ", ");
  const std::size_t train = run.dataset.train_x.size(), held_out = run.validation.x.size();
  if (!o.data_path.empty()) {
    const Normalization& norm = run.normalization;
    PrintWrapped("data: " + PrintableName(o.data_path) + ": " + GroupThousands(train + held_out) +
                     " training and " + GroupThousands(run.dataset.test_x.size()) +
                     " test points; x in [" + ShortestText(norm.x_min) + ", " +
                     ShortestText(norm.x_max) + "]",
                 " ");
    char factor[64];
    std::snprintf(factor, sizeof factor, "%.6g²", norm.y_scale);
    PrintWrapped(std::string("units: MSEs are in y's units, squared (the network's, on y scaled to "
                             "[-1, 1], times ") +
                     factor + ")",
                 " ");
  }
  if (held_out > 0) {
    PrintWrapped("validation: " + GroupThousands(held_out) + " of the " +
                     GroupThousands(train + held_out) +
                     " training points held out (fixed by the data seed); training on " +
                     GroupThousands(train),
                 " ");
  }
  if (o.target_mse > 0) {
    std::printf("stop: at the first epoch with %s MSE <= %g\n", monitored, o.target_mse);
  }
  if (o.patience > 0) {
    PrintWrapped("stop: after " + std::to_string(o.patience) +
                     " epochs without a better validation MSE; the best epoch's weights are kept",
                 " ");
  }
}

void PrintTableHeader(bool has_validation) {
  std::printf("train_mse: running mean of the epoch's batch losses (as in Keras); %s: after it\n",
              has_validation ? "test_mse, val_mse" : "test_mse");
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

// The summary: the weights the run ends with and their test MSE first (with --patience, the
// restored best epoch's), then the best epochs and, for the cos task, its 1e-3 reference; the
// target's report when one was given, and why an early stop stopped.
void PrintSummary(const CliOptions& o, const RunRecord& run, const EarlyStopping& stopping,
                  StopReason reason, const kernels::KernelTable<float>& k, std::size_t batch,
                  std::size_t train_points, const char* monitored) {
  const EpochStats& last = run.plot.epochs.back();
  const double ms_per_epoch = run.total_ms / double(run.plot.epochs.size());
  if (run.restored_epoch > 0) {
    std::printf(
        "summary: final test MSE %.4e with the weights of epoch %d of %d (restored); %.2f "
        "ms/epoch (isa %s, batch %zu)\n",
        run.restored_test_mse, run.restored_epoch, last.epoch, ms_per_epoch,
        kernels::IsaName(k.isa), batch);
  } else {
    std::printf("summary: final test MSE %.4e after %d epochs; %.2f ms/epoch (isa %s, batch %zu)\n",
                last.test_mse, last.epoch, ms_per_epoch, kernels::IsaName(k.isa), batch);
  }
  std::printf("best: ");
  if (run.restored_epoch > 0) {
    std::printf("validation MSE %.4e at epoch %d (restored); ", stopping.best_mse(),
                stopping.best_epoch());
  }
  std::printf("test MSE %.4e at epoch %d", run.best.test_mse, run.best.epoch);
  if (o.data_path.empty()) {  // the cos task's reference, which the README's tables use
    if (run.first_below_1e3 > 0) {
      std::printf("; first test MSE <= 1e-3 at epoch %d", run.first_below_1e3);
    } else {
      std::printf("; test MSE never <= 1e-3");
    }
  }
  std::printf("\n");
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
                  monitored, o.target_mse, last.epoch, stopping.best_mse(), stopping.best_epoch());
    }
  }
  if (o.patience > 0 && reason == StopReason::kPatience) {
    std::printf("early stop: validation MSE has not improved for %d epochs (after epoch %d)\n",
                o.patience, last.epoch);
  }
}

// ---- Before the first epoch ----

// The files a run writes, claimed in Prepare (RunFiles::ClaimOutput) and written at the end.
struct Outputs {
  OutputFile save, metrics, plot;
};

// Reads what the flags name (a checkpoint to resume or start from, the data), checks that it fits
// together, and claims the files the run will write, before any training: a mistake costs no time
// and overwrites nothing. No output may be one of the inputs (but --save may replace the
// checkpoint that --resume or --init-from read, which is in memory by then: a run continued or
// refined in place) or another output, or the file standard output goes to.
bool PrepareRun(const CliOptions& options, TrainConfig* config, RunData* run, Checkpoint* resume,
                Checkpoint* init, Outputs* outputs, std::string* error) {
  RunFiles files;
  FileIdentity identity;
  if (!ResolveConfig(options, resume, config, error, &identity)) return false;
  if (!options.resume_path.empty()) files.AddInput("resume", options.resume_path, identity);
  if (!LoadRunData(options.data_path, config->data_seed, run, error, &identity)) return false;
  if (!options.data_path.empty()) files.AddInput("data", options.data_path, identity);
  if (options.validation_split > 0 && !HoldOutValidation(options.validation_split, run, error)) {
    if (!options.data_path.empty()) *error = PrintableName(options.data_path) + ": " + *error;
    return false;
  }
  if (!options.resume_path.empty()) {
    *error = CheckSameData(options.resume_path, *resume, *run);
    if (!error->empty()) return false;
  }
  *error = ValidateBatchForData(*config, run->dataset.train_x.size());
  if (!error->empty()) {
    if (options.validation_split > 0) *error += " (after --validation-split)";
    if (!options.data_path.empty()) *error = PrintableName(options.data_path) + ": " + *error;
    return false;
  }
  if (!options.init_from_path.empty()) {
    if (!LoadCheckpoint(options.init_from_path, init, error, &identity)) return false;
    files.AddInput("init-from", options.init_from_path, identity);
  }
  // Claimed now, not found unwritable after the training they would have recorded.
  files.AddStandardOutput();
  using Claim = std::tuple<const char*, const std::string*, OutputFile*>;
  for (const auto& [flag, path, output] :
       {Claim{"save", &options.save_path, &outputs->save},
        Claim{"metrics", &options.metrics_path, &outputs->metrics},
        Claim{"plot", &options.plot_path, &outputs->plot}}) {
    if (path->empty()) continue;
    const std::vector<std::string> may_replace =
        std::string(flag) == "save" ? std::vector<std::string>{"resume", "init-from"}
                                    : std::vector<std::string>{};
    if (!files.ClaimOutput(flag, *path, output, error, may_replace)) return false;
  }
  return true;
}

// Puts the checkpoint's state (--resume) or weights (--init-from) into a new trainer.
bool StartFrom(const CliOptions& options, const Checkpoint& resume, const Checkpoint& init,
               bool verbose, Trainer* trainer, std::string* error) {
  if (!options.resume_path.empty()) {
    if (!trainer->Restore(resume.state, error)) {
      *error = PrintableName(options.resume_path) + ": " + *error;
      return false;
    }
    if (verbose) {
      std::printf("resumed from %s at epoch %d\n", PrintableName(options.resume_path).c_str(),
                  trainer->epoch());
    }
  } else if (!options.init_from_path.empty()) {
    trainer->SetParams(init.state.params);
    if (verbose) std::printf("weights from %s\n", PrintableName(options.init_from_path).c_str());
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

  // The data, the checkpoints the flags name, the files the run writes, the trainer. False once
  // the error is reported.
  bool Prepare() {
    std::string error;
    if (!PrepareRun(options_, &config_, &data_, &resume_, &init_, &outputs_, &error)) {
      return Fail(kUsageError, error);
    }
    if (StopRequested()) return false;
    const std::string capped = CapThreads(&config_);
    k_ = &kernels::Kernels<float>();  // SIMD_MLP_ISA was checked (Main): this cannot fail now
    if (verbose_) {
      PrintPreamble(options_, config_, *k_, data_, Monitored());
      if (!capped.empty()) PrintWrapped(capped, " ");
    }
    try {
      trainer_ = std::make_unique<Trainer>(config_, *k_, data_.dataset);
    } catch (const std::system_error& e) {  // the thread pool could not start its threads
      return Fail(kRunError, "--threads=" + std::to_string(ThreadsFor(config_)) +
                                 ": cannot start the threads: " + e.what());
    }
    if (!StartFrom(options_, resume_, init_, verbose_, trainer_.get(), &error)) {
      return Fail(kUsageError, error);
    }
    trainer_->set_stop_request(&g_stop_signal);
    // What a stopped run saves and plots: the last completed epoch (the trainer is mid-epoch).
    if (!options_.save_path.empty() || !options_.plot_path.empty()) completed_ = trainer_->State();
    first_epoch_ = trainer_->epoch() + 1;
    return true;
  }

  // From the epoch after the trainer's to the last, or to a stop rule or a stop signal. False once
  // a diverged run or a failed periodic save is reported, or if a signal stopped the run before
  // an epoch completed.
  bool RunEpochs() {
    const bool terminal = isatty(STDOUT_FILENO) != 0;
    if (verbose_) PrintTableHeader(HasValidation());
    if (verbose_ && terminal) {
      progress_ =
          std::make_unique<ProgressLine>(stdout, config_.epochs, data_.dataset.train_x.size(),
                                         config_.batch, data_.normalization.MseInDataUnits(1));
      trainer_->set_batch_observer(progress_.get());
    }
    EpochLines lines(options_.log_every, terminal, config_.epochs - first_epoch_ + 1);
    record_.plot.description = DescribeConfig(config_);
    record_.plot.data_name = options_.data_path;
    record_.plot.normalization = data_.normalization;
    record_.plot.target_mse = options_.target_mse;
    const auto run_start = std::chrono::steady_clock::now();
    for (int epoch = first_epoch_; epoch <= config_.epochs && !StopRequested(); ++epoch) {
      EpochStats stats;
      std::string error;
      if (progress_) progress_->StartEpoch(epoch);
      const bool ok = trainer_->RunEpoch(&stats, &error);
      if (!ok && trainer_->interrupted()) break;
      if (!ok) return Fail(kRunError, error);
      const double validation_normalized = ValidationMse();
      if (HasValidation()) error = trainer_->CheckFiniteMse("validation", validation_normalized);
      if (!error.empty()) return Fail(kRunError, error);
      const EpochFigures figures = Figures(stats, validation_normalized, data_.normalization);
      Record(figures);
      if (completed_) completed_ = trainer_->State();
      // Both rules compare the MSE the run reports, in the data's units, with what the flags say.
      reason_ = stopping_.Observe(epoch,
                                  HasValidation() ? figures.validation_mse : figures.stats.test_mse,
                                  trainer_->model().params());
      // The state to save if the run is to end on this epoch's weights.
      if (KeepsBestState() && stopping_.best_epoch() == epoch) best_state_ = trainer_->State();
      if (reason_ == StopReason::kTarget) {
        record_.target_epoch = epoch;
        record_.target_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
      }
      const bool more = epoch < config_.epochs && reason_ == StopReason::kNone;
      const bool save_now = options_.save_every > 0 && epoch % options_.save_every == 0 && more;
      if ((lines.Due(epoch) || save_now) && verbose_) PrintEpoch(figures);
      if (!more) break;
      if (save_now && !(Save() && WriteMetrics())) return false;
    }
    // The last epoch's line, whatever the table's pace: the table ends where the run did.
    if (verbose_ && !record_.plot.epochs.empty() &&
        record_.plot.epochs.back().epoch != last_printed_epoch_) {
      PrintEpoch(last_figures_);
    }
    ClearProgress();
    if (StopRequested()) {
      if (record_.plot.epochs.empty()) return false;  // nothing completed: nothing to write
      // Back to the last completed epoch: what a run of that many epochs would have ended with.
      std::string error;
      if (completed_ && !trainer_->Restore(*completed_, &error)) return Fail(kRunError, error);
    }
    return true;
  }

  // After epochs that completed (all of them, up to a stop rule, or up to a stop signal): the
  // best epoch's state (with --patience), the final save, the metrics file, the plot, and the
  // summary (if no signal stopped the run). Outputs are written in that order, each atomically;
  // the first that fails ends the run.
  void Finish() {
    // With patience the run ends on the best validation epoch's weights, whether it stopped early
    // or ran out of epochs; --save saves that epoch's whole state.
    if (stopping_.best_params() != nullptr && stopping_.best_epoch() > 0) {
      if (!RestoreBest()) return;
    } else {
      const EpochStats& last = record_.plot.epochs.back();
      record_.plot.fit_caption =
          FitCaption("after epoch " + std::to_string(last.epoch), last.test_mse);
    }
    if (!options_.save_path.empty() && !Save()) return;
    if (!options_.metrics_path.empty() && !WriteMetrics()) return;
    if (!options_.plot_path.empty() && !WritePlot()) return;
    if (StopRequested()) return;
    PrintSummary(options_, record_, stopping_, reason_, *k_, config_.batch,
                 data_.dataset.train_x.size(), Monitored());
  }

  // For a run a signal stopped: the one line that says where, and what was written.
  void ReportStop() {
    const int signal_number = g_stop_signal.load();
    if (signal_number == 0) return;
    ClearProgress();
    std::fflush(stdout);
    std::string what;
    if (trainer_ == nullptr) {
      what = "before training; nothing written";
    } else if (record_.plot.epochs.empty()) {
      what = "in epoch " + std::to_string(first_epoch_) + ", before it completed; nothing written";
    } else {
      const int last = record_.plot.epochs.back().epoch;
      what = (trainer_->interrupted() ? "in epoch " + std::to_string(last + 1)
                                      : "after epoch " + std::to_string(last)) +
             (status_ != 0 ? std::string("")
              : options_.save_path.empty()
                  ? "; epoch " + std::to_string(last) + " not saved (no --save)"
                  : "; saved epoch " + std::to_string(saved_epoch_) +
                        (record_.restored_epoch > 0 ? " (the best validation epoch)" : "") +
                        " to " + Quoted(options_.save_path));
    }
    std::fprintf(stderr, "train: stopped by %s %s\n", SignalName(signal_number),
                 OneLine(what).c_str());
    if (status_ == 0) status_ = 128 + signal_number;
  }

  int status() const { return status_; }

 private:
  bool HasValidation() const { return !data_.validation.x.empty(); }
  const char* Monitored() const { return HasValidation() ? "validation" : "test"; }
  static bool StopRequested() { return g_stop_signal.load(std::memory_order_relaxed) != 0; }
  // With --patience and --save, the best epoch's whole state is kept (its optimizer state, counters
  // and shuffle order too: 4 bytes per training point more), to be saved; the weights alone
  // (EarlyStopping's) serve the summary and the plot.
  bool KeepsBestState() const { return options_.patience > 0 && !options_.save_path.empty(); }

  // Erases the live progress line, if one is shown: the line printed next takes its place.
  void ClearProgress() {
    if (progress_) progress_->Clear();
  }

  // Reports the error and records the exit status; returns false.
  bool Fail(int status, const std::string& message) {
    ClearProgress();
    ReportError(message);
    status_ = status;
    return false;
  }

  double ValidationMse() {
    const Samples<float>& validation = data_.validation;
    return HasValidation()
               ? trainer_->Evaluate(validation.x.data(), validation.y.data(), validation.x.size())
               : NAN;
  }

  // Keeps one epoch's figures (and its metrics line).
  void Record(const EpochFigures& figures) {
    const EpochStats& stats = figures.stats;
    record_.plot.epochs.push_back(stats);
    if (HasValidation()) record_.plot.validation_mse.push_back(figures.validation_mse);
    record_.total_ms += stats.ms;
    if (record_.best.epoch == 0 || stats.test_mse < record_.best.test_mse) record_.best = stats;
    if (record_.first_below_1e3 == 0 && stats.test_mse <= 1e-3) {
      record_.first_below_1e3 = stats.epoch;
    }
    if (!options_.metrics_path.empty()) {
      metrics_ += MetricsLine(figures, HasValidation(), !options_.data_path.empty());
    }
    last_figures_ = figures;
  }

  // An epoch's line in the table.
  void PrintEpoch(const EpochFigures& figures) {
    ClearProgress();
    PrintEpochLine(figures, HasValidation());
    std::fflush(stdout);
    last_printed_epoch_ = figures.stats.epoch;
  }

  // Puts the best validation epoch's state back (its whole state if it is to be saved, else its
  // weights), and captions the plot's fit with its test MSE.
  bool RestoreBest() {
    std::string error;
    if (best_state_) {
      if (!trainer_->Restore(*best_state_, &error)) return Fail(kRunError, error);
    } else {
      trainer_->SetParams(*stopping_.best_params());
    }
    const Dataset<float>& data = data_.dataset;
    record_.restored_epoch = stopping_.best_epoch();
    record_.restored_test_mse = data_.normalization.MseInDataUnits(
        trainer_->Evaluate(data.test_x.data(), data.test_y.data(), data.test_x.size()));
    record_.plot.restored_epoch = record_.restored_epoch;
    record_.plot.fit_caption = FitCaption(
        "with epoch " + std::to_string(record_.restored_epoch) + "'s weights (best validation)",
        record_.restored_test_mse);
    return true;
  }

  // Saves the trainer's state (the last epoch's, or the restored best one's) and says so.
  bool Save() {
    std::string error;
    if (!SaveCheckpoint(&outputs_.save, MakeCheckpoint(config_, data_, *trainer_), &error)) {
      return Fail(kRunError, "--save: " + error);
    }
    saved_epoch_ = trainer_->epoch();
    if (verbose_) {
      ClearProgress();
      std::printf(
          "saved %s (epoch %d%s)\n", PrintableName(options_.save_path).c_str(), saved_epoch_,
          record_.restored_epoch == saved_epoch_ ? ", the best validation epoch's state" : "");
      std::fflush(stdout);
    }
    return true;
  }

  // The metrics of every epoch so far, replacing the file whole: it always ends on a whole line.
  bool WriteMetrics() {
    if (options_.metrics_path.empty()) return true;
    std::string error;
    if (outputs_.metrics.Write(metrics_, &error)) return true;
    return Fail(kRunError, "--metrics: " + error);
  }

  bool WritePlot() {
    const std::string svg = RenderSvg(TrainingFigure(record_.plot, data_.dataset, trainer_.get()));
    std::string error;
    if (!outputs_.plot.Write(svg, &error)) return Fail(kRunError, "--plot: " + error);
    if (verbose_) std::printf("plot: wrote %s\n", PrintableName(options_.plot_path).c_str());
    return true;
  }

  const CliOptions& options_;
  const bool verbose_;
  TrainConfig config_;
  RunData data_;
  Checkpoint resume_, init_;
  Outputs outputs_;
  std::string metrics_;  // the metrics file's lines so far
  const kernels::KernelTable<float>* k_ = nullptr;
  std::unique_ptr<Trainer> trainer_;
  std::optional<TrainingState> completed_;  // the last completed epoch's, if a stop may need it
  std::optional<TrainingState> best_state_;  // the best validation epoch's (KeepsBestState)
  int first_epoch_ = 1;
  std::unique_ptr<ProgressLine> progress_;  // on a terminal only
  EarlyStopping stopping_;
  StopReason reason_ = StopReason::kNone;
  RunRecord record_;
  EpochFigures last_figures_;   // the latest epoch's
  int last_printed_epoch_ = 0;  // the latest epoch whose line the table shows
  int saved_epoch_ = 0;         // the epoch the latest save holds
  int status_ = 0;
};

// What is wrong with standard output, if writing to it failed (train >/dev/full): a report that
// was not written is an error, not a success.
std::string StandardOutputError() {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return "";
  return std::string("cannot write standard output") +
         (errno != 0 ? std::string(": ") + std::strerror(errno) : "");
}

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
      error = StandardOutputError();
      if (error.empty()) return 0;
      ReportError(error);
      return kRunError;
    case CommandLine::Outcome::kError:
      ReportError(error);
      return kUsageError;
    case CommandLine::Outcome::kFlags:
      break;
  }
  // The environment is an input too: checked before any file is read or written.
  kernels::Isa isa;
  if (!kernels::ChooseIsa(std::getenv("SIMD_MLP_ISA"), &isa, &error)) {
    ReportError(error);
    return kUsageError;
  }
  CatchStopSignals();
  TrainingRun run(options);
  if (run.Prepare() && run.RunEpochs()) run.Finish();
  run.ReportStop();
  int status = run.status();
  if (const std::string out_error = StandardOutputError(); !out_error.empty()) {
    ReportError(out_error);
    if (status == 0) status = kRunError;
  }
  return status;
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) {
  // One handler for what no step expects: running out of memory is one line and status 1, not an
  // abort. (Inputs are bounded, mlp/io/file_io.h, so this takes a machine already short of it.)
  try {
    return simd_mlp::mlp::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    simd_mlp::mlp::ReportError("out of memory");
  } catch (const std::exception& e) {
    simd_mlp::mlp::ReportError(std::string("unexpected: ") + e.what());
  }
  return simd_mlp::mlp::kRunError;
}
