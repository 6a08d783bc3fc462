// What //mlp:train shows while it trains, at a pace a person can follow however short the epochs
// (an epoch of the cos task takes 5–15 ms):
//
//   ProgressLine  on a terminal only: one live line rewritten in place with '\r' (epoch, batches
//                 done, running loss, samples/s, time left in the run), drawn at most every
//                 kDrawSeconds across epochs and cut to the terminal's width, and erased (Clear)
//                 whenever the run prints a line of its own, to be drawn again after it.
//   EpochLines    which epochs get a line in the table: every N-th with --log-every=N; without
//                 it, every epoch when the output is a file or a pipe (a log keeps them all), and
//                 on a terminal a round N chosen from the pace so that lines come about
//                 kLineSeconds apart.
// Logs and pipes get plain lines, with no control characters.
//
// Cost in the training loop: one virtual call and a counter decrement per batch. The clock is
// read only every `stride` batches, a stride re-aimed at every check to come out at about every
// 10 ms whatever the batch size and machine.
#ifndef SIMD_MLP_MLP_CLI_PROGRESS_H_
#define SIMD_MLP_MLP_CLI_PROGRESS_H_

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>

#include "mlp/training/trainer.h"

namespace simd_mlp::mlp {

// Seconds on the monotonic clock (std::chrono::steady_clock).
double MonotonicSeconds();

// The width of the terminal `out` goes to, in columns; 0 if it is not a terminal or does not say.
int TerminalColumns(std::FILE* out);

class ProgressLine : public BatchObserver {
 public:
  // `loss_scale` turns the batches' losses into the units the run reports (the data's: y_scale²).
  // `clock` returns seconds on a monotonic clock and `columns` the terminal's width (0: unknown);
  // tests pass their own.
  ProgressLine(std::FILE* out, int epochs, std::size_t samples_per_epoch, std::size_t batch,
               double loss_scale = 1, std::function<double()> clock = MonotonicSeconds,
               std::function<int()> columns = nullptr);

  void StartEpoch(int epoch);
  void AfterBatch(std::size_t samples_done, double loss_sum) override;
  // Erases the line if one is shown, leaving the cursor at the start of the empty line: what the
  // run prints next takes its place.
  void Clear();

  // The line as it would be drawn now, before it is cut to the terminal's width; for tests.
  std::string Format(double now, std::size_t samples_done, double loss_sum) const;
  int draws() const { return draws_; }

 private:
  static constexpr double kCheckSeconds = 0.010, kDrawSeconds = 0.25;

  std::FILE* out_;
  int epochs_;
  std::size_t samples_per_epoch_, batch_, batches_per_epoch_;
  double loss_scale_;
  std::function<double()> clock_;
  std::function<int()> columns_;

  int epoch_ = 0, first_epoch_ = 1;
  double run_start_ = -1, epoch_start_ = 0, last_check_ = 0, last_draw_ = 0;
  std::size_t stride_ = 1, countdown_ = 1;
  bool shown_ = false;
  int draws_ = 0;
};

class EpochLines {
 public:
  // `every`: --log-every, or 0 for automatic; `terminal`: whether the table goes to one;
  // `epochs`: the epochs this run will train at most (fewer after a resume).
  EpochLines(int every, bool terminal, int epochs,
             std::function<double()> clock = MonotonicSeconds);

  // Whether `epoch`, which has just ended, gets its line. Call it after every epoch, in order.
  // (The run's last epoch gets its line whatever this says: the caller prints it.)
  bool Due(int epoch);

  // Lines come every this many epochs (automatic: so far).
  int every() const { return every_; }

 private:
  // Automatic on a terminal: a round N whose epochs take at least this long at the pace so far,
  // but at most a tenth of the run's epochs, so that a short run still shows its course.
  static constexpr double kLineSeconds = 0.5;

  bool automatic_;
  int epochs_, every_, epochs_seen_ = 0;
  std::function<double()> clock_;
  double start_ = 0;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CLI_PROGRESS_H_
