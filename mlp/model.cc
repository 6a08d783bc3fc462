#include "mlp/model.h"

#include <cassert>
#include <cmath>

#include "mlp/rng.h"

namespace simd_mlp::mlp {

namespace {
constexpr std::size_t kLd = kPadded;  // row stride of every hidden activation, delta and weight
constexpr std::size_t kN = kHidden;   // logical width passed to the kernels

// Row r of a hidden-layer matrix (activations or deltas).
template <typename T>
T* Row(T* matrix, std::size_t r) {
  return matrix + r * kLd;
}
}  // namespace

template <typename T>
Workspace<T>::Workspace(std::size_t capacity, int ranks)
    : capacity_(capacity),
      buffer_(4 * RoundUp(capacity, kVectorLanes) + 6 * capacity * kLd + std::size_t(ranks) * kLd) {
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
  scratch_ = take(std::size_t(ranks) * kLd);
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
ThreadPool& Model<T>::SerialPool() {
  // One rank and no threads: Run calls the job and Barrier returns, touching no shared state,
  // so every model without a pool of its own can share this one, from any thread.
  static ThreadPool* serial = new ThreadPool(1);
  return *serial;
}

template <typename T>
Model<T>::Model(const kernels::KernelTable<T>& k, Activation hidden, Activation output,
                std::size_t capacity, ThreadPool* pool)
    : k_(k),
      hidden_(hidden),
      output_(output),
      pool_(pool != nullptr ? *pool : SerialPool()),
      ws_(capacity, pool_.size()) {}

template <typename T>
void Model<T>::ForwardRows(Range rows) {
  if (rows.empty()) return;
  const Arena<T>& p = params_;
  Workspace<T>& w = ws_;
  const std::size_t r = rows.begin, m = rows.size();
  k_.outer_bias_act(hidden_, m, kN, w.x + r, p[kW1], p[kB1], Row(w.a1, r), kLd);
  k_.gemm_bias_act(hidden_, m, kN, kN, Row(w.a1, r), kLd, p[kW2], kLd, p[kB2], Row(w.a2, r), kLd);
  k_.gemm_bias_act(hidden_, m, kN, kN, Row(w.a2, r), kLd, p[kW3], kLd, p[kB3], Row(w.a3, r), kLd);
  k_.gemv_bias_act(output_, m, kN, Row(w.a3, r), kLd, p[kW4], p[kB4][0], w.yhat + r);
}

template <typename T>
void Model<T>::Forward(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  pool_.Run([&](int rank) { ForwardRows(BatchRows(m, pool_.size(), rank)); });
}

template <typename T>
T Model<T>::SeedMseGradient(std::size_t m) {
  Workspace<T>& w = ws_;
  // THE loss gradient, per sample: g4[i] = ∂L/∂ŷ_i = 2(ŷ_i − y_i)/m. Not (ŷ − y)², which is the
  // loss itself, and not averaged over the batch here: each sample's delta must go back through
  // that sample's own activations. The batch reduction happens in the *_grad_w kernels, which sum.
  return k_.mse_loss_grad(m, w.yhat, w.y, w.g4);
}

// The deltas of the rows a rank owns: each row's G_l needs only that row's G_{l+1} and A_l.
template <typename T>
void Model<T>::InputGradientRows(Range rows) {
  if (rows.empty()) return;
  const Arena<T>& p = params_;
  Workspace<T>& w = ws_;
  const std::size_t r = rows.begin, m = rows.size();
  k_.activation_grad(output_, m, w.yhat + r, w.g4 + r, w.g4 + r);  // through out(): ∂L/∂Z4
  k_.gemv_grad_x_act(hidden_, m, kN, w.g4 + r, p[kW4], Row(w.a3, r), kLd, Row(w.g3, r), kLd);
  k_.gemm_grad_x_act(hidden_, m, kN, kN, Row(w.g3, r), kLd, p[kW3], kLd, Row(w.a2, r), kLd,
                     Row(w.g2, r), kLd);
  k_.gemm_grad_x_act(hidden_, m, kN, kN, Row(w.g2, r), kLd, p[kW2], kLd, Row(w.a1, r), kLd,
                     Row(w.g1, r), kLd);
}

// A rank's slab of every weight gradient, each summed over the whole batch by one kernel call:
// the rows [begin, end) of dW2 and dW3 (their inputs' columns of A), the entries [begin, end) of
// the vectors dW1, db1 and dW4. The slabs of alternate layers are dealt in mirrored order, so
// that when the grains do not divide evenly the larger slabs fall on different ranks (3 ranks:
// 35 + 35 + 30 rows of dW3, 30 + 35 + 35 of dW2).
template <typename T>
void Model<T>::WeightGradientSlabs(std::size_t m, int rank) {
  Arena<T>& d = grads_;
  Workspace<T>& w = ws_;
  const int ranks = pool_.size(), mirrored = ranks - 1 - rank;
  // The bias gradients db2, db3 and db4 are sums over the batch that every slab's call computes
  // whole (the kernels have no way to skip them): the rank whose slab starts at 0 writes the
  // arena's, the others their scratch. Every rank does the same work, so none waits longer.
  T* const scratch = ws_.rank_scratch(rank);
  auto bias_out = [scratch](Range slab, T* db) { return slab.begin == 0 ? db : scratch; };

  if (const Range s = Slab(kN, kVectorGrain, ranks, rank); !s.empty()) {
    k_.gemv_grad_w(m, s.size(), w.a3 + s.begin, kLd, w.g4, d[kW4] + s.begin, bias_out(s, d[kB4]));
  }
  if (const Range s = Slab(kN, kWeightRowGrain, ranks, mirrored); !s.empty()) {
    k_.gemm_grad_w(m, kN, s.size(), w.a2 + s.begin, kLd, w.g3, kLd, Row(d[kW3], s.begin), kLd,
                   bias_out(s, d[kB3]));
  }
  if (const Range s = Slab(kN, kWeightRowGrain, ranks, rank); !s.empty()) {
    k_.gemm_grad_w(m, kN, s.size(), w.a1 + s.begin, kLd, w.g2, kLd, Row(d[kW2], s.begin), kLd,
                   bias_out(s, d[kB2]));
  }
  if (const Range s = Slab(kN, kVectorGrain, ranks, mirrored); !s.empty()) {
    k_.outer_grad_w(m, s.size(), w.x, w.g1 + s.begin, kLd, d[kW1] + s.begin, d[kB1] + s.begin);
  }
}

template <typename T>
void Model<T>::BackwardOnRank(std::size_t m, int rank) {
  InputGradientRows(BatchRows(m, pool_.size(), rank));
  pool_.Barrier();  // every delta is in place: the weight gradients sum over all rows
  WeightGradientSlabs(m, rank);
}

template <typename T>
void Model<T>::Backward(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  pool_.Run([&](int rank) { BackwardOnRank(m, rank); });
}

template <typename T>
T Model<T>::LossAndGradient(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  T loss = 0;
  pool_.Run([&](int rank) {
    ForwardRows(BatchRows(m, pool_.size(), rank));
    pool_.Barrier();
    if (rank == 0) loss = SeedMseGradient(m);
    pool_.Barrier();
    BackwardOnRank(m, rank);
  });
  return loss;
}

template class Workspace<float>;
template class Workspace<double>;
template class Model<float>;
template class Model<double>;
template void InitParams<float>(Init, std::uint64_t, Arena<float>*);
template void InitParams<double>(Init, std::uint64_t, Arena<double>*);

}  // namespace simd_mlp::mlp
