// The weight gradient with a fused optimizer step (a fragment of kernels/target-inl.h, after
// gemm-inl.h and optimizer-inl.h; see gemm_step.h for the contract).
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

template <typename T>
void GemmGradWFmStep(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                     const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db,
                     const OptimizerStep<T>& step, UpdateTarget<T> w, UpdateTarget<T> b) {
  std::visit(
      [&](const auto& params) {
        const auto w_update = UpdateFor(params, w);
        if constexpr (std::is_same_v<T, float> && SIMD_MLP_TARGET_LEVEL >= 2) {
          GemmGradWFmThen(m, n, k, at, lda, gt, ldg, dw, lddw, db, w_update);
        } else {
          // The composition. On SSE2 the fused tiles, when they were built, ran at 0.96-0.99 of
          // its speed (bench gemm_step_vs_unfused/*/sse2 at B = 16, 32, 64, on the Xeon of
          // README.md, 2026-12-01); double serves gradient checks, which do not need the speed,
          // so the unit compiles no second set of tiles per optimizer for it.
          GemmGradWFm(m, n, k, at, lda, gt, ldg, dw, lddw, db);
          UpdateRows(k, n, dw, lddw, w_update);
        }
        // db: one pass over its n entries after the tiles (each block's sums are final after
        // its last chunk, but 100 entries are too few to be worth a second epilogue).
        UpdateRows(1, n, db, n, UpdateFor(params, b));
      },
      step);
}
