// One hidden layer's whole backward pass at a small batch, with the optimizer step fused: the
// input deltas from the rows of W just before they are overwritten, and the weight gradient, a
// rank-m update, applied to W and b in the same pass. Batch-major, row-major, strides in elements.
//
// DenseBackwardStep(act, m, n, k, A, lda, G, ldg, dX, lddx, step, w, ldw, b)
//     A  m × k (lda ≥ k)   the layer's inputs: the previous layer's outputs act(Z)
//     G  m × n (ldg ≥ n)   the layer's deltas ∂L/∂Z
//     dX m × k (lddx ≥ k)  dX[i,p] = (Σ_j G[i,j]·W[p,j]) · act'(A[i,p]), W as it was before the
//                          step (act' from the output, as in gemm.h); not computed if dX is null
//                          (the first layer, whose input is the data)
//     then `step` (optimizer.h) applied to W, k × n at w.params with row stride ldw (its state
//     likewise), with the gradient dW[p,j] = Σ_i A[i,p]·G[i,j], and to b (n entries) with
//     db[j] = Σ_i G[i,j]. Neither gradient is stored anywhere.
// At m ≤ 8 the step is bound by moving W and its state, not by the products (docs/performance.md,
// "The memory floor"): this reads W and its state once and writes them once, where gemm_grad_x_act,
// gemm_grad_w and the flat optimizer pass read W twice and write and reread a gradient arena.
//
// 1 ≤ m ≤ kDenseStepMaxBatch; n, k ≥ 1. Only the k rows × n columns of W (and its state), the n
// entries of b and the m rows × k columns of dX are written; nothing past a row's end is read. No
// array may overlap another.
//
// Accuracy: the products are sums of m (dW, db) or n (dX) terms in an order of the kernel's own,
// within gemm.h's bounds for gemm_grad_w and gemm_grad_x_act; given the same gradient, each
// element's update is that of the ISA's flat optimizer kernel (optimizer.h), bit for bit.
// tests/kernels/dense_step_test.cc checks that on inputs whose products are exact.
#ifndef SIMD_MLP_KERNELS_DENSE_STEP_H_
#define SIMD_MLP_KERNELS_DENSE_STEP_H_

#include <cstddef>

#include "kernels/activation.h"
#include "kernels/optimizer.h"

namespace simd_mlp::kernels {

// The largest batch DenseBackwardStep takes: its per-sample partial sums live in registers.
inline constexpr std::size_t kDenseStepMaxBatch = 8;

namespace ref {

template <typename T>
void DenseBackwardStep(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                       std::size_t lda, const T* g, std::size_t ldg, T* dx, std::size_t lddx,
                       const OptimizerStep<T>& step, UpdateTarget<T> w, std::size_t ldw,
                       UpdateTarget<T> b);

}  // namespace ref

}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_DENSE_STEP_H_
