// Minibatch training of the model on the cos task: batches of any size B ≥ 1 (the last partial
// batch is trained on, not dropped), an optional seeded reshuffle every epoch, one optimizer step
// per batch as a single flat kernel call over the whole parameter arena, and per-epoch train and
// test MSE.
//
// Divergence stops training with an error naming the epoch and the step, before the epoch counts
// as done: a batch loss that is not finite (checked at every step, before its update), and after
// the epoch's last step a weight or optimizer state that is not finite (the last update may make
// them so with a finite loss) or a test MSE that is not finite (a finite model can still overflow
// float on a far-out test point). So an epoch RunEpoch returns true for has finite weights, state
// and figures, which is what a checkpoint needs to load again.
#ifndef SIMD_MLP_MLP_TRAINING_TRAINER_H_
#define SIMD_MLP_MLP_TRAINING_TRAINER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/core/arena.h"
#include "mlp/core/model.h"
#include "mlp/runtime/rng.h"
#include "mlp/runtime/thread_pool.h"
#include "mlp/training/config.h"
#include "mlp/training/data.h"
#include "mlp/training/state.h"

namespace simd_mlp::mlp {

// Watches an epoch from inside Trainer::RunEpoch: called after every batch with the samples
// trained on so far in the epoch and the sum of their losses (loss × batch size, summed). It runs
// in the training loop, so it must be cheap on most calls (ProgressLine counts batches down and
// reads the clock only every few milliseconds).
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  virtual void AfterBatch(std::size_t samples_done, double loss_sum) = 0;
};

struct EpochStats {
  int epoch = 0;
  double train_mse = 0;  // sample-weighted mean of the batch losses during the epoch (as Keras)
  double test_mse = 0;   // on the 2,000 test points after the epoch
  double ms = 0;         // wall time of the epoch's training steps (forward, backward, update)
};

class Trainer {
 public:
  // `config` must pass ValidateConfig. Initializes the weights from config.seed.
  Trainer(const TrainConfig& config, const kernels::KernelTable<float>& k,
          const Dataset<float>& data);

  // Trains one epoch. Returns false with *error set if it diverged (see above), or if a stop was
  // requested (interrupted() is then true, and the epoch is incomplete: its steps so far changed
  // the weights; State() from before the epoch is what to keep).
  bool RunEpoch(EpochStats* stats, std::string* error);

  // Empty if `mse`, the MSE of the named set ("validation") after the latest epoch, is finite;
  // otherwise the one-line error that stops the run, naming the epoch and its last step.
  std::string CheckFiniteMse(const char* set, double mse) const;

  // While set, RunEpoch checks *stop before every step (a relaxed load) and returns once it is
  // non-zero; a signal handler may set it.
  void set_stop_request(const std::atomic<int>* stop) { stop_ = stop; }
  bool interrupted() const { return interrupted_; }

  // MSE of the current model over n samples (no gradient, no parameter change).
  double Evaluate(const float* x, const float* y, std::size_t n);

  // The model's outputs ŷ for n inputs (normalized x), in chunks of the workspace; no gradient,
  // no parameter change.
  void Predict(const float* x, std::size_t n, float* yhat);

  // Called after every batch of RunEpoch while set; nullptr (the default) for none.
  void set_batch_observer(BatchObserver* observer) { observer_ = observer; }

  const Model<float>& model() const { return model_; }
  int epoch() const { return epoch_; }
  int threads() const { return pool_.size(); }

  // A copy of the state a checkpoint needs (see TrainingState).
  TrainingState State() const;

  // Continues from a saved state, as if the epochs it records had been run here. False, with the
  // trainer unchanged and a one-line *error, if the state cannot belong to this configuration and
  // data (the shuffle order is not a permutation of the training set, the RNG state is malformed,
  // a counter is negative).
  bool Restore(const TrainingState& state, std::string* error);

  // Starts from these weights (pad lanes must be zero) instead of the initializer's; also how a
  // run ends with the best epoch's weights that EarlyStopping kept (the optimizer state is left
  // as it is: a run does not go on from there).
  void SetParams(const Arena<float>& params);

 private:
  // The step the next update makes: the configured optimizer and hyper-parameters at the learning
  // rate of update `step` of the run (schedule.h), and for Adam t = the updates made so far + 1.
  kernels::OptimizerStep<float> NextStep(std::int64_t step) const;
  // Batches per epoch: the last partial batch is one.
  std::int64_t StepsPerEpoch() const;

  TrainConfig config_;
  const Dataset<float>& data_;
  ThreadPool pool_;  // created once: no thread is started after construction
  Model<float> model_;
  Arena<float> state1_, state2_;  // optimizer state: velocity or mean square; Adam's v
  std::vector<std::uint32_t> order_;
  Rng shuffle_rng_;
  int epoch_ = 0;
  std::int64_t adam_step_ = 0;
  std::size_t steps_ = 0;  // steps of the latest epoch
  BatchObserver* observer_ = nullptr;
  const std::atomic<int>* stop_ = nullptr;
  bool interrupted_ = false;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINING_TRAINER_H_
