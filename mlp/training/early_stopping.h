// When to end a training run before its last epoch, decided once per epoch from one monitored
// MSE: the validation set's when one is carved out of the training points, else the test set's.
//   target:   stop at the first epoch whose monitored MSE is ≤ target (time-to-accuracy);
//   patience: stop once the best monitored MSE has not improved (strictly) for `patience` epochs,
//             keeping a copy of the best epoch's weights for the caller to restore.
// Either, both or neither may be set; with both, whichever comes first ends the run.
#ifndef SIMD_MLP_MLP_TRAINING_EARLY_STOPPING_H_
#define SIMD_MLP_MLP_TRAINING_EARLY_STOPPING_H_

#include <memory>

#include "mlp/core/arena.h"

namespace simd_mlp::mlp {

struct StopRules {
  double target_mse = 0;  // > 0 to stop at the target
  int patience = 0;       // > 0 to stop on a plateau
};

enum class StopReason { kNone, kTarget, kPatience };

class EarlyStopping {
 public:
  explicit EarlyStopping(StopRules rules);

  // Records one epoch's monitored MSE and the weights after it; returns why training should stop
  // after this epoch, or kNone. A NaN never counts as an improvement.
  StopReason Observe(int epoch, double monitored_mse, const Arena<float>& params);

  // The epoch with the lowest monitored MSE so far (0 before any) and that MSE.
  int best_epoch() const { return best_epoch_; }
  double best_mse() const { return best_mse_; }

  // With patience set, the weights after best_epoch(): what a run that stops on patience (or runs
  // out of epochs) ends with. Null without patience: nothing is copied then.
  const Arena<float>* best_params() const { return best_params_.get(); }

 private:
  StopRules rules_;
  int best_epoch_ = 0;
  double best_mse_;
  std::unique_ptr<Arena<float>> best_params_;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINING_EARLY_STOPPING_H_
