// The 1-100-100-100-1 perceptron: forward and backward passes built only from the kernel table
// (kernels/kernels.h), over the arenas of arena.h and one workspace allocated at construction.
//
//   forward                               backward (the same layers, reversed)
//   A1 = act(x ⊗ W1 + b1)  outer_bias_act   dW1, db1 = xᵀ·G1, Σ G1               outer_grad_w
//   A2 = act(A1·W2 + b2)   gemm_bias_act    dW2, db2 = A1ᵀ·G2, Σ G2; G1 = …      gemm_grad_w,
//                                                                               gemm_grad_x_act
//   A3 = act(A2·W3 + b3)   gemm_bias_act    dW3, db3 = A2ᵀ·G3, Σ G3; G2 = …      gemm_grad_w,
//                                                                               gemm_grad_x_act
//   ŷ  = out(A3·W4 + b4)   gemv_bias_act    dW4, db4 = A3ᵀ·G4, Σ G4; G3 = …      gemv_grad_w,
//                                                                               gemv_grad_x_act
//   L  = mean((ŷ − y)²)    mse_loss_grad    G4 = 2(ŷ − y)/B ⊙ out'(ŷ)            mse_loss_grad,
//                                                                               activation_grad
//
// Hidden activations and deltas are B×100 matrices with row stride kPadded = 112; the kernels get
// the logical n = k = 100 and never read lanes 100…111 (zero from allocation, or whatever a
// feature-major batch left there). Or, for the batches where it pays (FeatureMajorPays: 16 to 127
// samples that fill their vectors), feature-major: 100×B matrices, one column per sample, rows
// FeatureMajorLd(B) apart, through gemm_bias_act_fm, gemm_grad_x_act_fm and gemm_grad_w_fm for
// every layer (the first and last as products with k = 1 and n = 1). x, y, ŷ and g4 hold one value
// per sample in both. Each layout is a forward pass and the two halves of its backward pass
// written as mirror images (model.cc: BatchMajor, FeatureMajor), picked once per call; the step
// and its division among threads (a rank's rows of the batch are then its columns) are the same
// in both. T is float (training) or double (gradient checks).
// Nothing here allocates after construction.
//
// On a thread pool of any size the results are bit-identical (partition.h): a step is
//   rows      each rank: the forward pass of its own rows of the batch (no row needs another's),
//             in pieces of about kCachedRows rows
//   ─ barrier ─
//   serial    rank 0: the loss over the whole batch, in one fixed order, and ∂L/∂ŷ
//   ─ barrier ─
//   rows      each rank: G4 (through out'), G3, G2, G1 for its own rows
//   ─ barrier ─
//   blocks    each rank: the whole gradient (every dW and db) of its blocks of the batch, whose
//             rows the batch size alone fixes (partition.h): block 0 into grads(), the others
//             into the workspace; with more ranks than blocks, a group of ranks each block, each
//             rank its columns of the block's gradient (GradientGroup, GradientColumns)
//   ─ barrier ─ (when there is more than one block)
//   slabs     each rank: its slab of grads() += blocks 1, 2, … in that order
//   ─ barrier ─ (LossGradientAndStep)
//   slabs     each rank: the optimizer step on its slab of the arena; for a feature-major batch
//             on one thread, the weight gradients' kernels have made it instead (FusesStep)
// A training step on a batch of at most kOnePassMaxBatch samples (batch-major) is shorter
// (OnePassStep): after the loss, rank 0 alone runs the backward pass and the update as one
// pass per layer, last to first (dense_backward_step: each layer's input deltas from the rows of
// W just before they are overwritten, its rank-m weight gradient applied as it is formed), so W
// and its state are read and written once and no gradient arena is written. At these sizes a
// step is bound by moving the parameters, not by FLOPs (docs/performance.md, "The memory floor").
// Past 1,024 rows, where each block is one rank's (BlockByBlockBackward), the deltas come block by
// block instead: each rank computes G4 … G1 for a block's rows just before that block's gradient,
// with no barrier between.
#ifndef SIMD_MLP_MLP_CORE_MODEL_H_
#define SIMD_MLP_MLP_CORE_MODEL_H_

#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"
#include "mlp/core/arena.h"
#include "mlp/core/layout.h"
#include "mlp/core/partition.h"
#include "mlp/runtime/thread_pool.h"

