// Benchmark code that must be compiled once per ISA (bench/simd/bench_target.cc, flags in
// kernels/isa_copts.bzl): the register-only FMA loop that measures the machine's peak, and the
// Eigen baseline, compiled for the same ISA as the kernels it is compared with. Each ISA's copy
// lives in its own namespace (as the kernels do, see kernels/simd/simd-inl.h), so the linker
// cannot mix them up.
#ifndef SIMD_MLP_BENCH_BENCH_TARGETS_H_
#define SIMD_MLP_BENCH_BENCH_TARGETS_H_

#include <cstddef>
#include <cstdint>

#include "kernels/activation.h"
#include "kernels/isa.h"

namespace simd_mlp::bench {

struct BenchTargetTable {
  // Runs `iterations` rounds of independent vector FMAs on registers only; returns the FLOPs done
  // (2 per lane per FMA). SSE2 has no FMA: a multiply and an add count as the same 2 FLOPs.
  double (*fma_peak_loop)(std::int64_t iterations);

  // The memory floor of a training step (epoch_bench.cc, memory_floor/B:<b>): reads params[0, n)
  // once (the forward pass), then reads params[0, n) and state[0, n) once and writes each element
  // back once (the backward pass and the optimizer update), with no arithmetic: the least traffic
  // a step over the parameters and one optimizer state (RMSprop's mean square) must move. n is a
  // multiple of 16; both arrays 64-byte aligned. The values are left as they were.
  void (*memory_floor_step)(std::size_t n, float* params, float* state);
  // The bytes of an optimizer pass over a gradient already written (the unfused update): reads
  // grads, params and state [0, n) once and writes params and state back once, no arithmetic.
  void (*memory_update_pass)(std::size_t n, const float* grads, float* params, float* state);

  // y = xsimd::tanh(x) over n floats: the accurate tanh our fast one is compared with.
  void (*xsimd_tanh)(std::size_t n, const float* x, float* y);

  // The baseline: the MLP's products written the way an Eigen user would (Eigen::Map over the
  // same row-major buffers, .noalias() products, Eigen's vectorized float tanh), with the same
  // signatures as the kernels they are compared with (kernels/gemm.h, kernels/dense_edge.h).
  void (*eigen_gemm_bias_act)(kernels::Activation act, std::size_t m, std::size_t n, std::size_t k,
                              const float* a, std::size_t lda, const float* w, std::size_t ldw,
                              const float* bias, float* c, std::size_t ldc);
  void (*eigen_gemm_grad_w)(std::size_t m, std::size_t n, std::size_t k, const float* a,
                            std::size_t lda, const float* g, std::size_t ldg, float* dw,
                            std::size_t lddw, float* db);
  void (*eigen_gemm_grad_x_act)(kernels::Activation act, std::size_t m, std::size_t n,
                                std::size_t k, const float* g, std::size_t ldg, const float* w,
                                std::size_t ldw, const float* a, std::size_t lda, float* dx,
                                std::size_t lddx);
  void (*eigen_outer_bias_act)(kernels::Activation act, std::size_t m, std::size_t n,
                               const float* x, const float* w, const float* bias, float* c,
                               std::size_t ldc);
  void (*eigen_gemv_bias_act)(kernels::Activation act, std::size_t m, std::size_t k, const float* a,
                              std::size_t lda, const float* w, float bias, float* y);

  // The epoch benchmark's baseline: mlp::Trainer's training step (SGD, or RMSprop when
  // `rmsprop`) written as an Eigen user would, over its own Eigen matrices
  // (bench/simd/eigen_mlp-inl.h). `params` holds the 20,501 parameters packed in the order of
  // mlp/core/layout.h's table (W1, b1, …, b4; each row-major, unpadded): the initial weights in,
  // the final ones out. Before each epoch it calls next_epoch(context), which returns that epoch's
  // order of the n samples of x and y (a pointer valid until the next call), or null to stop.
  // Returns false if a batch loss was not finite (training stops there).
  bool (*eigen_mlp_train)(kernels::Activation hidden, kernels::Activation output, bool rmsprop,
                          float lr, float rho, float eps, std::size_t batch, std::size_t n,
                          const float* x, const float* y,
                          const std::uint32_t* (*next_epoch)(void* context), void* context,
                          float* params);
};

// The table for one ISA other than kRef; the CPU must support it.
const BenchTargetTable& BenchTargetFor(kernels::Isa isa);

#define SIMD_MLP_ISA(enumerator, name) \
  namespace name {                     \
  const BenchTargetTable& Table();     \
  }
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_BENCH_TARGETS_H_
