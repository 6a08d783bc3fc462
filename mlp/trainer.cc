#include "mlp/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <sstream>

namespace simd_mlp::mlp {

namespace {

// Evaluation runs in chunks of at least this many samples, so that a B = 1 run does not evaluate
// the test set one sample per kernel call; the workspace is sized for max(B, this).
constexpr std::size_t kEvalChunk = 512;

}  // namespace

const char* OptimizerName(Optimizer optimizer) {
  switch (optimizer) {
    case Optimizer::kSgd:
      return "sgd";
    case Optimizer::kMomentum:
      return "momentum";
    case Optimizer::kNesterov:
      return "nesterov";
    case Optimizer::kRmsprop:
      return "rmsprop";
    case Optimizer::kAdam:
      return "adam";
  }
  return "unknown";
}

const char* RecipeNames() { return "seed, keras, keras-tanh"; }

bool RecipeConfig(const std::string& name, TrainConfig* config) {
  TrainConfig c;
  c.recipe = name;
  c.batch = 32;
  c.epochs = 100;
  if (name == "seed") {
    // The question's recipe with the gradient fixed: tanh everywhere (the output too), N(0, 1)
    // weights, zero biases, plain SGD lr 0.01, batch 32, no reshuffle.
    c.hidden = Activation::kTanh;
    c.output = Activation::kTanh;
    c.init = Init::kNormal;
    c.optimizer = Optimizer::kSgd;
    c.lr = 0.01;
    c.shuffle = false;
  } else if (name == "keras" || name == "keras-tanh") {
    // The question's Keras model on our topology with Keras's defaults: ReLU (or tanh) hidden
    // layers, linear output, Glorot-uniform kernels, zero biases, RMSprop lr 1e-3 ρ 0.9 ε 1e-7,
    // batch 32, reshuffled every epoch.
    c.hidden = name == "keras" ? Activation::kRelu : Activation::kTanh;
    c.output = Activation::kIdentity;
    c.init = Init::kGlorotUniform;
    c.optimizer = Optimizer::kRmsprop;
    c.lr = 1e-3;
    c.rho = 0.9;
    c.eps = 1e-7;
    c.shuffle = true;
  } else {
    return false;
  }
  *config = c;
  return true;
}

int ThreadsFor(const TrainConfig& config) {
  if (config.threads > 0) return config.threads;
  return config.batch >= kParallelMinBatch ? AvailableCores() : 1;
}

std::string ValidateConfig(const TrainConfig& c) {
  if (c.batch < 1) return "--batch must be at least 1";
  if (c.batch > kMaxBatch) return "--batch must be at most " + std::to_string(kMaxBatch);
  if (c.epochs < 1) return "--epochs must be at least 1";
  if (c.threads < 0 || c.threads > kMaxThreads) {
    return "--threads must be in 1…" + std::to_string(kMaxThreads) + " or auto";
  }
  if (!(c.lr > 0) || !std::isfinite(c.lr)) return "--lr must be a finite number > 0";
  if (!(c.momentum >= 0 && c.momentum < 1)) return "--momentum must be in [0, 1)";
  if (!(c.rho >= 0 && c.rho < 1)) return "--rho must be in [0, 1)";
  if (!(c.beta1 >= 0 && c.beta1 < 1)) return "--beta1 must be in [0, 1)";
  if (!(c.beta2 >= 0 && c.beta2 < 1)) return "--beta2 must be in [0, 1)";
  // ε > 0 matters beyond the usual reason: pad lanes have zero gradient and zero state, and
  // RMSprop/Adam divide by sqrt(0 + ε): with ε = 0 they would write 0/0 = NaN into the pad.
  if (!(c.eps > 0) || !std::isfinite(c.eps)) return "--eps must be a finite number > 0";
  return "";
}

std::string ValidateBatchForData(const TrainConfig& c, std::size_t train_points) {
  if (c.batch <= train_points) return "";
  return "--batch=" + std::to_string(c.batch) + " is larger than the " +
         std::to_string(train_points) + " training points: not even one full batch";
}

std::string DescribeConfig(const TrainConfig& c) {
  std::ostringstream out;
  out << "recipe " << c.recipe << ": hidden " << kernels::ActivationName(c.hidden) << ", output "
      << kernels::ActivationName(c.output) << ", init " << InitName(c.init) << ", "
      << OptimizerName(c.optimizer) << " lr " << c.lr;
  switch (c.optimizer) {
    case Optimizer::kSgd:
      break;
    case Optimizer::kMomentum:
    case Optimizer::kNesterov:
      out << " momentum " << c.momentum;
      break;
    case Optimizer::kRmsprop:
      out << " rho " << c.rho << " eps " << c.eps;
      break;
    case Optimizer::kAdam:
      out << " beta1 " << c.beta1 << " beta2 " << c.beta2 << " eps " << c.eps;
      break;
  }
  out << ", batch " << c.batch << ", shuffle " << (c.shuffle ? "on" : "off") << ", epochs "
      << c.epochs << ", seed " << c.seed << ", data seed " << c.data_seed << ", threads "
      << ThreadsFor(c) << (c.threads == 0 ? " (auto)" : "");
  return out.str();
}

Trainer::Trainer(const TrainConfig& config, const kernels::KernelTable<float>& k,
                 const Dataset<float>& data)
    : config_(config),
      data_(data),
      pool_(ThreadsFor(config)),
      model_(k, config.hidden, config.output, std::max(config.batch, kEvalChunk), &pool_),
      order_(data.train_x.size()),
      shuffle_rng_(config.seed, RngStream::kShuffle) {
  InitParams(config_.init, config_.seed, &model_.params());
  std::iota(order_.begin(), order_.end(), 0u);
}

kernels::OptimizerStep<float> Trainer::NextStep() const {
  const float lr = static_cast<float>(config_.lr);
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
  double loss_sum = 0;

  const auto start = std::chrono::steady_clock::now();
  std::size_t step = 0;
  for (std::size_t begin = 0; begin < n; begin += b) {
    ++step;
    const std::size_t m = std::min(b, n - begin);  // the last batch may be partial: kept
    for (std::size_t i = 0; i < m; ++i) {
      ws.x[i] = data_.train_x[order_[begin + i]];
      ws.y[i] = data_.train_y[order_[begin + i]];
    }
    const float loss = model_.LossGradientAndStep(m, NextStep(), &state1_, &state2_);
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

  stats->epoch = epoch_;
  stats->train_mse = loss_sum / double(n);
  stats->ms = std::chrono::duration<double, std::milli>(stop - start).count();
  stats->test_mse = Evaluate(data_.test_x.data(), data_.test_y.data(), data_.test_x.size());
  return true;
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

}  // namespace simd_mlp::mlp

namespace simd_mlp::mlp {

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
