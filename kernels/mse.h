// Mean squared error over a batch, and its gradient, in one pass.
//
//   MseLossGrad(m, yhat, y, grad) returns L = (1/m)·Σ_i (ŷ_i − y_i)²
//   and writes grad_i = ∂L/∂ŷ_i = 2·(ŷ_i − y_i) / m for every sample i.
//
// Why this is the gradient: L depends on ŷ_i only through the term (ŷ_i − y_i)²/m, whose
// derivative is 2(ŷ_i − y_i)/m. Two tempting forms are wrong, and the question this project
// answers used both: (ŷ − y)² is the loss itself, not its derivative (it has no sign, so it always
// pushes the same way), and averaging (ŷ_i − y_i) over the batch BEFORE backpropagation throws
// away which sample had which error: each sample's delta must travel back through that sample's
// own activations. The per-sample gradient keeps the 1/m; the batch reduction happens later, in
// the weight-gradient products (GemmGradW and friends sum over rows, they never average).
//
// yhat, y and grad have m entries each, contiguous; any m ≥ 1, no padding or alignment required.
// grad may alias yhat (not y).
//
// Accuracy against the reference (same T, u the unit roundoff as in gemm.h): grad is one subtract
// and one multiply by the exact-or-rounded 2/m (fused or not): within 2·u·|grad_ref|; the loss is
// a sum of m squares in a different order: |L − L_ref| ≤ 2·m·u·L. tests/kernels/mse_test.cc asserts
// both.
//
// ISAs: ref, sse2, avx2 and avx512 (x86-64), neon (aarch64), for float and double (kernels.h).
#ifndef SIMD_MLP_KERNELS_MSE_H_
#define SIMD_MLP_KERNELS_MSE_H_

#include <cstddef>

namespace simd_mlp::kernels::ref {

template <typename T>
T MseLossGrad(std::size_t m, const T* yhat, const T* y, T* grad);

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_MSE_H_
