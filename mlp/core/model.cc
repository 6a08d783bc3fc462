#include "mlp/core/model.h"

#include <algorithm>
#include <cassert>
#include <cmath>


namespace simd_mlp::mlp {

namespace {
constexpr std::size_t kLd = kPadded;  // row stride of every hidden activation, delta and weight
constexpr std::size_t kN = kHidden;   // logical width passed to the kernels
constexpr std::size_t kLdW4 = Stride(kTensors[kW4]);  // 1: W4 is one column

// Row r of a batch-major hidden-layer matrix (activations or deltas).
template <typename T>
T* Row(T* matrix, std::size_t r) {
  return matrix + r * kLd;
}

// Elements of one hidden matrix: capacity rows of kLd (batch-major) or kN rows of FeatureMajorLd
// (feature-major), whichever is larger (FeatureMajorLd never falls as the batch grows).
std::size_t MatrixSize(std::size_t capacity) {
  return std::max(capacity * kLd, kN * FeatureMajorLd(capacity));
}
}  // namespace

template <typename T>
Workspace<T>::Workspace(std::size_t capacity)
    : capacity_(capacity),
      buffer_(4 * RoundUp(capacity, kVectorLanes) + 6 * MatrixSize(capacity) +
              (GradientBlocks(capacity) - 1) * kArenaSize) {
  // Every piece is a multiple of 16 elements long, so every piece starts 64-byte aligned.
  T* p = buffer_.data();
  auto take = [&p](std::size_t n) {
    T* start = p;
    p += n;
    return start;
  };
  const std::size_t column = RoundUp(capacity, kVectorLanes), matrix = MatrixSize(capacity);
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
  gradient_blocks_ = take((GradientBlocks(capacity) - 1) * kArenaSize);
}

template <typename T>
std::size_t Workspace<T>::matrix_size() const {
  return MatrixSize(capacity_);
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
      ws_(capacity) {}

// In pieces of about kCachedRows rows (PieceAt), so that each layer reads its input from L2 (at
// B = 8000 on one or two threads, a layer's input and output over a rank's rows take 3.4 MiB or
// more).
// Splitting rows at 16-row boundaries changes no bit (partition.h).
template <typename T>
void Model<T>::ForwardRows(Range rows, BatchLayout layout) {
  const Arena<T>& p = params_;
  Workspace<T>& w = ws_;
  const std::size_t ld = layout.fm_ld;
  for (Range piece = PieceAt(rows, rows.begin); !piece.empty(); piece = PieceAt(rows, piece.end)) {
    const std::size_t r = piece.begin, m = piece.size();
    if (layout.feature_major) {  // sample r is column r; the first layer's input row is x itself
      k_.gemm_bias_act_fm(hidden_, m, kN, 1, w.x + r, ld, p[kW1], kN, p[kB1], w.a1 + r, ld);
      k_.gemm_bias_act_fm(hidden_, m, kN, kN, w.a1 + r, ld, p[kW2], kLd, p[kB2], w.a2 + r, ld);
      k_.gemm_bias_act_fm(hidden_, m, kN, kN, w.a2 + r, ld, p[kW3], kLd, p[kB3], w.a3 + r, ld);
      k_.gemm_bias_act_fm(output_, m, 1, kN, w.a3 + r, ld, p[kW4], kLdW4, p[kB4], w.yhat + r, ld);
      continue;
    }
    k_.outer_bias_act(hidden_, m, kN, w.x + r, p[kW1], p[kB1], Row(w.a1, r), kLd);
    k_.gemm_bias_act(hidden_, m, kN, kN, Row(w.a1, r), kLd, p[kW2], kLd, p[kB2], Row(w.a2, r), kLd);
    k_.gemm_bias_act(hidden_, m, kN, kN, Row(w.a2, r), kLd, p[kW3], kLd, p[kB3], Row(w.a3, r), kLd);
    k_.gemv_bias_act(output_, m, kN, Row(w.a3, r), kLd, p[kW4], p[kB4][0], w.yhat + r);
  }
}

template <typename T>
bool Model<T>::UsesFeatureMajor(std::size_t m) const {
  switch (layout_choice_) {
    case Layout::kBatchMajor:
      return false;
    case Layout::kFeatureMajor:
      return true;
    case Layout::kAuto:
      break;
  }
  return FeatureMajorPays(m);
}

template <typename T>
typename Model<T>::BatchLayout Model<T>::LayoutFor(std::size_t m) const {
  assert(kN * FeatureMajorLd(m) <= ws_.matrix_size());
  return {UsesFeatureMajor(m), FeatureMajorLd(m)};
}

template <typename T>
void Model<T>::Forward(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  const BatchLayout layout = LayoutFor(m);
  pool_.Run([&](int rank) { ForwardRows(BatchRows(m, pool_.size(), rank), layout); });
}

template <typename T>
T Model<T>::SeedMseGradient(std::size_t m) {
  Workspace<T>& w = ws_;
  // THE loss gradient, per sample: g4[i] = ∂L/∂ŷ_i = 2(ŷ_i − y_i)/m. Not (ŷ − y)², which is the
  // loss itself, and not averaged over the batch here: each sample's delta must go back through
  // that sample's own activations. The batch reduction happens in the *_grad_w kernels, which sum.
  return k_.mse_loss_grad(m, w.yhat, w.y, w.g4);
}

// The deltas of a range of rows: each row's G_l needs only that row's G_{l+1} and A_l.
template <typename T>
void Model<T>::InputGradientRows(Range rows, BatchLayout layout) {
  if (rows.empty()) return;
  const Arena<T>& p = params_;
  Workspace<T>& w = ws_;
  const std::size_t r = rows.begin, m = rows.size();
  k_.activation_grad(output_, m, w.yhat + r, w.g4 + r, w.g4 + r);  // through out(): ∂L/∂Z4
  if (layout.feature_major) {
    const std::size_t ld = layout.fm_ld;
    k_.gemm_grad_x_act_fm(hidden_, m, 1, kN, w.g4 + r, ld, p[kW4], kLdW4, w.a3 + r, ld, w.g3 + r,
                          ld);
    k_.gemm_grad_x_act_fm(hidden_, m, kN, kN, w.g3 + r, ld, p[kW3], kLd, w.a2 + r, ld, w.g2 + r,
                          ld);
    k_.gemm_grad_x_act_fm(hidden_, m, kN, kN, w.g2 + r, ld, p[kW2], kLd, w.a1 + r, ld, w.g1 + r,
                          ld);
    return;
  }
  k_.gemv_grad_x_act(hidden_, m, kN, w.g4 + r, p[kW4], Row(w.a3, r), kLd, Row(w.g3, r), kLd);
  k_.gemm_grad_x_act(hidden_, m, kN, kN, Row(w.g3, r), kLd, p[kW3], kLd, Row(w.a2, r), kLd,
                     Row(w.g2, r), kLd);
  k_.gemm_grad_x_act(hidden_, m, kN, kN, Row(w.g2, r), kLd, p[kW2], kLd, Row(w.a1, r), kLd,
                     Row(w.g1, r), kLd);
}

// The whole weight gradient of each of the rank's blocks of the batch, over that block's rows
// alone, after their deltas when `deltas_first` (BlockByBlockBackward): block 0's into grads(),
// block j's into the workspace's gradient block j (an arena of the same layout), for
// SumGradientBlocks to add.
template <typename T>
void Model<T>::BlockGradients(std::size_t m, int rank, bool deltas_first, BatchLayout layout,
                              const OptimizerUpdate* fused) {
  const Workspace<T>& w = ws_;
  const std::size_t blocks = GradientBlocks(m);
  const Range mine = Slab(blocks, 1, pool_.size(), rank);
  for (std::size_t block = mine.begin; block < mine.end; ++block) {
    T* const out = block == 0 ? grads_.data() : ws_.gradient_block(block);
    auto d = [out](Tensor t) { return out + Offset(t); };
    const Range rows = GradientBlockRows(m, block);
    if (deltas_first) InputGradientRows(rows, layout);
    const std::size_t r = rows.begin, n = rows.size();
    if (layout.feature_major) {
      const std::size_t ld = layout.fm_ld;
      // dW, db of one layer (fan_in k, fan_out c) from its input rows `at` and its deltas `gt`.
      auto grad_w = [&](Tensor tw, Tensor tb, std::size_t c, std::size_t k, const T* at,
                        const T* gt, std::size_t lddw) {
        if (fused == nullptr) {
          k_.gemm_grad_w_fm(n, c, k, at, ld, gt, ld, d(tw), lddw, d(tb));
        } else {  // every delta is in place (the caller's barrier): W is no longer read
          k_.gemm_grad_w_fm_step(n, c, k, at, ld, gt, ld, d(tw), lddw, d(tb), fused->step,
                                 fused->Target(params_, tw), fused->Target(params_, tb));
        }
      };
      grad_w(kW4, kB4, 1, kN, w.a3 + r, w.g4 + r, kLdW4);
      grad_w(kW3, kB3, kN, kN, w.a2 + r, w.g3 + r, kLd);
      grad_w(kW2, kB2, kN, kN, w.a1 + r, w.g2 + r, kLd);
      grad_w(kW1, kB1, kN, 1, w.x + r, w.g1 + r, kN);
      continue;
    }
    k_.gemv_grad_w(n, kN, Row(w.a3, r), kLd, w.g4 + r, d(kW4), d(kB4));
    k_.gemm_grad_w(n, kN, kN, Row(w.a2, r), kLd, Row(w.g3, r), kLd, d(kW3), kLd, d(kB3));
    k_.gemm_grad_w(n, kN, kN, Row(w.a1, r), kLd, Row(w.g2, r), kLd, d(kW2), kLd, d(kB2));
    k_.outer_grad_w(n, kN, w.x + r, Row(w.g1, r), kLd, d(kW1), d(kB1));
  }
}

// grads() += gradient blocks 1, 2, … in that order (the sum's order is fixed by m alone), each
// rank over its own cache-line-aligned slab of the arena.
template <typename T>
void Model<T>::SumGradientBlocks(std::size_t m, int rank) {
  const Range slab = Slab(kArenaSize, kVectorGrain, pool_.size(), rank);
  if (slab.empty()) return;
  for (std::size_t block = 1; block < GradientBlocks(m); ++block) {
    k_.accumulate(slab.size(), ws_.gradient_block(block) + slab.begin, grads_.data() + slab.begin);
  }
}

template <typename T>
void Model<T>::BackwardOnRank(std::size_t m, int rank, BatchLayout layout,
                              const OptimizerUpdate* fused) {
  const bool by_block = BlockByBlockBackward(m);  // the same on every rank: it depends on m alone
  if (!by_block) {
    InputGradientRows(BatchRows(m, pool_.size(), rank), layout);
    pool_.Barrier();  // every delta is in place: a block's rows may be another rank's
  }
  BlockGradients(m, rank, by_block, layout, fused);
  if (GradientBlocks(m) > 1) {  // the same on every rank: it depends on m alone
    pool_.Barrier();            // every block's gradient is in place
    SumGradientBlocks(m, rank);
  }
}

template <typename T>
void Model<T>::Backward(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  const BatchLayout layout = LayoutFor(m);
  pool_.Run([&](int rank) { BackwardOnRank(m, rank, layout, nullptr); });
}

template <typename T>
T Model<T>::Step(std::size_t m, const OptimizerUpdate* update) {
  assert(m >= 1 && m <= ws_.capacity());
  const BatchLayout layout = LayoutFor(m);
  const OptimizerUpdate* fused = update != nullptr && FusesStep(m) ? update : nullptr;
  T loss = 0;
  pool_.Run([&](int rank) {
    ForwardRows(BatchRows(m, pool_.size(), rank), layout);
    pool_.Barrier();
    if (rank == 0) loss = SeedMseGradient(m);
    pool_.Barrier();
    if (update != nullptr && !std::isfinite(loss)) return;  // the same on every rank
    BackwardOnRank(m, rank, layout, fused);
    if (update == nullptr || fused != nullptr) return;
    // Each rank its own cache-line-aligned slab: every element's update reads only that
    // element's gradient and state, so the slabs change nothing but who computes what.
    pool_.Barrier();  // the whole gradient is in place: a slab may hold another rank's block
    const Range r = Slab(kArenaSize, kVectorGrain, pool_.size(), rank);
    if (r.empty()) return;
    kernels::ApplyStep(k_, r.size(), update->step, grads_.data() + r.begin,
                       {params_.data() + r.begin, update->state1.data() + r.begin,
                        update->state2.data() + r.begin});
  });
  return loss;
}

template <typename T>
T Model<T>::LossAndGradient(std::size_t m) {
  return Step(m, nullptr);
}

template <typename T>
T Model<T>::LossGradientAndStep(std::size_t m, const kernels::OptimizerStep<T>& step,
                                Arena<T>* state1, Arena<T>* state2) {
  const OptimizerUpdate update{step, *state1, *state2};
  return Step(m, &update);
}

template <typename T>
bool Model<T>::FusesStep(std::size_t m) const {
  return UsesFeatureMajor(m) && pool_.size() == 1 && GradientBlocks(m) == 1 &&
         !BlockByBlockBackward(m);
}

template class Workspace<float>;
template class Workspace<double>;
template class Model<float>;
template class Model<double>;

}  // namespace simd_mlp::mlp
