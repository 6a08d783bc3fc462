#include "mlp/training/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <sstream>

#include "mlp/core/init.h"
#include "mlp/training/schedule.h"

namespace simd_mlp::mlp {

namespace {

// Evaluation runs in chunks of at least this many samples, so that a B = 1 run does not evaluate
// the test set one sample per kernel call; the workspace is sized for max(B, this).
constexpr std::size_t kEvalChunk = 512;

// Whether every element of the arena (pad lanes included) is finite.
bool AllFinite(const Arena<float>& arena) {
  const float* p = arena.data();
  bool finite = true;
  for (std::size_t i = 0; i < Arena<float>::size(); ++i) finite &= std::isfinite(p[i]);
  return finite;
}

}  // namespace

Trainer::Trainer(const TrainConfig& config, const kernels::KernelTable<float>& k,
                 const Dataset<float>& data)
    : config_(config),
      data_(data),
      pool_(ThreadsFor(config)),
      model_(k, config.hidden, config.output, std::max(config.batch, kEvalChunk), &pool_),
      order_(data.train_x.size()),
      shuffle_rng_(config.seed, RngStream::kShuffle) {
  InitParams(config_.init, config_.seed, &model_.params(), config_.spread_scale);
  std::iota(order_.begin(), order_.end(), 0u);
}

std::int64_t Trainer::StepsPerEpoch() const {
  return std::int64_t((order_.size() + config_.batch - 1) / config_.batch);
}

kernels::OptimizerStep<float> Trainer::NextStep(std::int64_t step) const {
  const float lr = static_cast<float>(LearningRate(config_, step, StepsPerEpoch()));
  switch (config_.optimizer) {
    case Optimizer::kSgd:
      return kernels::SgdParams<float>{lr};
    case Optimizer::kMomentum:
    case Optimizer::kNesterov:
      return kernels::MomentumParams<float>{lr, float(config_.momentum),
                                            config_.optimizer == Optimizer::kNesterov};
    case Optimizer::kRmsprop:
      return kernels::RmspropParams<float>{lr, float(config_.rho), float(config_.eps)};
    case Optimizer::kAdam:
      break;
  }
  return kernels::AdamStepParams<float>{
      {lr, float(config_.beta1), float(config_.beta2), float(config_.eps)}, adam_step_ + 1};
}

bool Trainer::RunEpoch(EpochStats* stats, std::string* error) {
  ++epoch_;
  if (config_.shuffle) shuffle_rng_.Shuffle(order_);
  Workspace<float>& ws = model_.workspace();
  const std::size_t n = order_.size(), b = config_.batch;
  const std::int64_t steps_before = std::int64_t(epoch_ - 1) * StepsPerEpoch();  // the schedule's
  double loss_sum = 0;

  const auto start = std::chrono::steady_clock::now();
  std::size_t step = 0;
  for (std::size_t begin = 0; begin < n; begin += b) {
    if (stop_ != nullptr && stop_->load(std::memory_order_relaxed) != 0) {
      interrupted_ = true;
      *error = "interrupted in epoch " + std::to_string(epoch_) + " before step " +
               std::to_string(step + 1);
      return false;
    }
    ++step;
    const std::size_t m = std::min(b, n - begin);  // the last batch may be partial: kept
    for (std::size_t i = 0; i < m; ++i) {
      ws.x[i] = data_.train_x[order_[begin + i]];
      ws.y[i] = data_.train_y[order_[begin + i]];
    }
    const float loss = model_.LossGradientAndStep(
        m, NextStep(steps_before + std::int64_t(step) - 1), &state1_, &state2_);
    if (!std::isfinite(loss)) {  // nothing was updated
      std::ostringstream out;
      out << "training diverged: batch loss is " << loss << " at epoch " << epoch_ << ", step "
          << step << " (samples " << begin << "…" << begin + m - 1
          << "); try a smaller --lr or --init=glorot";
      *error = out.str();
      return false;
    }
    loss_sum += double(loss) * double(m);
    if (config_.optimizer == Optimizer::kAdam) ++adam_step_;
    if (observer_ != nullptr) observer_->AfterBatch(begin + m, loss_sum);
  }
  const auto stop = std::chrono::steady_clock::now();
  steps_ = step;

  // The last update had no loss after it to show whether it overflowed.
  if (!AllFinite(model_.params()) || !AllFinite(state1_) || !AllFinite(state2_)) {
    *error = "training diverged: " +
             std::string(AllFinite(model_.params()) ? "the optimizer's state" : "the weights") +
             " are not finite after epoch " + std::to_string(epoch_) + ", step " +
             std::to_string(step) + " (its last); try a smaller --lr or --init=glorot";
    return false;
  }
  stats->epoch = epoch_;
  stats->train_mse = loss_sum / double(n);
  stats->ms = std::chrono::duration<double, std::milli>(stop - start).count();
  stats->test_mse = Evaluate(data_.test_x.data(), data_.test_y.data(), data_.test_x.size());
  *error = CheckFiniteMse("training", stats->train_mse);
  // (Without a test set, as the benchmarks train, the test MSE is 0/0: no figure, not a failure.)
  if (error->empty() && !data_.test_x.empty()) *error = CheckFiniteMse("test", stats->test_mse);
  return error->empty();
}

std::string Trainer::CheckFiniteMse(const char* set, double mse) const {
  if (std::isfinite(mse)) return "";
  std::ostringstream out;
  out << "training diverged: the " << set << " MSE is " << mse << " after epoch " << epoch_
      << ", step " << steps_ << " (its last), with finite weights: a point lies too far outside "
      << "the training points' range for its error to square in float, or the model grew too "
      << "large; try a smaller --lr";
  return out.str();
}

double Trainer::Evaluate(const float* x, const float* y, std::size_t n) {
  Workspace<float>& ws = model_.workspace();
  double sum = 0;
  for (std::size_t begin = 0; begin < n; begin += ws.capacity()) {
    const std::size_t m = std::min(ws.capacity(), n - begin);
    std::memcpy(ws.x, x + begin, m * sizeof(float));
    std::memcpy(ws.y, y + begin, m * sizeof(float));
    model_.Forward(m);
    sum += double(model_.SeedMseGradient(m)) * double(m);  // g4 is scratch here
  }
  return sum / double(n);
}

void Trainer::Predict(const float* x, std::size_t n, float* yhat) {
  Workspace<float>& ws = model_.workspace();
  for (std::size_t begin = 0; begin < n; begin += ws.capacity()) {
    const std::size_t m = std::min(ws.capacity(), n - begin);
    std::memcpy(ws.x, x + begin, m * sizeof(float));
    model_.Forward(m);
    std::memcpy(yhat + begin, ws.yhat, m * sizeof(float));
  }
}

TrainingState Trainer::State() const {
  TrainingState s;
  s.params.CopyFrom(model_.params());
  s.state1.CopyFrom(state1_);
  s.state2.CopyFrom(state2_);
  s.epoch = epoch_;
  s.adam_step = adam_step_;
  s.shuffle_rng = shuffle_rng_.State();
  s.shuffle_order = order_;
  return s;
}

bool Trainer::Restore(const TrainingState& s, std::string* error) {
  if (s.epoch < 0 || s.epoch > std::numeric_limits<int>::max() || s.adam_step < 0) {
    *error = "negative or overlarge epoch or step counter";
    return false;
  }
  if (s.shuffle_order.size() != order_.size()) {
    *error = "shuffle order of " + std::to_string(s.shuffle_order.size()) +
             " entries for a training set of " + std::to_string(order_.size());
    return false;
  }
  // A permutation, or the batch gather would read outside the training set.
  std::vector<bool> seen(order_.size(), false);
  for (std::size_t i = 0; i < s.shuffle_order.size(); ++i) {
    const std::uint32_t v = s.shuffle_order[i];
    if (v >= order_.size() || seen[v]) {
      *error = "shuffle order entry " + std::to_string(i) + " (" + std::to_string(v) +
               (v >= order_.size() ? ") is out of range" : ") repeats an earlier entry");
      return false;
    }
    seen[v] = true;
  }
  Rng rng = shuffle_rng_;
  if (!rng.SetState(s.shuffle_rng)) {
    *error = "malformed shuffle RNG state";
    return false;
  }
  shuffle_rng_ = rng;
  order_ = s.shuffle_order;
  model_.params().CopyFrom(s.params);
  state1_.CopyFrom(s.state1);
  state2_.CopyFrom(s.state2);
  epoch_ = static_cast<int>(s.epoch);
  adam_step_ = s.adam_step;
  return true;
}

void Trainer::SetParams(const Arena<float>& params) { model_.params().CopyFrom(params); }

}  // namespace simd_mlp::mlp
