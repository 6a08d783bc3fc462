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
};

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

  // Replaces the weights, e.g. with the best epoch's kept by EarlyStopping. The optimizer state
  // stays as it is: this is for ending a run with chosen weights, not for resuming one.
  void RestoreParams(const Arena<float>& params);

  // Called after every batch of RunEpoch while set; nullptr (the default) for none.
  void set_batch_observer(BatchObserver* observer) { observer_ = observer; }

  const Model<float>& model() const { return model_; }
  int epoch() const { return epoch_; }

 private:
  void Update();

  TrainConfig config_;
  const Dataset<float>& data_;
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