namespace simd_mlp::mlp {

using kernels::Activation;

// Activations and deltas for up to `capacity` samples, and the gradients of the weight
// gradients' blocks past the first (partition.h) for batches that large, carved from one
// allocation.
template <typename T>
class Workspace {
 public:
  explicit Workspace(std::size_t capacity);
  std::size_t capacity() const { return capacity_; }
  // Elements of each hidden matrix (a1 … g3), in either layout.
  std::size_t matrix_size() const;

  // The gradient of block `block` (1 ≤ block < GradientBlocks(capacity)): kArenaSize elements laid
  // out as an arena (layout.h), pad lanes zero.
  T* gradient_block(std::size_t block) { return gradient_blocks_ + (block - 1) * kArenaSize; }

  T* x;   // capacity          inputs of the batch (normalized x)
  T* y;   // capacity          targets
  T* a1;  // capacity × 112    hidden activations, one row per sample (or 100 × FeatureMajorLd(m))
  T* a2;
  T* a3;
  T* yhat;  // capacity          outputs
  T* g1;    // capacity × 112    ∂L/∂Z of each hidden layer (deltas)
  T* g2;
  T* g3;
  T* g4;  // capacity          ∂L/∂Z4, the output delta

 private:
  std::size_t capacity_;
  AlignedBuffer<T> buffer_;
  T* gradient_blocks_;
};

// The largest batch whose training step is one pass per layer (OnePassStep). dense_backward_step
// takes up to kernels::kDenseStepMaxBatch samples, but only one sample gains: at B = 8 the unfused
// products' register tiles reuse each loaded row of W over the batch, and the flat update overlaps
// them no worse (docs/performance.md, "The one-pass step").
inline constexpr std::size_t kOnePassMaxBatch = 1;

// The largest batch that runs feature-major: below 128 samples, where the trainer runs one thread
// by default (mlp/training/config.h, kParallelMinBatch). Larger batches gain on one thread but
// lose on two (docs/performance.md), and the layout must depend on the batch alone, so that the
// bits do not depend on the number of threads.
inline constexpr std::size_t kFeatureMajorMaxBatch = 127;

// Feature-major pays where a batch fills its vectors (at most 1 lane in 16 idle: a vector holds
// one sample per lane, so below 16 samples the products would do up to 16× the work) and is at
// most kFeatureMajorMaxBatch; docs/performance.md has its products' times against batch-major.
constexpr bool FeatureMajorPays(std::size_t m) {
  return m >= kVectorLanes && m <= kFeatureMajorMaxBatch &&
         kVectorLanes * (RoundUp(m, kVectorLanes) - m) <= m;
}

// Row stride of an m-sample batch's feature-major matrices, in elements: whole vectors, so that a
// column range starting on a 16-sample block is 64-byte aligned, plus one vector where that would
// be a multiple of 64 elements (256 bytes in float), whose rows would fall in the same L1 sets.
// It depends on the batch alone, not on the workspace's capacity (at least 512 samples, for
// evaluation), which would spread a small batch's rows far apart. Both chosen by measurement
// (docs/performance.md).
constexpr std::size_t FeatureMajorLd(std::size_t m) {
  const std::size_t whole = RoundUp(m, kVectorLanes);
  return whole % (4 * kVectorLanes) == 0 ? whole + kVectorLanes : whole;
}

// Which layout Model uses for a batch: the one FeatureMajorPays picks, or one forced (tests
// compare the two; either gives the same gradient up to rounding, for any batch).
enum class Layout { kAuto, kBatchMajor, kFeatureMajor };

template <typename T>
class Model {
 public:
  // `capacity` is the largest batch Forward/Backward will see. `pool` (it must outlive the model)
  // runs the passes on all its threads; without one they run on the calling thread.
  Model(const kernels::KernelTable<T>& k, Activation hidden, Activation output,
        std::size_t capacity, ThreadPool* pool = nullptr);

  Arena<T>& params() { return params_; }
  const Arena<T>& params() const { return params_; }
  Arena<T>& grads() { return grads_; }
  const Arena<T>& grads() const { return grads_; }
  Workspace<T>& workspace() { return ws_; }
  const kernels::KernelTable<T>& kernels() const { return k_; }
  Activation hidden() const { return hidden_; }
  Activation output() const { return output_; }
  void set_layout(Layout layout) { layout_choice_ = layout; }
  bool UsesFeatureMajor(std::size_t m) const;

  // ŷ = f(x) for the first m samples of workspace().x, into workspace().yhat.
  void Forward(std::size_t m);

