#include "mlp/model.h"

#include <cassert>
#include <cmath>

#include "mlp/rng.h"

namespace simd_mlp::mlp {

namespace {
constexpr std::size_t kLd = kPadded;  // row stride of every hidden activation, delta and weight
constexpr std::size_t kN = kHidden;   // logical width passed to the kernels
}  // namespace

template <typename T>
Workspace<T>::Workspace(std::size_t capacity)
    : capacity_(capacity), buffer_(4 * RoundUp(capacity, kVectorLanes) + 6 * capacity * kLd) {
  // Every piece is a multiple of 16 elements long, so every piece starts 64-byte aligned.
  T* p = buffer_.data();
  auto take = [&p](std::size_t n) {
    T* start = p;
    p += n;
    return start;
  };
  const std::size_t column = RoundUp(capacity, kVectorLanes), matrix = capacity * kLd;
  x = take(column);
  y = take(column);
  a1 = take(matrix);
  a2 = take(matrix);
  a3 = take(matrix);
  yhat = take(column);
  g1 = take(matrix);
  g2 = take(matrix);
  g3 = take(matrix);
  g4 = take(column);
}

const char* InitName(Init init) { return init == Init::kNormal ? "normal" : "glorot"; }

template <typename T>
void InitParams(Init init, std::uint64_t seed, Arena<T>* params) {
  params->Zero();  // biases and pad lanes
  Rng rng(seed, RngStream::kInit);
  for (Tensor t : {kW1, kW2, kW3, kW4}) {
    const TensorSpec& spec = kTensors[t];
    const double limit = std::sqrt(6.0 / static_cast<double>(spec.rows + spec.cols));
    for (std::size_t r = 0; r < spec.rows; ++r) {
      for (std::size_t c = 0; c < spec.cols; ++c) {
        const double w = init == Init::kNormal ? rng.Normal() : rng.Uniform(-limit, limit);
        params->at(t, r, c) = static_cast<T>(w);
      }
    }
  }
}

template <typename T>
Model<T>::Model(const kernels::KernelTable<T>& k, Activation hidden, Activation output,
                std::size_t capacity)
    : k_(k), hidden_(hidden), output_(output), ws_(capacity) {}

template <typename T>
void Model<T>::Forward(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  const Arena<T>& p = params_;
  Workspace<T>& w = ws_;
  k_.outer_bias_act(hidden_, m, kN, w.x, p[kW1], p[kB1], w.a1, kLd);
  k_.gemm_bias_act(hidden_, m, kN, kN, w.a1, kLd, p[kW2], kLd, p[kB2], w.a2, kLd);
  k_.gemm_bias_act(hidden_, m, kN, kN, w.a2, kLd, p[kW3], kLd, p[kB3], w.a3, kLd);
  k_.gemv_bias_act(output_, m, kN, w.a3, kLd, p[kW4], p[kB4][0], w.yhat);
}

template <typename T>
T Model<T>::SeedMseGradient(std::size_t m) {
  Workspace<T>& w = ws_;
  // THE loss gradient, per sample: g4[i] = ∂L/∂ŷ_i = 2(ŷ_i − y_i)/m. Not (ŷ − y)², which is the
  // loss itself, and not averaged over the batch here: each sample's delta must go back through
  // that sample's own activations. The batch reduction happens in the *_grad_w kernels, which sum.
  return k_.mse_loss_grad(m, w.yhat, w.y, w.g4);
}

template <typename T>
void Model<T>::Backward(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  const Arena<T>& p = params_;
  Arena<T>& d = grads_;
  Workspace<T>& w = ws_;
  k_.activation_grad(output_, m, w.yhat, w.g4, w.g4);  // through out(): ∂L/∂Z4
  k_.gemv_grad_w(m, kN, w.a3, kLd, w.g4, d[kW4], d[kB4]);
  k_.gemv_grad_x_act(hidden_, m, kN, w.g4, p[kW4], w.a3, kLd, w.g3, kLd);
  k_.gemm_grad_w(m, kN, kN, w.a2, kLd, w.g3, kLd, d[kW3], kLd, d[kB3]);
  k_.gemm_grad_x_act(hidden_, m, kN, kN, w.g3, kLd, p[kW3], kLd, w.a2, kLd, w.g2, kLd);
  k_.gemm_grad_w(m, kN, kN, w.a1, kLd, w.g2, kLd, d[kW2], kLd, d[kB2]);
  k_.gemm_grad_x_act(hidden_, m, kN, kN, w.g2, kLd, p[kW2], kLd, w.a1, kLd, w.g1, kLd);
  k_.outer_grad_w(m, kN, w.x, w.g1, kLd, d[kW1], d[kB1]);
}

template class Workspace<float>;
template class Workspace<double>;
template class Model<float>;
template class Model<double>;
template void InitParams<float>(Init, std::uint64_t, Arena<float>*);
template void InitParams<double>(Init, std::uint64_t, Arena<double>*);

}  // namespace simd_mlp::mlp
