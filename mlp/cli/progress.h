// The live progress line of //mlp:train on a terminal: during each epoch, one line rewritten in
// place with '\r' (epoch, batches done, running loss, samples/s, time left in the run), erased
// when the epoch ends so that the epoch's final line takes its place. Only for a terminal: logs
// and pipes get the final lines alone, with no control characters.
//
// Cost in the training loop: one virtual call and a counter decrement per batch. The clock is
// read only every `stride` batches, a stride re-aimed at every check to come out at about every
// 10 ms whatever the batch size and machine, and the line is redrawn at most 10 times a second.
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

class ProgressLine : public BatchObserver {
 public:
  // `clock` returns seconds on a monotonic clock; tests pass their own.
  ProgressLine(std::FILE* out, int epochs, std::size_t samples_per_epoch, std::size_t batch,
               std::function<double()> clock = MonotonicSeconds);

  void StartEpoch(int epoch);
  void AfterBatch(std::size_t samples_done, double loss_sum) override;
  // Erases the line if one is shown (the cursor is left at the start of the empty line).
  void EndEpoch();

  // The line as it would be drawn now; exposed for tests.
  std::string Format(double now, std::size_t samples_done, double loss_sum) const;
  int draws() const { return draws_; }

 private:
  static constexpr double kCheckSeconds = 0.010, kDrawSeconds = 0.100;

  std::FILE* out_;
  int epochs_;
  std::size_t samples_per_epoch_, batch_, batches_per_epoch_;
  std::function<double()> clock_;

  int epoch_ = 0, first_epoch_ = 1;
  double run_start_ = -1, epoch_start_ = 0, last_check_ = 0, last_draw_ = 0;
  std::size_t stride_ = 1, countdown_ = 1;
  bool shown_ = false;
  int draws_ = 0;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CLI_PROGRESS_H_
