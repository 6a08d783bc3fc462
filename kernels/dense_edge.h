// The MLP's edge layers, which are too thin for a GEMM: the first (1 → n) and the last (k → 1).
// Row-major with explicit strides (in elements), as in gemm.h.
//
// First layer, one input per row (x has m entries, w and bias n):
//   OuterBiasAct(act, m, n, x, w, bias, C, ldc)
//       forward:      C[i,j] = act(x[i]·w[j] + bias[j])              C m×n (ldc ≥ n)
//   OuterGradW(m, n, x, G, ldg, dw, db)
//       weight grad:  dw[j] = Σ_i x[i]·G[i,j],  db[j] = Σ_i G[i,j]    G m×n (ldg ≥ n); dw, db n
//   (No input gradient: nothing lies before the first layer.)
// Last layer, one output per row (w has k entries, bias is a scalar, y and g have m entries):
//   GemvBiasAct(act, m, k, A, lda, w, bias, y)
//       forward:      y[i] = act(A[i,:]·w + bias)                     A m×k (lda ≥ k)
//   GemvGradW(m, k, A, lda, g, dw, db)
//       weight grad:  dw[p] = Σ_i A[i,p]·g[i],  *db = Σ_i g[i]        dw k
//   GemvGradXAct(act, m, k, g, w, A, lda, dX, lddx)
//       input grad:   dX[i,p] = g[i]·w[p]·act'(A[i,p])               dX m×k (lddx ≥ k)
//       with act' taken from the previous layer's output A, as in gemm.h.
//
// Outputs are overwritten, and nothing past a row's end is written. Any m, n, k ≥ 1, strides ≥
// the row length, no padding or alignment required; inputs and outputs must not overlap.
//
// Accuracy against the reference (same T, u the unit roundoff as in gemm.h):
//   OuterBiasAct   one product and one add per element: within 3·u·(|x·w| + |bias|)
//   GemvGradXAct   two products and the derivative (fused or not): within 5·u·|g·w|
//   GemvBiasAct    a sum of k + 1 terms in a different order: within 2·(k+1)·u·(Σ|a·w| + |bias|)
//   OuterGradW, GemvGradW   sums of m terms in a different order: within 2·(m+1)·u·Σ|terms|,
//                  for dw and db alike
// plus, for tanh, the term of gemm.h: kTanhMaxUlp + 1 units in the last place of the result for
// float, 4 for double. tests/kernels/dense_edge_test.cc asserts these bounds per element.
//
// ISAs: every kernel runs on ref, sse2, avx2 and avx512 (x86-64), neon (aarch64), for float and
// double (kernels.h).
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
