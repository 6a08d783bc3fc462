// The three products of a dense layer, row-major with explicit strides (in elements).
//
// Shapes for a layer with m = batch rows, k inputs and n outputs:
//   A  m×k  (lda ≥ k)   the layer's input activations
//   W  k×n  (ldw ≥ n)   weights, (inputs, outputs) orientation
//   C  m×n  (ldc ≥ n)   the layer's output activations
//
// GemmBiasAct     forward:        C = act(A·W + bias)
// GemmGradW       weight grad:    dW = Aᵀ·G  (k×n), db = Σ_rows G  (n)
//                 This is where the batch reduction of the loss gradient happens: each row of G
//                 already carries its 1/m (see mse.h), so dW sums, it never averages.
// GemmGradXAct    input grad:     dX = (G·Wᵀ) ⊙ act'(A), with act' from the previous layer's
//                 output A (m×k, lda): the backward of that layer's activation, fused.
//
// Outputs are overwritten (no accumulation). No padding is assumed: any m, n, k ≥ 1 and any
// strides ≥ the row length; no alignment is required (64-byte aligned rows are faster). Inputs
// and outputs must not overlap.
//
// Accuracy against the reference (same T): every dot product of length K is summed in a different
// order, so |C − C_ref| ≤ 2·K·u·Σ|a_i·w_i| (+ the tanh error of activation.h, which tanh' ≤ 1
// does not amplify), u = 2^-24 for float. tests/gemm_test.cc asserts this bound per element.
#ifndef SIMD_MLP_KERNELS_GEMM_H_
#define SIMD_MLP_KERNELS_GEMM_H_

#include <cstddef>

#include "kernels/activation.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void GemmBiasAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                 std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* c,
                 std::size_t ldc);

template <typename T>
void GemmGradW(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* g,
               std::size_t ldg, T* dw, std::size_t lddw, T* db);

template <typename T>
void GemmGradXAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* g,
                  std::size_t ldg, const T* w, std::size_t ldw, const T* a, std::size_t lda, T* dx,
                  std::size_t lddx);

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_GEMM_H_
