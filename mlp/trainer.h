// Minibatch training of the model on the cos task: batches of any size B ≥ 1 (the last partial
// batch is trained on, not dropped), an optional seeded reshuffle every epoch, one optimizer step
// per batch as a single flat kernel call over the whole parameter arena, and per-epoch train and
// test MSE. A non-finite loss stops training with an error naming the epoch and step.
#ifndef SIMD_MLP_MLP_TRAINER_H_
#define SIMD_MLP_MLP_TRAINER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/arena.h"
#include "mlp/data.h"
#include "mlp/model.h"
#include "mlp/rng.h"
#include "mlp/thread_pool.h"

namespace simd_mlp::mlp {

enum class Optimizer { kSgd, kMomentum, kNesterov, kRmsprop, kAdam };

const char* OptimizerName(Optimizer optimizer);

struct TrainConfig {
  std::string recipe = "custom";
  Activation hidden = Activation::kTanh;
  Activation output = Activation::kIdentity;
  Init init = Init::kNormal;
  Optimizer optimizer = Optimizer::kSgd;
  double lr = 0.01;
  double momentum = 0.9;  // μ of momentum and nesterov
  double rho = 0.9;       // RMSprop's decay
  double beta1 = 0.9;     // Adam
  double beta2 = 0.999;   // Adam
  double eps = 1e-7;      // RMSprop and Adam (Keras's default)
  std::size_t batch = 32;
  int epochs = 100;
  std::uint64_t seed = 1;       // initial weights and shuffles
  std::uint64_t data_seed = 0;  // the train/test split, kept apart so every seed sees one split
  bool shuffle = false;
  int threads = 0;  // threads a step runs on; 0: automatic (ThreadsFor)
};

// The batch from which training uses every core by default; below it, one thread. Measured on
// this 2-core machine with nothing else running (README, "Threads": ms per epoch, 1 against 2
// threads): 2 threads are slower below 32 rows (0.86× at B = 16), 1.24–1.58× faster from 32 to
// 112 (lower where the 16-row blocks split unevenly), and at least 1.5× faster at every batch
// measured from 128 on (1.63× at 128, 1.77× at 512, 1.94× at 8000). The default asks that a
// second core pay for itself at 75 % efficiency or better, on a machine that is often shared.
// (Those figures predate the weight gradients' blocks, partition.h, which run the weight
// gradients of a batch under 128 rows on one thread: below the threshold two threads gain nothing
// now, on an Intel Xeon 0.70–0.87× at B = 32 and 0.90–1.08× at 64 and 96, against 1.05–1.77× at
// 128, 5 rounds each alternating 1 and 2 threads: the threshold stands.)
inline constexpr std::size_t kParallelMinBatch = 128;

// The most --threads accepts: well past the cores of the machines this runs on (a batch of up to
// 1,024 rows has at most 4 gradient blocks, B = 8000 has 32, partition.h), so a larger value is
// taken for a typing mistake.
inline constexpr int kMaxThreads = 64;

// The number of threads training with `config` runs on: config.threads if set, else all the cores
// this process may use (AvailableCores) for a batch of kParallelMinBatch or more, else one.
int ThreadsFor(const TrainConfig& config);

// The named recipes (see README): "seed", "keras", "keras-tanh". Returns false for another name.
bool RecipeConfig(const std::string& name, TrainConfig* config);

// The recipe names, comma-separated, for messages.
const char* RecipeNames();

// Empty if the configuration can be trained; otherwise one line naming the offending setting.
std::string ValidateConfig(const TrainConfig& config);

// One line describing the configuration (recipe, activations, init, optimizer and its settings).
std::string DescribeConfig(const TrainConfig& config);

// Watches an epoch from inside Trainer::RunEpoch: called after every batch with the samples
// trained on so far in the epoch and the sum of their losses (loss × batch size, summed). It runs
// in the training loop, so it must be cheap on most calls (ProgressLine counts batches down and
// reads the clock only every few milliseconds).
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  virtual void AfterBatch(std::size_t samples_done, double loss_sum) = 0;
};

// Largest batch any configuration may ask for; the data may impose a smaller bound
// (ValidateBatchForData).
inline constexpr std::size_t kMaxBatch = std::size_t{1} << 20;

// Empty if config.batch fits the training set of `train_points`; otherwise one line saying so.
std::string ValidateBatchForData(const TrainConfig& config, std::size_t train_points);

// Everything beyond the configuration and the data that the rest of a run depends on: what a
// checkpoint saves so that a resumed run continues bit for bit. The optimizer state arenas hold
// momentum's and Nesterov's velocity or RMSprop's mean square (state1) and Adam's m and v
// (state1, state2); the others stay zero.
struct TrainingState {
  Arena<float> params, state1, state2;
  std::int64_t epoch = 0;      // epochs completed
  std::int64_t adam_step = 0;  // Adam's t: updates made so far (0 for the other optimizers)
  std::vector<std::uint64_t> shuffle_rng;    // Rng::State() of the shuffle stream
  std::vector<std::uint32_t> shuffle_order;  // the training set's order after the last shuffle
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

  // Trains one epoch. Returns false with *error set if a batch loss is not finite.
  bool RunEpoch(EpochStats* stats, std::string* error);

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
  // The step the next update makes: the configured optimizer and hyper-parameters, and for Adam
  // t = the updates made so far + 1.
  kernels::OptimizerStep<float> NextStep() const;

  TrainConfig config_;
  const Dataset<float>& data_;
  ThreadPool pool_;  // created once: no thread is started after construction
  Model<float> model_;
  Arena<float> state1_, state2_;  // optimizer state: velocity or mean square; Adam's v
  std::vector<std::uint32_t> order_;
  Rng shuffle_rng_;
  int epoch_ = 0;
  std::int64_t adam_step_ = 0;
  BatchObserver* observer_ = nullptr;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINER_H_
