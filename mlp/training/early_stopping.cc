#include "mlp/training/early_stopping.h"

#include <limits>

namespace simd_mlp::mlp {

EarlyStopping::EarlyStopping(StopRules rules)
    : rules_(rules), best_mse_(std::numeric_limits<double>::infinity()) {
  if (rules_.patience > 0) best_params_ = std::make_unique<Arena<float>>();
}

StopReason EarlyStopping::Observe(int epoch, double monitored_mse, const Arena<float>& params) {
  if (monitored_mse < best_mse_) {
    best_mse_ = monitored_mse;
    best_epoch_ = epoch;
    if (best_params_) best_params_->CopyFrom(params);  // ~90 KB once per improving epoch
  }
  if (rules_.target_mse > 0 && monitored_mse <= rules_.target_mse) return StopReason::kTarget;
  // best_epoch_ == 0 only while every epoch so far was NaN: that is a plateau too.
  if (rules_.patience > 0 && epoch - best_epoch_ >= rules_.patience) return StopReason::kPatience;
  return StopReason::kNone;
}

}  // namespace simd_mlp::mlp
