// The MLP's edge layers, which are too thin for a GEMM: the first (1 → n) and the last (k → 1).
//
// First layer, one input per row (x has m entries, w and bias n):
//   OuterBiasAct   forward:      C[i,j] = act(x[i]·w[j] + bias[j])          C m×n (ldc ≥ n)
//   OuterGradW     weight grad:  dw[j] = Σ_i x[i]·G[i,j],  db[j] = Σ_i G[i,j]  G m×n (ldg ≥ n)
//   (No input gradient: nothing lies before the first layer.)
// Last layer, one output per row (w has k entries; bias is a scalar):
//   GemvBiasAct    forward:      y[i] = act(A[i,:]·w + bias)                 A m×k (lda ≥ k)
//   GemvGradW      weight grad:  dw[p] = Σ_i A[i,p]·g[i],  *db = Σ_i g[i]
//   GemvGradXAct   input grad:   dX[i,p] = g[i]·w[p] ⊙ act'(A[i,p])          dX m×k (lddx ≥ k)
//                  with act' taken from the previous layer's output A, as in gemm.h.
//
// Outputs are overwritten. Any m, n, k ≥ 1, strides ≥ the row length, no alignment required;
// inputs and outputs must not overlap.
//
// Accuracy against the reference (same T): OuterBiasAct and GemvGradXAct evaluate one product
// per element (≤ 1 rounding apart; the reference may fuse nothing where we use FMA) plus the tanh
// error of activation.h. The reductions (OuterGradW, GemvBiasAct, GemvGradW) are summed in a
// different order: |r − r_ref| ≤ 2·N·u·Σ|terms| for a sum of N terms, u the unit roundoff.
#ifndef SIMD_MLP_KERNELS_DENSE_EDGE_H_
#define SIMD_MLP_KERNELS_DENSE_EDGE_H_

#include <cstddef>

#include "kernels/activation.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void OuterBiasAct(Activation act, std::size_t m, std::size_t n, const T* x, const T* w,
                  const T* bias, T* c, std::size_t ldc);

template <typename T>
void OuterGradW(std::size_t m, std::size_t n, const T* x, const T* g, std::size_t ldg, T* dw,
                T* db);

template <typename T>
void GemvBiasAct(Activation act, std::size_t m, std::size_t k, const T* a, std::size_t lda,
                 const T* w, T bias, T* y);

template <typename T>
void GemvGradW(std::size_t m, std::size_t k, const T* a, std::size_t lda, const T* g, T* dw, T* db);

template <typename T>
void GemvGradXAct(Activation act, std::size_t m, std::size_t k, const T* g, const T* w, const T* a,
                  std::size_t lda, T* dx, std::size_t lddx);

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_DENSE_EDGE_H_
