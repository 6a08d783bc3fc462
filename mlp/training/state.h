// Everything beyond the configuration and the data that the rest of a run depends on: what a
// checkpoint saves (mlp/io/checkpoint.h) so that a resumed run continues bit for bit, and what
// Trainer::State and Trainer::Restore hand over.
#ifndef SIMD_MLP_MLP_TRAINING_STATE_H_
#define SIMD_MLP_MLP_TRAINING_STATE_H_

#include <cstdint>
#include <vector>

#include "mlp/core/arena.h"

namespace simd_mlp::mlp {

// The optimizer state arenas hold momentum's and Nesterov's velocity or RMSprop's mean square
// (state1) and Adam's m and v (state1, state2); the others stay zero.
struct TrainingState {
  Arena<float> params, state1, state2;
  std::int64_t epoch = 0;      // epochs completed
  std::int64_t adam_step = 0;  // Adam's t: updates made so far (0 for the other optimizers)
  std::vector<std::uint64_t> shuffle_rng;    // Rng::State() of the shuffle stream
  std::vector<std::uint32_t> shuffle_order;  // the training set's order after the last shuffle
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINING_STATE_H_
