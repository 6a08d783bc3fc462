// The epoch benchmark's baseline (part of bench/simd/bench_target.cc, compiled once per ISA with
// Eigen renamed to Eigen_<isa>): the 1-100-100-100-1 trainer written the way an Eigen user
// would write it — its own row-major Eigen matrices, .noalias() products, Eigen's vectorized
// array tanh, in-place coefficient-wise epilogues — doing the same step as mlp::Trainer:
//   forward   A1 = act(x·W1 + b1), A2 = act(A1·W2 + b2), A3 = act(A2·W3 + b3), ŷ = out(A3·W4 + b4)
//   loss      L = mean((ŷ − y)²), G4 = 2(ŷ − y)/m ⊙ out'(ŷ)      (per sample, never averaged)
//   backward  dW = Aᵀ·G, db = Σ G over the batch, G_prev = (G·Wᵀ) ⊙ act'(A)
//   update    SGD p −= lr·g, or RMSprop s = ρs + (1 − ρ)g², p −= lr·g / sqrt(s + ε) (as Keras)
// over batches of the given size in the caller's sample order, the last partial batch kept.
// tests/bench/eigen_mlp_test.cc checks that it ends where mlp::Trainer does from the same start.
//
// Only Eigen and this ISA's namespace appear here: a std:: template instantiated in this unit
// would be a symbol shared with other ISAs' code (tests/kernels/isa_symbols_test.sh).
#ifndef SIMD_MLP_TARGET
#error "included by bench/simd/bench_target.cc only"
#endif

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace simd_mlp::bench::SIMD_MLP_TARGET {
namespace eigen_mlp {

// Row-major like every buffer of the project and like a batch of samples: one row per sample.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Column = Eigen::VectorXf;  // one value per sample (x, y, ŷ) or W4 (fan_in × 1)
using Row = Eigen::RowVectorXf;  // one value per unit: W1 (1 × fan_out), the biases
constexpr Eigen::Index kHidden = 100;

// The trainable tensors, in the order of mlp/core/layout.h's table; gradients and RMSprop's mean
// squares are a second and third copy of the same shapes.
struct Params {
  Row w1, b1;
  Matrix w2;
  Row b2;
  Matrix w3;
  Row b3;
  Column w4;
  Row b4;  // 1 × 1

  Params()
      : w1(Row::Zero(kHidden)),
        b1(Row::Zero(kHidden)),
        w2(Matrix::Zero(kHidden, kHidden)),
        b2(Row::Zero(kHidden)),
        w3(Matrix::Zero(kHidden, kHidden)),
        b3(Row::Zero(kHidden)),
        w4(Column::Zero(kHidden)),
        b4(Row::Zero(1)) {}

  // Calls f on each tensor of this and of `others` (same shapes), pairwise: the optimizer's
  // flat pass, one tensor at a time.
  template <typename F, typename... Others>
  void ForEach(F&& f, Others&... others) {
    f(w1, others.w1...);
    f(b1, others.b1...);
    f(w2, others.w2...);
    f(b2, others.b2...);
    f(w3, others.w3...);
    f(b3, others.b3...);
    f(w4, others.w4...);
    f(b4, others.b4...);
  }
};

// act'(Z) expressed through A = act(Z), applied in place to the delta: what every hidden layer
// and the output need, with no temporary.
template <typename Delta, typename Act>
void MultiplyByActivationGrad(kernels::Activation act, const Act& a, Delta&& g) {
  switch (act) {
    case kernels::Activation::kIdentity:
      break;
    case kernels::Activation::kTanh:
      g.array() *= 1.0f - a.array().square();
      break;
    case kernels::Activation::kRelu:
      g.array() *= (a.array() > 0.0f).template cast<float>();
      break;
  }
}

template <typename Z>
void ActivateInPlace(kernels::Activation act, Z&& z) {
  switch (act) {
    case kernels::Activation::kIdentity:
      break;
    case kernels::Activation::kTanh:
      z.array() = z.array().tanh();
      break;
    case kernels::Activation::kRelu:
      z.array() = z.array().max(0.0f);
      break;
  }
}

class Trainer {
 public:
  // Every matrix is allocated (and zeroed, so no page is first touched inside a timed epoch)
  // here, for `capacity` samples; a partial batch works on the top rows. Nothing allocates later.
  Trainer(kernels::Activation hidden, kernels::Activation output, bool rmsprop, float lr, float rho,
          float eps, Eigen::Index capacity)
      : hidden_(hidden),
        output_(output),
        rmsprop_(rmsprop),
        lr_(lr),
        rho_(rho),
        eps_(eps),
        x_(Column::Zero(capacity)),
        y_(Column::Zero(capacity)),
        yhat_(Column::Zero(capacity)),
        g4_(Column::Zero(capacity)),
        a1_(Matrix::Zero(capacity, kHidden)),
        a2_(Matrix::Zero(capacity, kHidden)),
        a3_(Matrix::Zero(capacity, kHidden)),
        g1_(Matrix::Zero(capacity, kHidden)),
        g2_(Matrix::Zero(capacity, kHidden)),
        g3_(Matrix::Zero(capacity, kHidden)) {}

  // The packed form of the interface (bench/bench_targets.h): each tensor row-major, unpadded.
  void Import(const float* packed) {
    params_.ForEach([&packed](auto& t) {
      for (Eigen::Index i = 0; i < t.size(); ++i) t.data()[i] = *packed++;
    });
  }
  void Export(float* packed) {
    params_.ForEach([&packed](auto& t) {
      for (Eigen::Index i = 0; i < t.size(); ++i) *packed++ = t.data()[i];
    });
  }

  // One epoch over samples order[0…n) in batches of `batch`. False if a batch loss is not
  // finite (as mlp::Trainer, which stops there).
  bool Epoch(std::size_t batch, std::size_t n, const float* x, const float* y,
             const std::uint32_t* order) {
    for (std::size_t begin = 0; begin < n; begin += batch) {
      const Eigen::Index m = Eigen::Index(n - begin < batch ? n - begin : batch);  // partial: kept
      for (Eigen::Index i = 0; i < m; ++i) {
        x_(i) = x[order[begin + std::size_t(i)]];
        y_(i) = y[order[begin + std::size_t(i)]];
      }
      if (!std::isfinite(Step(m))) return false;
      Update();
    }
    return true;
  }

 private:
  // Forward, loss and backward on the first m samples; returns the batch loss.
  float Step(Eigen::Index m) {
    const Params& p = params_;
    Params& d = grads_;
    auto X = x_.head(m);
    auto Y = y_.head(m);
    auto Yhat = yhat_.head(m);
    auto G4 = g4_.head(m);
    auto A1 = a1_.topRows(m), A2 = a2_.topRows(m), A3 = a3_.topRows(m);
    auto G1 = g1_.topRows(m), G2 = g2_.topRows(m), G3 = g3_.topRows(m);

    A1.noalias() = X * p.w1;  // 1 → 100: an outer product
    A1.rowwise() += p.b1;
    ActivateInPlace(hidden_, A1);
    A2.noalias() = A1 * p.w2;
    A2.rowwise() += p.b2;
    ActivateInPlace(hidden_, A2);
    A3.noalias() = A2 * p.w3;
    A3.rowwise() += p.b3;
    ActivateInPlace(hidden_, A3);
    Yhat.noalias() = A3 * p.w4;  // 100 → 1: a matrix-vector product
    Yhat.array() += p.b4(0);
    ActivateInPlace(output_, Yhat);

    // The loss gradient per sample, ∂L/∂ŷ_i = 2(ŷ_i − y_i)/m; the batch sum happens in the
    // weight-gradient products below.
    G4 = Yhat - Y;
    const float loss = G4.squaredNorm() / float(m);
    G4 *= 2.0f / float(m);
    MultiplyByActivationGrad(output_, Yhat, G4);

    d.w4.noalias() = A3.transpose() * G4;
    d.b4(0) = G4.sum();
    G3.noalias() = G4 * p.w4.transpose();
    MultiplyByActivationGrad(hidden_, A3, G3);
    d.w3.noalias() = A2.transpose() * G3;
    d.b3 = G3.colwise().sum();
    G2.noalias() = G3 * p.w3.transpose();
    MultiplyByActivationGrad(hidden_, A2, G2);
    d.w2.noalias() = A1.transpose() * G2;
    d.b2 = G2.colwise().sum();
    G1.noalias() = G2 * p.w2.transpose();
    MultiplyByActivationGrad(hidden_, A1, G1);
    d.w1.noalias() = X.transpose() * G1;
    d.b1 = G1.colwise().sum();
    return loss;
  }

  void Update() {
    const float lr = lr_, rho = rho_, eps = eps_;
    if (rmsprop_) {
      params_.ForEach(
          [=](auto& p, auto& g, auto& s) {
            s.array() = rho * s.array() + (1.0f - rho) * g.array().square();
            p.array() -= lr * g.array() / (s.array() + eps).sqrt();
          },
          grads_, mean_square_);
    } else {
      params_.ForEach([=](auto& p, auto& g) { p.noalias() -= lr * g; }, grads_);
    }
  }

  kernels::Activation hidden_, output_;
  bool rmsprop_;
  float lr_, rho_, eps_;
  Params params_, grads_, mean_square_;
  Column x_, y_, yhat_, g4_;
  Matrix a1_, a2_, a3_, g1_, g2_, g3_;
};

}  // namespace eigen_mlp

bool EigenMlpTrain(kernels::Activation hidden, kernels::Activation output, bool rmsprop, float lr,
                   float rho, float eps, std::size_t batch, std::size_t n, const float* x,
                   const float* y, const std::uint32_t* (*next_epoch)(void* context), void* context,
                   float* params) {
  eigen_mlp::Trainer trainer(hidden, output, rmsprop, lr, rho, eps, Eigen::Index(batch));
  trainer.Import(params);
  bool finite = true;
  while (const std::uint32_t* order = next_epoch(context)) {
    if (!trainer.Epoch(batch, n, x, y, order)) {
      finite = false;
      break;
    }
  }
  trainer.Export(params);
  return finite;
}

}  // namespace simd_mlp::bench::SIMD_MLP_TARGET
