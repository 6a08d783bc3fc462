// Optimized feature-major GEMMs (see gemm.h for the contract): Ct = act(Wᵀ·At + b),
// dXt = (W·Gt) ⊙ act'(At) and dW = At·Gtᵀ with db = Σ_columns Gt, on the micro-kernel of
// tile-inl.h.
#ifndef SIMD_MLP_KERNELS_SIMD_GEMM_FM_INL_H_
#define SIMD_MLP_KERNELS_SIMD_GEMM_FM_INL_H_

#include "kernels/simd/dot-inl.h"
#include "kernels/simd/pack-inl.h"
#include "kernels/simd/tile-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// The same micro-kernel with the two sides swapped: the vectors run along a row of At or Gt (the
// batch), and the broadcasts walk W in place, along a column for the forward product (a_rs = 1,
// a_ks = ldw) and along a row for the input gradient (a_rs = ldw, a_ks = 1). So the input
// gradient needs no packed Wᵀ, and each element is the batch-major kernel's sum in its order.
//
// Rows (features) per tile: as many as keep the accumulators within the batch-major tile's
// kGemmMR × kGemmSlots, at most 8. A small batch is a block of few slots, where kGemmMR rows would
// leave few accumulator chains (measured: docs/performance.md, "Kernel constants").
inline constexpr int kGemmAccumulators = kGemmMR * kGemmSlots;
template <int kSlots>
inline constexpr int kGemmFmRows = kGemmAccumulators / kSlots < 8 ? kGemmAccumulators / kSlots : 8;

// body(row, i0, tail_lanes, rows, nv, tail) over the tiles of a feature-major output with `rows`
// rows and m columns (samples): blocks of samples outermost, so that a block's columns of the
// input (its rows × the block's slots) stay in L1 while W, read once per block, streams past
// them; rows, nv and tail are compile-time constants, as for the batch-major tiles.
template <typename T, typename F>
SIMD_MLP_INLINE void GemmForEachFmTile(std::size_t m, std::size_t rows, F&& body) {
  GemmForEachSlotBlock<T>(m, [&](std::size_t i0, std::size_t tail, auto nv_c, auto tail_c) {
    constexpr int kRows =
        kGemmFmRows<GemmTile<T, 1, decltype(nv_c)::value, decltype(tail_c)::value>::kSlots>;
    GemmForEachRowBlock<T, kRows>(
        rows, [&](std::size_t r, auto rows_c) { body(r, i0, tail, rows_c, nv_c, tail_c); });
  });
}

template <typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmBiasActFmTile(Activation act, std::size_t k, const T* w, std::size_t ldw,
                                       const T* at, std::size_t lda, const T* bias, T* ct,
                                       std::size_t ldc, std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  // A row of Ct is one feature: its bias is one broadcast, the first term of every sum as in
  // GemmBiasActTile.
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
    const Vec<T> b(bias[r]);
#pragma GCC unroll 8
    for (int s = 0; s < Tile::kWhole; ++s) tile.acc[r][s] = b;
    if constexpr (kTail == GemmTail::kHalf) tile.half[r] = GemmHalfLow<T>(b);
  }
  GemmAccumulate<T, MR, NV, kTail, false>(tile, k, w, 1, ldw, at, lda, tail_lanes);
  GemmStoreActivated(act, tile, ct, ldc, tail_lanes);
}

template <typename T>
void GemmBiasActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* at,
                   std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* ct,
                   std::size_t ldc) {
  GemmForEachFmTile<T>(
      m, n,
      [&](std::size_t j, std::size_t i0, std::size_t tail, auto rows_c, auto nv_c, auto tail_c) {
        GemmBiasActFmTile<T, decltype(rows_c)::value, decltype(nv_c)::value,
                          decltype(tail_c)::value>(act, k, w + j, ldw, at + i0, lda, bias + j,
                                                   ct + j * ldc + i0, ldc, tail);
      });
}

template <typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmGradXActFmTile(Activation act, std::size_t n, const T* w, std::size_t ldw,
                                        const T* gt, std::size_t ldg, const T* at, std::size_t lda,
                                        T* dxt, std::size_t lddx, std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  GemmInit(tile, [](int) { return Vec<T>(T(0)); });
  GemmAccumulate<T, MR, NV, kTail, false>(tile, n, w, ldw, 1, gt, ldg, tail_lanes);
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
      for (int s = 0; s < Tile::kSlots; ++s) {
        const Vec<T> deriv =
            ActivationDerivativeVec<kAct, T>(GemmLoadSlot<T, NV>(at + r * lda, s, tail_lanes));
        GemmStoreSlot<T, NV>(dxt + r * lddx, s, tail_lanes, tile.Get(r, s) * deriv);
      }
    }
  });
}

