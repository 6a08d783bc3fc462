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
inline constexpr std::size_t kParallelMinBatch = 128;

// The most --threads accepts: well past what the model can use (dW2 and dW3 are split into at
// most 25 slabs of 4 rows), so a larger value is taken for a typing mistake.
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

  const Model<float>& model() const { return model_; }
  int epoch() const { return epoch_; }
  int threads() const { return pool_.size(); }

 private:
  void Update();

  TrainConfig config_;
  const Dataset<float>& data_;
  ThreadPool pool_;  // created once: no thread is started after construction
  Model<float> model_;
  Arena<float> state1_, state2_;  // optimizer state: velocity or mean square; Adam's v
  std::vector<std::uint32_t> order_;
  Rng shuffle_rng_;
  int epoch_ = 0;
  std::int64_t adam_step_ = 0;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINER_H_
