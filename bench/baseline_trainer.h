// The shape of the epoch benchmark's baseline trainers, Eigen's (BenchTargetTable::eigen_mlp_train,
// bench/bench_targets.h) and oneDNN's (bench/onednn_mlp.h), so that one driver runs either: in the
// benchmark (bench/epoch_bench.cc) and in the tests that prove each does our step (tests/bench/).
#ifndef SIMD_MLP_BENCH_BASELINE_TRAINER_H_
#define SIMD_MLP_BENCH_BASELINE_TRAINER_H_

#include <cstddef>
#include <cstdint>

#include "kernels/activation.h"

namespace simd_mlp::bench {

// Trains the 1-100-100-100-1 MLP with mlp::Trainer's step (SGD, or RMSprop when `rmsprop`;
// `hidden` and `output` activations) over batches of `batch`, the last partial batch kept.
// `params` holds the 20,501 parameters packed in the order of mlp/core/layout.h's table (W1, b1, …,
// b4; each row-major (fan_in × fan_out), unpadded): the initial weights in, the final ones out.
// Before each epoch it calls next_epoch(context), which returns that epoch's order of the n
// samples of x and y (a pointer valid until the next call), or null to stop. Returns false if a
// batch loss was not finite (training stops there).
using MlpTrainFn = bool (*)(kernels::Activation hidden, kernels::Activation output, bool rmsprop,
                            float lr, float rho, float eps, std::size_t batch, std::size_t n,
                            const float* x, const float* y,
                            const std::uint32_t* (*next_epoch)(void* context), void* context,
                            float* params);

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_BASELINE_TRAINER_H_