template <typename T>
void GemmGradXActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* gt,
                    std::size_t ldg, const T* w, std::size_t ldw, const T* at, std::size_t lda,
                    T* dxt, std::size_t lddx) {
  GemmForEachFmTile<T>(
      m, k,
      [&](std::size_t p, std::size_t i0, std::size_t tail, auto rows_c, auto nv_c, auto tail_c) {
        GemmGradXActFmTile<T, decltype(rows_c)::value, decltype(nv_c)::value,
                           decltype(tail_c)::value>(act, n, w + p * ldw, ldw, gt + i0, ldg,
                                                    at + p * lda + i0, lda, dxt + p * lddx + i0,
                                                    lddx, tail);
      });
}

// dW = At·Gtᵀ, db = Σ_columns Gt. The tiles of GemmGradW need G's rows (vectors along n), so each
// chunk of kGemmPackK samples of each column block of Gt is first transposed into a zero-padded
// panel by GemmPackWt (whose copy is exactly that transpose); At is walked in place (a_rs = lda,
// a_ks = 1). At B = 32 the transposes cost 3,200 copies per layer, against the 10,000 of the Wᵀ
// pack that the feature-major input gradient saves.
//
// update (GemmNoUpdate, or an optimizer step: gemm_step-inl.h) gets every element of dW once, as
// UpdateRows would give it after the call: in the tiles' epilogue, on the last chunk of samples.
template <typename T, typename Update>
void GemmGradWFmThen(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                     const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db,
                     const Update& update) {
  if (n == 1 || k == 1) {
    // The MLP's last layer (one output) and first (one input): dot products along the batch, no
    // transpose. The tiles would give each row of dW a single accumulator chain of m FMAs (n = 1),
    // or transpose all of Gt for one row of dW (k = 1): several times slower (docs/performance.md).
    if (n == 1) {
      GemmRowDots<T, false>(k, m, at, lda, gt, dw, lddw);
      *db = GemvSum(m, gt);
    } else {
      GemmRowDots<T, false>(n, m, gt, ldg, at, dw, 1);
      GemmRowDots<T, true>(n, m, gt, ldg, nullptr, db, 1);
    }
    if constexpr (!std::is_same_v<Update, GemmNoUpdate>) UpdateRows(k, n, dw, lddw, update);
    return;
  }
  alignas(64) T panel[kGemmPackK * kGemmSlots * kLanes<T>];
  for (std::size_t i0 = 0; i0 < m; i0 += kGemmPackK) {
    const std::size_t kc = m - i0 < kGemmPackK ? m - i0 : kGemmPackK;
    const bool first = i0 == 0, last = i0 + kc == m;
    GemmForEachSlotBlock<T>(n, [&](std::size_t j0, std::size_t tail, auto nv_c, auto tail_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr GemmTail kTail = decltype(tail_c)::value;
      constexpr int kSlots = GemmTile<T, 1, kNV, kTail>::kSlots;
      const std::size_t cols = kNV * kLanes<T> + (kTail == GemmTail::kNone ? 0 : tail);
      const std::size_t width = kSlots * kLanes<T>;
      const std::size_t read = kTail == GemmTail::kHalf ? kNV * kLanes<T> + kHalfLanes<T> : width;
      GemmPackWt<T>(kc, cols, read, width, gt + j0 * ldg + i0, ldg, panel);
      // As many rows per tile as the feature-major forms use: each tile reads the whole panel
      // (at m = 32 a short loop), so fewer, taller tiles read it fewer times (measured:
      // docs/performance.md, "Kernel constants").
      //
      // A fused update runs in the tiles of full height only; the few rows left below them are
      // stored, then updated from L1 (UpdateRows): the same bits, for much less object code and
      // no measured loss (docs/performance.md).
      constexpr int kRows = kGemmFmRows<kSlots>;
      GemmForEachRowBlock<T, kRows>(k, [&](std::size_t p, auto rows) {
        constexpr int kTileRows = decltype(rows)::value;
        const std::size_t origin = p * lddw + j0;
        if constexpr (kTileRows == kRows || std::is_same_v<Update, GemmNoUpdate>) {
          GemmGradWTile<T, kTileRows, kNV, kTail, true>(kc, at + p * lda + i0, lda, 1, panel, width,
                                                        dw + origin, lddw, first, tail, update,
                                                        origin, last);
        } else {
          GemmGradWTile<T, kTileRows, kNV, kTail, true>(kc, at + p * lda + i0, lda, 1, panel, width,
                                                        dw + origin, lddw, first, tail);
          if (last) {
            UpdateRows(
                std::size_t(kTileRows), cols, dw + origin, lddw,
                [&](std::size_t i, std::size_t count, Vec<T> x)
                    __attribute__((always_inline)) { update(origin + i, count, x); });
          }
        }
      });
      GemmColumnSums<T, kSlots, kNV>(kc, panel, width, db + j0, first, tail);
    });
  }
}

template <typename T>
void GemmGradWFm(std::size_t m, std::size_t n, std::size_t k, const T* at, std::size_t lda,
                 const T* gt, std::size_t ldg, T* dw, std::size_t lddw, T* db) {
  GemmGradWFmThen(m, n, k, at, lda, gt, ldg, dw, lddw, db, GemmNoUpdate{});
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_GEMM_FM_INL_H_
