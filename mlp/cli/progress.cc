#include "mlp/cli/progress.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "mlp/text/number.h"

namespace simd_mlp::mlp {

namespace {

// 4.2 s, 2m05s, 1h02m
std::string Duration(double seconds) {
  char buf[32];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  } else if (seconds < 3600) {
    const long s = std::lround(seconds);
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60);
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", m / 60, m % 60);
  }
  return buf;
}

}  // namespace

double MonotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ProgressLine::ProgressLine(std::FILE* out, int epochs, std::size_t samples_per_epoch,
                           std::size_t batch, std::function<double()> clock)
    : out_(out),
      epochs_(epochs),
      samples_per_epoch_(samples_per_epoch),
      batch_(batch),
      batches_per_epoch_((samples_per_epoch + batch - 1) / batch),
      clock_(std::move(clock)) {}

void ProgressLine::StartEpoch(int epoch) {
  epoch_ = epoch;
  epoch_start_ = clock_();
  if (run_start_ < 0) {
    run_start_ = last_check_ = last_draw_ = epoch_start_;
    first_epoch_ = epoch;  // after a resume, the run's clock starts here
  }
}

void ProgressLine::AfterBatch(std::size_t samples_done, double loss_sum) {
  if (--countdown_ > 0) return;
  const double now = clock_();
  // Halve or double the stride until a check comes about every kCheckSeconds.
  const double since_check = now - last_check_;
  if (since_check < kCheckSeconds / 2 && stride_ < (std::size_t{1} << 20)) {
    stride_ *= 2;
  } else if (since_check > kCheckSeconds * 2 && stride_ > 1) {
    stride_ /= 2;
  }
  countdown_ = stride_;
  last_check_ = now;
  if (now - last_draw_ < kDrawSeconds) return;
  last_draw_ = now;
  const std::string line = Format(now, samples_done, loss_sum);
  // \r to the line's start, the text, then erase what a longer previous line left to its right.
  std::fprintf(out_, "\r%s\033[K", line.c_str());
  std::fflush(out_);
  shown_ = true;
  ++draws_;
}

void ProgressLine::EndEpoch() {
  if (!shown_) return;
  std::fputs("\r\033[K", out_);
  shown_ = false;
}

std::string ProgressLine::Format(double now, std::size_t samples_done, double loss_sum) const {
  const std::size_t batches = (samples_done + batch_ - 1) / batch_;  // the last may be partial
  const double epoch_seconds = now - epoch_start_;
  const double rate = epoch_seconds > 0 ? double(samples_done) / epoch_seconds : 0;
  // Time left to the last epoch, at the pace of the run so far (its evaluations included); an
  // early stop may end the run sooner.
  const double fraction = double(samples_done) / double(samples_per_epoch_);
  const double done_here = double(epoch_ - first_epoch_) + fraction;
  const double left = double(epochs_ - epoch_ + 1) - fraction;
  const double eta = done_here > 0 ? (now - run_start_) / done_here * left : NAN;
  const double loss = samples_done > 0 ? loss_sum / double(samples_done) : NAN;
  char buf[160];
  std::snprintf(buf, sizeof buf, "epoch %d/%d  batch %zu/%zu  loss %.4e  %s samples/s  ETA %s",
                epoch_, epochs_, batches, batches_per_epoch_, loss,
                GroupThousands(std::llround(std::max(rate, 0.0))).c_str(), Duration(eta).c_str());
  return buf;
}

}  // namespace simd_mlp::mlp
