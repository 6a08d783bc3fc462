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

// The tensors of an arena's layout that starts at `base`: grads() or a gradient block.
template <typename T>
struct ArenaView {
  T* base;
  T* operator[](Tensor t) const { return base + Offset(t); }
};

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

// ---- The two batch layouts ----

// What a layout's passes read and write: the kernels, the activations, the weights and the
// workspace. Every pass takes a range of the batch's rows, [r, r + m).
template <typename T>
struct Model<T>::PassData {
  const kernels::KernelTable<T>& k;
  Activation hidden, output;
  const Arena<T>& p;
  Workspace<T>& w;
};

// Batch-major: sample r is row r of every hidden matrix, rows kPadded apart. The first layer is
// an outer product and the last a matrix-vector product, each with kernels of its own.
template <typename T>
struct Model<T>::BatchMajor : PassData {
  //   A1 = act(x ⊗ W1 + b1), A2 = act(A1·W2 + b2), A3 = act(A2·W3 + b3), ŷ = out(A3·W4 + b4)
  void Forward(Range rows) const {
    const auto& [k, hidden, output, p, w] = static_cast<const PassData&>(*this);
    const std::size_t r = rows.begin, m = rows.size();
    k.outer_bias_act(hidden, m, kN, w.x + r, p[kW1], p[kB1], Row(w.a1, r), kLd);
    k.gemm_bias_act(hidden, m, kN, kN, Row(w.a1, r), kLd, p[kW2], kLd, p[kB2], Row(w.a2, r), kLd);
    k.gemm_bias_act(hidden, m, kN, kN, Row(w.a2, r), kLd, p[kW3], kLd, p[kB3], Row(w.a3, r), kLd);
    k.gemv_bias_act(output, m, kN, Row(w.a3, r), kLd, p[kW4], p[kB4][0], w.yhat + r);
  }

  //   G3 = (G4·W4ᵀ) ⊙ act'(A3), G2 = (G3·W3ᵀ) ⊙ act'(A2), G1 = (G2·W2ᵀ) ⊙ act'(A1)
  void Deltas(Range rows) const {
    const auto& [k, hidden, output, p, w] = static_cast<const PassData&>(*this);
    const std::size_t r = rows.begin, m = rows.size();
    k.gemv_grad_x_act(hidden, m, kN, w.g4 + r, p[kW4], Row(w.a3, r), kLd, Row(w.g3, r), kLd);
    k.gemm_grad_x_act(hidden, m, kN, kN, Row(w.g3, r), kLd, p[kW3], kLd, Row(w.a2, r), kLd,
                      Row(w.g2, r), kLd);
    k.gemm_grad_x_act(hidden, m, kN, kN, Row(w.g2, r), kLd, p[kW2], kLd, Row(w.a1, r), kLd,
                      Row(w.g1, r), kLd);
  }

  //   dW4, db4 = A3ᵀ·G4, Σ G4;  dW3, db3 = A2ᵀ·G3, Σ G3;  dW2, db2 = A1ᵀ·G2, Σ G2;
  //   dW1, db1 = xᵀ·G1, Σ G1;  into `d`, an arena's layout: of the hidden layers, the columns
  //   (outputs) `cols` alone, and dW4, db4 (one output) where cols starts at 0 (partition.h,
  //   GradientColumns). Never fused (FusesStep).
  void WeightGradients(Range rows, ArenaView<T> d, [[maybe_unused]] const OptimizerUpdate* fused,
                       Range cols) const {
    assert(fused == nullptr);
    const auto& [k, hidden, output, p, w] = static_cast<const PassData&>(*this);
    const std::size_t r = rows.begin, n = rows.size(), c = cols.begin, nc = cols.size();
    if (c == 0) k.gemv_grad_w(n, kN, Row(w.a3, r), kLd, w.g4 + r, d[kW4], d[kB4]);
    if (nc == 0) return;
    k.gemm_grad_w(n, nc, kN, Row(w.a2, r), kLd, Row(w.g3, r) + c, kLd, d[kW3] + c, kLd, d[kB3] + c);
    k.gemm_grad_w(n, nc, kN, Row(w.a1, r), kLd, Row(w.g2, r) + c, kLd, d[kW2] + c, kLd, d[kB2] + c);
    k.outer_grad_w(n, nc, w.x + r, Row(w.g1, r) + c, kLd, d[kW1] + c, d[kB1] + c);
  }
};