  // Returns L = mean((ŷ − y)²) over the m samples and seeds workspace().g4 with ∂L/∂ŷ.
  T SeedMseGradient(std::size_t m);

  // Backpropagates workspace().g4 (∂L/∂ŷ, as SeedMseGradient leaves it) into grads(). m must be
  // the preceding Forward's: the activations' layout depends on it.
  void Backward(std::size_t m);

  // One training step's gradient: Forward, SeedMseGradient, Backward, as one job on the pool.
  // Returns the batch loss.
  T LossAndGradient(std::size_t m);

  // One training step: LossAndGradient, then `step` (the optimizer, kernels/optimizer.h) on
  // params() with its state in *state1 and *state2 (arenas of the same layout; those the
  // optimizer does not use are left alone), as one job on the pool. Where FusesStep(m), the step
  // runs inside the weight gradients' kernels, on each gradient as it is computed
  // (kernels/gemm_step.h); elsewhere each rank applies it to its slab of the arena (the flat
  // kernels over 64-byte-aligned ranges, pad lanes included: they stay 0). The bits are the same
  // either way, and grads() holds the gradient used. Where OnePassStep(m), neither: see there. If
  // the loss is not finite, nothing past it is computed (grads() keeps the previous step's) and
  // nothing is updated. Returns the loss.
  T LossGradientAndStep(std::size_t m, const kernels::OptimizerStep<T>& step, Arena<T>* state1,
                        Arena<T>* state2);
  // Whether a step on an m-sample batch is fused: one that runs feature-major, on a single
  // thread (then each weight gradient is one kernel call over the whole batch; on more threads
  // the arena pass is split among them, while such a batch's gradient is one rank's).
  bool FusesStep(std::size_t m) const;
  // Whether a step on an m-sample batch is one pass per layer (the top of this file): batch-major
  // and at most kOnePassMaxBatch samples, on any pool (the choice depends on m and the
  // layout alone, so the bits do not depend on the thread count). Its sums come in another order
  // than LossAndGradient's, so its result matches that and the flat step only to rounding, and
  // grads() is left as it was.
  bool OnePassStep(std::size_t m) const;

 private:
  // An optimizer step, the parameters it updates and where its state is.
  struct OptimizerUpdate {
    const kernels::OptimizerStep<T>& step;
    Arena<T>& params;
    Arena<T>& state1;
    Arena<T>& state2;
    // Where tensor t's parameters and state begin (the arenas share one layout).
    kernels::UpdateTarget<T> Target(Tensor t) const { return {params[t], state1[t], state2[t]}; }
  };

  // The two batch layouts (model.cc), each as three passes over a range of the batch's rows:
  // Forward (layers 1 to 4), Deltas (the hidden layers' deltas, layers 4 to 1) and
  // WeightGradients (dW, db of layers 4 to 1), the backward passes reading as the forward
  // reversed. WithLayout(m, body) calls body with the passes of an m-sample batch's layout,
  // picked once per call; everything that calls them is written once for both.
  struct PassData;
  struct BatchMajor;
  struct FeatureMajor;
  template <typename Body>
  void WithLayout(std::size_t m, Body body);

  // Forward, loss and backward on the pool, then `update` (or none) as LossGradientAndStep says.
  T Step(std::size_t m, const OptimizerUpdate* update);
  // The parts of a step that one rank does (see the top of this file), through a layout's passes.
  template <typename Passes>
  void ForwardRows(const Passes& passes, Range rows);
  template <typename Passes>
  void DeltaRows(const Passes& passes, Range rows);
  // With `fused`, the feature-major weight gradients also apply its step (LossGradientAndStep).
  template <typename Passes>
  void BlockGradients(const Passes& passes, std::size_t m, int rank, bool deltas_first,
                      const OptimizerUpdate* fused);
  template <typename Passes>
  void BackwardOnRank(const Passes& passes, std::size_t m, int rank, const OptimizerUpdate* fused);
  void SumGradientBlocks(std::size_t m, int rank);
  // The backward pass and the update of a OnePassStep batch, after SeedMseGradient.
  void OnePassBackwardStep(std::size_t m, const OptimizerUpdate& update);

  static ThreadPool& SerialPool();

  const kernels::KernelTable<T>& k_;
  Activation hidden_, output_;
  Layout layout_choice_ = Layout::kAuto;
  ThreadPool& pool_;
  Arena<T> params_, grads_;
  Workspace<T> ws_;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CORE_MODEL_H_
