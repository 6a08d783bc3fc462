// The feature-major weight gradient with the optimizer step fused into its epilogue.
//
// GemmGradWFmStep(m, n, k, At, lda, Gt, ldg, dW, lddw, db, step, w, b)
//     dW, db exactly as GemmGradWFm (gemm.h) computes them, then `step` (optimizer.h's
//     OptimizerStep: SGD, momentum, RMSprop or Adam) applied to W, the k × n parameters whose
//     gradient dW is (w: at w.params with row stride lddw, their state likewise), and to b (n
//     parameters, gradient db).
// The same bits, on the same ISA, as gemm_grad_w_fm followed by that ISA's sgd / momentum /
// rmsprop / adam over each row of W and over b: the step's operations on each element are the
// same; only where the gradient comes from differs. For RMSprop, the float kernels of AVX2 and
// AVX-512 hand each vector of dW to the step while it is still in a register, as its tile
// finishes (the few rows below the last full-height tile, and n = 1 or k = 1, right after they
// are stored): the optimizer's separate pass over the gradient is gone. The other optimizers,
// SSE2, double (which serves gradient checks) and the reference run the composition
// (kernels/simd/gemm_step-inl.h says why).
//
// W, its state and dW share the stride lddw: the trainer's arenas have one layout for the
// parameters, the gradients and each state (mlp/core/layout.h). Only the k rows × n columns of W and
// the n entries of b are read or written, as for dW. The step's state arrays start at zero as
// for the flat kernels; Adam's t counts updates from 1. No array may overlap another.
//
// Accuracy: the reference is the same composition over the reference kernels, so the bounds are
// gemm.h's for dW and db, then optimizer.h's for the update (with dW's error carried into it).
// tests/kernels/gemm_step_test.cc checks the stronger property above (bit-identity with the unfused
// kernels of the same ISA) for every optimizer and shape family; the fused epilogue itself is
// what it tests for RMSprop on AVX2 and AVX-512 (float), elsewhere the composition's wiring.
#ifndef SIMD_MLP_KERNELS_GEMM_STEP_H_
#define SIMD_MLP_KERNELS_GEMM_STEP_H_

#include <cstddef>

#include "kernels/optimizer.h"

namespace simd_mlp::kernels::ref {

template <typename T>
void GemmGradWFmStep(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                     const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db,
                     const OptimizerStep<T>& step, UpdateTarget<T> w, UpdateTarget<T> b);

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_GEMM_STEP_H_