// Feature-major: sample r is column r of every hidden matrix (100 rows, ld apart), and every
// layer goes through the *_fm kernels, the first and last as products with k = 1 and n = 1.
template <typename T>
struct Model<T>::FeatureMajor : PassData {
  std::size_t ld;  // FeatureMajorLd(m)

  //   A1 = act(x ⊗ W1 + b1), A2 = act(A1·W2 + b2), A3 = act(A2·W3 + b3), ŷ = out(A3·W4 + b4)
  void Forward(Range rows) const {
    const auto& [k, hidden, output, p, w] = static_cast<const PassData&>(*this);
    const std::size_t r = rows.begin, m = rows.size();
    k.gemm_bias_act_fm(hidden, m, kN, 1, w.x + r, ld, p[kW1], kN, p[kB1], w.a1 + r, ld);
    k.gemm_bias_act_fm(hidden, m, kN, kN, w.a1 + r, ld, p[kW2], kLd, p[kB2], w.a2 + r, ld);
    k.gemm_bias_act_fm(hidden, m, kN, kN, w.a2 + r, ld, p[kW3], kLd, p[kB3], w.a3 + r, ld);
    k.gemm_bias_act_fm(output, m, 1, kN, w.a3 + r, ld, p[kW4], kLdW4, p[kB4], w.yhat + r, ld);
  }

  //   G3 = (G4·W4ᵀ) ⊙ act'(A3), G2 = (G3·W3ᵀ) ⊙ act'(A2), G1 = (G2·W2ᵀ) ⊙ act'(A1)
  void Deltas(Range rows) const {
    const auto& [k, hidden, output, p, w] = static_cast<const PassData&>(*this);
    const std::size_t r = rows.begin, m = rows.size();
    k.gemm_grad_x_act_fm(hidden, m, 1, kN, w.g4 + r, ld, p[kW4], kLdW4, w.a3 + r, ld, w.g3 + r, ld);
    k.gemm_grad_x_act_fm(hidden, m, kN, kN, w.g3 + r, ld, p[kW3], kLd, w.a2 + r, ld, w.g2 + r, ld);
    k.gemm_grad_x_act_fm(hidden, m, kN, kN, w.g2 + r, ld, p[kW2], kLd, w.a1 + r, ld, w.g1 + r, ld);
  }

  //   dW4, db4 = A3ᵀ·G4, Σ G4;  dW3, db3 = A2ᵀ·G3, Σ G3;  dW2, db2 = A1ᵀ·G2, Σ G2;
  //   dW1, db1 = xᵀ·G1, Σ G1;  into `d`, an arena's layout, as BatchMajor's for the columns
  //   `cols`; each followed at once by `fused`'s step on its weights when given (every delta is
  //   in place then: W is no longer read; fused steps are whole, FusesStep).
  void WeightGradients(Range rows, ArenaView<T> d, const OptimizerUpdate* fused, Range cols) const {
    const Workspace<T>& w = this->w;
    const std::size_t r = rows.begin;
    assert(fused == nullptr || cols.size() == kN);
    if (cols.begin == 0) GradW(rows, kW4, kB4, {0, 1}, kN, w.a3 + r, w.g4 + r, kLdW4, d, fused);
    if (cols.empty()) return;
    GradW(rows, kW3, kB3, cols, kN, w.a2 + r, w.g3 + r, kLd, d, fused);
    GradW(rows, kW2, kB2, cols, kN, w.a1 + r, w.g2 + r, kLd, d, fused);
    GradW(rows, kW1, kB1, cols, 1, w.x + r, w.g1 + r, kN, d, fused);
  }

