// The learning-rate schedule: the rate of each update of a run, from the configuration and the
// update's number alone. The kernels take the rate per call (kernels::OptimizerStep), so a
// schedule needs no kernel of its own, and no state: a resumed run gets the update's number from
// the epochs it has done, and continues the schedule bit for bit.
#ifndef SIMD_MLP_MLP_TRAINING_SCHEDULE_H_
#define SIMD_MLP_MLP_TRAINING_SCHEDULE_H_

#include <cstdint>

#include "mlp/training/config.h"

namespace simd_mlp::mlp {

// The learning rate of update `step` (0 for a run's first) for a training set cut into
// `steps_per_epoch` batches: over the first W = round(warmup_epochs × steps_per_epoch) updates
// (none if that is 0) lr × (step + 1) / W, then, D = decay_epochs × steps_per_epoch updates and
// f = lr_final, with s the updates since the warm-up and r = min(s / D, 1):
//   none         lr
//   cosine       lr × (f + (1 − f)(1 + cos πr) / 2)
//   exponential  lr × f^r
// In double; the caller rounds it once to the kernels' type.
double LearningRate(const TrainConfig& config, std::int64_t step, std::int64_t steps_per_epoch);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINING_SCHEDULE_H_
