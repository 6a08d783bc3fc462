// The three products of a dense layer, row-major with explicit strides (in elements).
//
// Shapes for a layer with m = batch rows, k inputs and n outputs (every leading dimension ld* is
// at least its row length):
//   A   m×k  (lda)    the layer's input: the previous layer's output activations
//   W   k×n  (ldw)    weights, (inputs, outputs) orientation
//   b   n             bias
//   C   m×n  (ldc)    the layer's output activations
//   G   m×n  (ldg)    the loss gradient with respect to the layer's pre-activations A·W + b
//
// GemmBiasAct(act, m, n, k, A, lda, W, ldw, b, C, ldc)
//     forward:      C = act(A·W + b)
// GemmGradW(m, n, k, A, lda, G, ldg, dW, lddw, db)
//     weight grad:  dW = Aᵀ·G  (k×n, lddw),  db = Σ_rows G  (n)
//     This is where the batch reduction of the loss gradient happens: each row of G already
//     carries its 1/m (see mse.h), so dW sums, it never averages.
// GemmGradXAct(act, m, n, k, G, ldg, W, ldw, A, lda, dX, lddx)
//     input grad:   dX = (G·Wᵀ) ⊙ act'(A)  (m×k, lddx), with act' taken from A, the previous
//     layer's output (activation.h): the backward of that layer's activation, fused. dX is the
//     previous layer's G.
//
// Feature-major forms of the three: the same products with the samples along the rows (row f of
// At holds feature f of every sample: At = Aᵀ, k×m; Ct = Cᵀ, n×m; Gt = Gᵀ, n×m; dXt = dXᵀ, k×m),
// and the same W. A batch of 16 or 32 samples is then one or two
// whole AVX-512 vectors, and the input gradient reads W in place instead of packing Wᵀ.
// GemmBiasActFm(act, m, n, k, At, lda, W, ldw, b, Ct, ldc)
//     forward:      Ct = act(Wᵀ·At + b)  (n×m, ldc; b added to every column)
// GemmGradXActFm(act, m, n, k, Gt, ldg, W, ldw, At, lda, dXt, lddx)
//     input grad:   dXt = (W·Gt) ⊙ act'(At)  (k×m, lddx)
// GemmGradWFm(m, n, k, At, lda, Gt, ldg, dW, lddw, db)
//     weight grad:  dW = At·Gtᵀ  (k×n, lddw),  db = Σ_columns Gt  (n)
// On one ISA each of their elements is the same sum, in the same order, as the batch-major
// kernel's, so the results are its transpose bit for bit (for GemmGradXAct when it reduces in one
// pass: n ≤ 128 and m ≥ 4; for GemmGradW, whose result is not transposed, when m is at most one
// chunk of 128 samples and n, k > 1, GemmGradWFm's one-output and one-input cases being dot
// products along the batch; tests/kernels/gemm_fm_test.cc checks the MLP's hidden-layer shapes,
// in float).
//
// Outputs are overwritten (no accumulation); nothing outside their rows × row length is written,
// so the lanes between a row's end and its stride are left as they were. No padding is assumed:
// any m, n, k ≥ 1; no alignment is required (64-byte aligned rows are faster). Inputs and
// outputs must not overlap.
//
// Accuracy against the reference (same T; u = 2^-24 for float, 2^-53 for double): each output
// element is a sum of K terms, computed in a different order (and with fused multiply-adds), so it
// is within 2·K·u·Σ|terms| of the reference's:
//   C    K = k + 1 (the k products a·w, and the bias); for tanh add kTanhMaxUlp + 1 units in the
//        last place of the result (float tanh is within kTanhMaxUlp of the true value, the
//        reference's std::tanh within 1 more; tanh' ≤ 1 does not amplify the sum's error)
//   dW   K = m (the products a·g);  db  K = m (the g)
//   dX   K = n + 2 (the n products g·w, and the derivative's roundings); act' ∈ [0, 1] scales
//        value and error alike
//   Ct, dXt, and the feature-major dW, db as C, dX, dW, db
// tests/kernels/gemm_test.cc and gemm_fm_test.cc assert exactly these bounds per element, on every
// ISA, float and double.
//
// ISAs: every kernel runs on ref, sse2, avx2 and avx512 (x86-64), neon (aarch64), for float and
// double (kernels.h).
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

template <typename T>
void GemmBiasActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* at,
                   std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* ct,
                   std::size_t ldc);

template <typename T>
void GemmGradXActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* gt,
                    std::size_t ldg, const T* w, std::size_t ldw, const T* at, std::size_t lda,
                    T* dxt, std::size_t lddx);

template <typename T>
void GemmGradWFm(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                 const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db);

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_GEMM_H_
