// The weight gradient with a fused optimizer step (see gemm_step.h for the contract).
#ifndef SIMD_MLP_KERNELS_SIMD_GEMM_STEP_INL_H_
#define SIMD_MLP_KERNELS_SIMD_GEMM_STEP_INL_H_

#include "kernels/simd/gemm_fm-inl.h"
#include "kernels/simd/optimizer-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

template <typename T>
void GemmGradWFmStep(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                     const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db,
                     const OptimizerStep<T>& step, UpdateTarget<T> w, UpdateTarget<T> b) {
  std::visit(
      [&](const auto& params) {
        using Params = std::decay_t<decltype(params)>;
        const auto w_update = UpdateFor(params, w);
        // Each optimizer fused is a set of tiles of its own, compiled per ISA, and only RMSprop's,
        // the `keras` recipes' optimizer, repaid its compile time, on AVX2 and AVX-512 for float
        // (docs/performance.md, "Kernel constants"); everything else is the composition (NEON
        // too: untimed there, and the fused tiles would double the unit's compile time).
        constexpr bool kFused = std::is_same_v<T, float> && SIMD_MLP_TARGET_X86_LEVEL >= 2 &&
                                std::is_same_v<Params, RmspropParams<T>>;
        if constexpr (kFused) {
          GemmGradWFmThen(m, n, k, at, lda, gt, ldg, dw, lddw, db, w_update);
        } else {
          // This ISA's gemm_grad_w_fm, as its gemm_fm unit compiled it: not a second copy here.
          Export<KernelId::kGemmGradWFm, T>()(m, n, k, at, lda, gt, ldg, dw, lddw, db);
          UpdateRows(k, n, dw, lddw, w_update);
        }
        // db: one pass over its n entries after the tiles (each block's sums are final after
        // its last chunk, but 100 entries are too few to be worth a second epilogue).
        UpdateRows(1, n, db, n, UpdateFor(params, b));
      },
      step);
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_GEMM_STEP_INL_H_