  // dW, db of the columns `cols` (outputs) of one layer of fan-in k_in, from its inputs `a` and
  // its deltas `g`.
  void GradW(Range rows, Tensor tw, Tensor tb, Range cols, std::size_t k_in, const T* a, const T* g,
             std::size_t lddw, ArenaView<T> d, const OptimizerUpdate* fused) const {
    const std::size_t n = rows.size(), c = cols.begin;
    if (fused == nullptr) {
      this->k.gemm_grad_w_fm(n, cols.size(), k_in, a, ld, g + c * ld, ld, d[tw] + c, lddw,
                             d[tb] + c);
    } else {
      this->k.gemm_grad_w_fm_step(n, cols.size(), k_in, a, ld, g, ld, d[tw], lddw, d[tb],
                                  fused->step, fused->Target(tw), fused->Target(tb));
    }
  }
};

template <typename T>
template <typename Body>
void Model<T>::WithLayout(std::size_t m, Body body) {
  const PassData data{k_, hidden_, output_, params_, ws_};
  if (UsesFeatureMajor(m)) {
    assert(kN * FeatureMajorLd(m) <= ws_.matrix_size());
    body(FeatureMajor{data, FeatureMajorLd(m)});
  } else {
    body(BatchMajor{data});
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

// ---- A step's parts on one rank: the same for both layouts ----

// In pieces of about kCachedRows rows (PieceAt), so that each layer reads its input from L2.
// Splitting rows at 16-row boundaries changes no bit (partition.h).
template <typename T>
template <typename Passes>
void Model<T>::ForwardRows(const Passes& passes, Range rows) {
  for (Range piece = PieceAt(rows, rows.begin); !piece.empty(); piece = PieceAt(rows, piece.end)) {
    passes.Forward(piece);
  }
}

// The deltas of a range of rows: each row's G_l needs only that row's G_{l+1} and A_l.
template <typename T>
template <typename Passes>
void Model<T>::DeltaRows(const Passes& passes, Range rows) {
  if (rows.empty()) return;
  Workspace<T>& w = ws_;
  const std::size_t r = rows.begin, m = rows.size();
  k_.activation_grad(output_, m, w.yhat + r, w.g4 + r, w.g4 + r);  // G4 = ∂L/∂ŷ ⊙ out'(ŷ)
  passes.Deltas(rows);
}

// The weight gradient of each of the rank's blocks of the batch, over that block's rows alone,
// after their deltas when `deltas_first` (BlockByBlockBackward): block 0's into grads(), block
// j's into the workspace's gradient block j (an arena of the same layout), for SumGradientBlocks
// to add. Whole blocks, or with more ranks than blocks, the rank's columns of its group's block
// (partition.h).
template <typename T>
template <typename Passes>
void Model<T>::BlockGradients(const Passes& passes, std::size_t m, int rank, bool deltas_first,
                              const OptimizerUpdate* fused) {
  const int ranks = pool_.size();
  auto into = [&](std::size_t block) -> ArenaView<T> {
    return {block == 0 ? grads_.data() : ws_.gradient_block(block)};
  };
  if (SplitsGradientBlocks(m, ranks)) {
    const std::size_t block = GradientGroupOf(m, ranks, rank);
    const Range group = GradientGroup(m, ranks, block);
    const Range cols = GradientColumns(kN, int(group.size()), rank - int(group.begin));
    passes.WeightGradients(GradientBlockRows(m, block), into(block), fused, cols);
    return;
  }
  const Range mine = Slab(GradientBlocks(m), 1, ranks, rank);
  for (std::size_t block = mine.begin; block < mine.end; ++block) {
    const Range rows = GradientBlockRows(m, block);
    if (deltas_first) DeltaRows(passes, rows);
    passes.WeightGradients(rows, into(block), fused, {0, kN});
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
template <typename Passes>
void Model<T>::BackwardOnRank(const Passes& passes, std::size_t m, int rank,
                              const OptimizerUpdate* fused) {
  // The same on every rank: it depends on m and the pool's size alone.
  const bool by_block = BlockByBlockBackward(m, pool_.size());
  if (!by_block) {
    DeltaRows(passes, BatchRows(m, pool_.size(), rank));
    pool_.Barrier();  // every delta is in place: a block's rows may be another rank's
  }
  BlockGradients(passes, m, rank, by_block, fused);
  if (GradientBlocks(m) > 1) {  // the same on every rank: it depends on m alone
    pool_.Barrier();            // every block's gradient is in place
    SumGradientBlocks(m, rank);
  }
}

// ---- The public passes ----

template <typename T>
void Model<T>::Forward(std::size_t m) {
  assert(m >= 1 && m <= ws_.capacity());
  WithLayout(m, [&](const auto& passes) {
    pool_.Run([&](int rank) { ForwardRows(passes, BatchRows(m, pool_.size(), rank)); });
  });
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
  WithLayout(m, [&](const auto& passes) {
    pool_.Run([&](int rank) { BackwardOnRank(passes, m, rank, nullptr); });
  });
}

// Layers 4 to 1, each one call: its input deltas (none for layer 1) from its weights as they were,
// then its weights and bias stepped with its gradient, which is never stored.
template <typename T>
void Model<T>::OnePassBackwardStep(std::size_t m, const OptimizerUpdate& update) {
  Workspace<T>& w = ws_;
  const auto& step = update.step;
  k_.activation_grad(output_, m, w.yhat, w.g4, w.g4);  // G4 = ∂L/∂ŷ ⊙ out'(ŷ)
  k_.dense_backward_step(hidden_, m, 1, kN, w.a3, kLd, w.g4, 1, w.g3, kLd, step, update.Target(kW4),
                         kLdW4, update.Target(kB4));
  k_.dense_backward_step(hidden_, m, kN, kN, w.a2, kLd, w.g3, kLd, w.g2, kLd, step,
                         update.Target(kW3), kLd, update.Target(kB3));
  k_.dense_backward_step(hidden_, m, kN, kN, w.a1, kLd, w.g2, kLd, w.g1, kLd, step,
                         update.Target(kW2), kLd, update.Target(kB2));
  k_.dense_backward_step(hidden_, m, kN, 1, w.x, 1, w.g1, kLd, nullptr, kLd, step,
                         update.Target(kW1), kN, update.Target(kB1));
}

template <typename T>
T Model<T>::Step(std::size_t m, const OptimizerUpdate* update) {
  assert(m >= 1 && m <= ws_.capacity());
  if (update != nullptr && OnePassStep(m)) {
    T loss = 0;
    const PassData data{k_, hidden_, output_, params_, ws_};
    const BatchMajor passes{data};
    pool_.Run([&](int rank) {
      ForwardRows(passes, BatchRows(m, pool_.size(), rank));
      pool_.Barrier();
      if (rank != 0) return;  // a few rows of W per rank would cost more in barriers than it saves
      loss = SeedMseGradient(m);
      if (std::isfinite(loss)) OnePassBackwardStep(m, *update);
    });
    return loss;
  }
  const OptimizerUpdate* fused = update != nullptr && FusesStep(m) ? update : nullptr;
  T loss = 0;
  WithLayout(m, [&](const auto& passes) {
    pool_.Run([&](int rank) {
      ForwardRows(passes, BatchRows(m, pool_.size(), rank));
      pool_.Barrier();
      if (rank == 0) loss = SeedMseGradient(m);
      pool_.Barrier();
      if (update != nullptr && !std::isfinite(loss)) return;  // the same on every rank
      BackwardOnRank(passes, m, rank, fused);
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
  const OptimizerUpdate update{step, params_, *state1, *state2};
  return Step(m, &update);
}

template <typename T>
bool Model<T>::FusesStep(std::size_t m) const {
  return UsesFeatureMajor(m) && pool_.size() == 1 && GradientBlocks(m) == 1 &&
         !BlockByBlockBackward(m, 1);
}

template <typename T>
bool Model<T>::OnePassStep(std::size_t m) const {
  return !UsesFeatureMajor(m) && m <= kOnePassMaxBatch;
}

template class Workspace<float>;
template class Workspace<double>;
template class Model<float>;
template class Model<double>;

}  // namespace simd_mlp::mlp
