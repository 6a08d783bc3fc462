// The epoch benchmark's second baseline: mlp::Trainer's training step on oneDNN 2.6 primitives
// (Debian's libdnnl-dev 2.6.3), used as its documentation teaches for training. Per layer l = 1…4
// (A0 = x, A4 = ŷ, act the hidden or the output activation):
//   forward   A_l = act(A_{l−1}·W_lᵀ + b_l)   inner_product_forward (forward_training), the
//                                              activation an eltwise post-op
//   loss      L = mean((ŷ − y)²), G4 = 2(ŷ − y)/m   a loop (per sample, never averaged)
//   backward  G_l ⊙= act'(A_l)                eltwise_backward from the output A_l
//                                              (eltwise_*_use_dst_for_bwd), in place
//             dW_l = G_lᵀ·A_{l−1}, db_l = Σ G_l   inner_product_backward_weights, with bias
//             G_{l−1} = G_l·W_l                inner_product_backward_data (none for l = 1)
//   update    SGD, or RMSprop with Keras semantics and kernels/optimizer.h's flush of subnormal
//             state to 0: one loop over the flat parameter arena
// over batches of the given size in the caller's sample order, the last partial batch kept: the
// step of mlp::Trainer and of the Eigen baseline (bench/simd/eigen_mlp-inl.h).
// tests/bench/onednn_mlp_test.cc checks that it ends where mlp::Trainer does.
//
// Used as an expert would: every primitive is created once per batch size (the full batches and
// the last partial one) before the first epoch, with its arguments bound then; a step allocates
// nothing on our side (the primitives run through the C API from prebuilt argument arrays, the
// scratchpads are ours, allocated once); the master weights, their gradients and the optimizer
// state live in the weight layout the primitives read (OnednnWeights), so no step reorders.
// oneDNN itself builds a small map of the arguments at every execution (dnnl_primitive_execute);
// that cost is the library's and counts.
//
// One thread: Debian's libdnnl runs on OpenMP, and the trainer sets the calling thread's OpenMP
// thread count to 1 (omp_set_num_threads) before it creates a primitive, so every primitive is
// planned for and runs on that thread alone. (OMP_NUM_THREADS would have to be set before the
// process starts: libgomp reads it once, when it is loaded.)
//
// Compiled for baseline x86-64 like the rest of the project outside the per-ISA units: oneDNN
// picks its own kernels for the CPU at run time (ONEDNN_VERBOSE=1 names them; those seen are in
// docs/performance.md), and the update loop is cloned by g++ for avx512f, avx2 and baseline x86-64
// and chosen when the program is loaded.
#ifndef SIMD_MLP_BENCH_ONEDNN_MLP_H_
#define SIMD_MLP_BENCH_ONEDNN_MLP_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "bench/baseline_trainer.h"
#include "kernels/activation.h"

namespace simd_mlp::bench {

// The layout of the weight matrices: the one the primitives run on, and the one the master
// weights, their gradients and the optimizer state are kept in.
enum class OnednnWeights {
  // What the forward inner product asks for given format_tag::any: on avx512 CPUs AB16b64a for
  // W1…W3 (input blocks of 16 inside output blocks of 64, padded to 128 outputs: W2 takes 14,336
  // floats for its 10,000) and plain for W4; the backward primitives are created on that layout.
  kBlocked,
  // format_tag::oi, one row per output unit, as PyTorch's nn.Linear keeps its weight.
  kPlain,
};

// "blocked" or "oi".
const char* OnednnWeightsName(OnednnWeights weights);

// The faster of the two for batches of `batch` (one thread), chosen by measurement in turns:
// docs/performance.md, "oneDNN baseline".
OnednnWeights OnednnFasterWeights(std::size_t batch);

// The layout the benchmarks use: SIMD_MLP_ONEDNN_WEIGHTS=blocked|oi if set (to measure both),
// else OnednnFasterWeights(batch). Any other value: a message, and exit status 2.
OnednnWeights OnednnWeightsFor(std::size_t batch);

// The trainer, for drivers that run two in turns (bench/epoch_bench.cc compares the layouts so).
class OnednnMlp {
 public:
  // What a step computes besides the weights: the activations (kTanh, kRelu or kIdentity) and
  // the update (RMSprop, else SGD).
  struct Step {
    kernels::Activation hidden, output;
    bool rmsprop;
    float lr, rho, eps;
  };

  // Creates every primitive, for batches of `batch` over n samples and for the last partial one.
  OnednnMlp(OnednnWeights weights, const Step& step, std::size_t batch, std::size_t n);
  ~OnednnMlp();
  OnednnMlp(const OnednnMlp&) = delete;
  OnednnMlp& operator=(const OnednnMlp&) = delete;

  // The parameters in MlpTrainFn's packed form.
  void Import(const float* packed);
  void Export(float* packed);

  // One epoch over samples order[0…n) of x and y; false if a batch loss was not finite (training
  // should stop there).
  bool Epoch(const float* x, const float* y, const std::uint32_t* order);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The oneDNN trainer on the given weight layout (hidden and output: kTanh, kRelu or kIdentity).
MlpTrainFn OnednnMlpTrain(OnednnWeights weights);

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_ONEDNN_MLP_H_
