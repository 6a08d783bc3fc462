#include "mlp/training/schedule.h"

#include <algorithm>
#include <cmath>

namespace simd_mlp::mlp {

double LearningRate(const TrainConfig& c, std::int64_t step, std::int64_t steps_per_epoch) {
  const double per_epoch = double(steps_per_epoch);
  const double warmup = std::round(c.warmup_epochs * per_epoch);
  const double s = double(step);
  if (s < warmup) return c.lr * (s + 1) / warmup;
  if (c.decay == Decay::kNone) return c.lr;
  const double length = c.decay_epochs * per_epoch;
  const double r = length > 0 ? std::min((s - warmup) / length, 1.0) : 1.0;
  if (c.decay == Decay::kCosine) {
    return c.lr * (c.lr_final + (1 - c.lr_final) * 0.5 * (1 + std::cos(M_PI * r)));
  }
  return c.lr * std::pow(c.lr_final, r);
}

}  // namespace simd_mlp::mlp
