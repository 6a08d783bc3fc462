#include "mlp/cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

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

// The round numbers 1, 2, 5, 10, 20, 50, … up to kMaxEpochs: the smallest at least n (or
// kMaxEpochs), the largest at most n (or 1).
int RoundAtLeast(double n) {
  for (int decade = 1;; decade *= 10) {
    for (int m : {1, 2, 5}) {
      if (m * decade >= n || m * decade >= kMaxEpochs) return m * decade;
    }
  }
}

int RoundAtMost(double n) {
  int round = 1;
  for (int decade = 1; decade <= kMaxEpochs; decade *= 10) {
    for (int m : {1, 2, 5}) {
      if (m * decade > n) return round;
      round = m * decade;
    }
  }
  return round;
}

}  // namespace

double MonotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int TerminalColumns(std::FILE* out) {
  struct winsize size = {};
  if (ioctl(fileno(out), TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

ProgressLine::ProgressLine(std::FILE* out, int epochs, std::size_t samples_per_epoch,
                           std::size_t batch, double loss_scale, std::function<double()> clock,
                           std::function<int()> columns)
    : out_(out),
      epochs_(epochs),
      samples_per_epoch_(samples_per_epoch),
      batch_(batch),
      batches_per_epoch_((samples_per_epoch + batch - 1) / batch),
      loss_scale_(loss_scale),
      clock_(std::move(clock)),
      columns_(columns ? std::move(columns) : [out] { return TerminalColumns(out); }) {}

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
  std::string line = Format(now, samples_done, loss_sum);
  // Cut to the terminal's width: a line that wrapped could not be rewritten in place. (The line is
  // ASCII: a byte is a column.)
  if (const int columns = columns_(); columns > 1 && line.size() >= std::size_t(columns)) {
    line.resize(std::size_t(columns) - 1);
  }
  // \r to the line's start, the text, then erase what a longer previous line left to its right.
  std::fprintf(out_, "\r%s\033[K", line.c_str());
  std::fflush(out_);
  shown_ = true;
  ++draws_;
}

void ProgressLine::Clear() {
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
  const double loss = samples_done > 0 ? loss_sum / double(samples_done) * loss_scale_ : NAN;
  char buf[160];
  std::snprintf(buf, sizeof buf, "epoch %d/%d  batch %zu/%zu  loss %.4e  %s samples/s  ETA %s",
                epoch_, epochs_, batches, batches_per_epoch_, loss,
                GroupThousands(std::llround(std::max(rate, 0.0))).c_str(), Duration(eta).c_str());
  return buf;
}

EpochLines::EpochLines(int every, bool terminal, int epochs, std::function<double()> clock)
    : automatic_(every == 0 && terminal),
      epochs_(epochs),
      every_(every > 0 ? every : 1),
      clock_(std::move(clock)),
      start_(clock_()) {}

bool EpochLines::Due(int epoch) {
  ++epochs_seen_;
  if (automatic_) {
    // The smallest round number whose epochs take kLineSeconds at the pace so far, but no more
    // than a tenth of the run's epochs. Never less than before: the lines stay on multiples of a
    // growing round.
    const double seconds_per_epoch = (clock_() - start_) / epochs_seen_;
    const int by_pace = RoundAtLeast(kLineSeconds / std::max(seconds_per_epoch, 1e-9));
    every_ = std::max(every_, std::min(by_pace, RoundAtMost(epochs_ / 10)));
  }
  return epoch % every_ == 0;
}

}  // namespace simd_mlp::mlp
