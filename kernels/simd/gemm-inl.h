// Optimized batch-major GEMMs (see gemm.h for the contract): C = act(A·W + b), dW = Aᵀ·G with
// db = Σ_rows G, and dX = (G·Wᵀ) ⊙ act'(A), on the micro-kernel of tile-inl.h.
#ifndef SIMD_MLP_KERNELS_SIMD_GEMM_INL_H_
#define SIMD_MLP_KERNELS_SIMD_GEMM_INL_H_

#include "kernels/simd/dot-inl.h"
#include "kernels/simd/pack-inl.h"
#include "kernels/simd/tile-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// ---- Forward: C = act(A·W + bias) ----------------------------------------------------------

template <typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmBiasActTile(Activation act, std::size_t k, const T* a, std::size_t lda,
                                     const T* w, std::size_t ldw, const T* bias, T* c,
                                     std::size_t ldc, std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  // Starting from the bias sums in the reference's order and saves an add per output vector.
  GemmInit(tile, [&](int s) { return GemmLoadSlot<T, NV>(bias, s, tail_lanes); });
  GemmAccumulate<T, MR, NV, kTail, false>(tile, k, a, lda, 1, w, ldw, tail_lanes);
  GemmStoreActivated(act, tile, c, ldc, tail_lanes);
}

template <typename T>
void GemmBiasAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                 std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* c,
                 std::size_t ldc) {
  // Column blocks outermost: a block's panel of W (≤ 100 × 112 floats) stays in L1 and L2
  // while every row of A streams past it.
  GemmForEachSlotBlock<T>(n, [&](std::size_t j0, std::size_t tail, auto nv_c, auto tail_c) {
    constexpr int kNV = decltype(nv_c)::value;
    constexpr GemmTail kTail = decltype(tail_c)::value;
    GemmForEachRowBlock<T>(m, [&](std::size_t i, auto rows) {
      GemmBiasActTile<T, decltype(rows)::value, kNV, kTail>(act, k, a + i * lda, lda, w + j0, ldw,
                                                            bias + j0, c + i * ldc + j0, ldc, tail);
    });
  });
}

// ---- Weight gradient: dW = Aᵀ·G, db = Σ_rows G ------------------------------------------------

// Rows of the batch per cache block of GemmGradW: kGemmKC rows of A and G stay in cache (AVX2:
// L1, AVX-512: L2) while every tile of dW sweeps them; chosen by measurement
// (docs/performance.md, "Kernel constants"). NEON takes AVX2's, untimed.
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
inline constexpr std::size_t kGemmKC = 256;
#else
inline constexpr std::size_t kGemmKC = 128;
#endif

template <typename T>
void GemmGradW(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* g,
               std::size_t ldg, T* dw, std::size_t lddw, T* db) {
  // The batch chunk is the outer loop: its rows of A and G stay in cache while every tile of dW
  // sweeps them (column blocks outside it would re-read all of A from L3 once per block).
  for (std::size_t i0 = 0; i0 < m; i0 += kGemmKC) {
    const std::size_t kc = m - i0 < kGemmKC ? m - i0 : kGemmKC;
    const bool first = i0 == 0;
    GemmForEachSlotBlock<T>(n, [&](std::size_t j0, std::size_t tail, auto nv_c, auto tail_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr GemmTail kTail = decltype(tail_c)::value;
      const T* a_block = a + i0 * lda;
      const T* g_block = g + i0 * ldg + j0;
      GemmForEachRowBlock<T>(k, [&](std::size_t p, auto rows) {
        // a(r, i) = A[i, p + r]: the rows of Aᵀ are the columns of A.
        GemmGradWTile<T, decltype(rows)::value, kNV, kTail, false>(
            kc, a_block + p, 1, lda, g_block, ldg, dw + p * lddw + j0, lddw, first, tail);
      });
      GemmColumnSums<T, GemmTile<T, 1, kNV, kTail>::kSlots, kNV>(kc, g_block, ldg, db + j0, first,
                                                                 tail);
    });
  }
}

// ---- Input gradient: dX = (G·Wᵀ) ⊙ act'(A) --------------------------------------------------

template <typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmGradXActTile(Activation act, std::size_t kc, const T* g, std::size_t ldg,
                                      const T* panel, std::size_t width, const T* a,
                                      std::size_t lda, T* dx, std::size_t lddx, bool first_block,
                                      bool last_block, std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  GemmInit(tile, [](int) { return Vec<T>(T(0)); });
  GemmAccumulate<T, MR, NV, kTail, true>(tile, kc, g, ldg, 1, panel, width, tail_lanes);
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
      for (int s = 0; s < Tile::kSlots; ++s) {
        Vec<T> x = tile.Get(r, s);
        if (!first_block) x += GemmLoadSlot<T, NV>(dx + r * lddx, s, tail_lanes);
        if (last_block) {
          x *= ActivationDerivativeVec<kAct, T>(GemmLoadSlot<T, NV>(a + r * lda, s, tail_lanes));
        }
        GemmStoreSlot<T, NV>(dx + r * lddx, s, tail_lanes, x);
      }
    }
  });
}

// dX for a few rows, as dot products of G's rows with W's rows (both contiguous): packing Wᵀ
// costs k·n copies, which a batch this small cannot amortize (docs/performance.md). Four rows of
// W per pass share each load of G.
template <Activation kAct, typename T>
void GemmGradXActByDots(std::size_t m, std::size_t n, std::size_t k, const T* g, std::size_t ldg,
                        const T* w, std::size_t ldw, const T* a, std::size_t lda, T* dx,
                        std::size_t lddx) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p0 = 0; p0 < k; p0 += kLanes<T>) {
      const std::size_t cols = k - p0 < kLanes<T> ? k - p0 : kLanes<T>;
      const Vec<T> dots = GemvDotsVector(cols, n, w + p0 * ldw, ldw, g + i * ldg);
      const Vec<T> deriv = ActivationDerivativeVec<kAct, T>(LoadPartial(a + i * lda + p0, cols));
      StorePartial(dx + i * lddx + p0, cols, dots * deriv);
    }
  }
}

// Below this many rows GemmGradXAct takes the dot-product path.
inline constexpr std::size_t kGemmGradXDotRows = 4;

template <typename T>
void GemmGradXAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* g,
                  std::size_t ldg, const T* w, std::size_t ldw, const T* a, std::size_t lda, T* dx,
                  std::size_t lddx) {
  if (m < kGemmGradXDotRows) {
    DispatchActivation(act, [&](auto act_c) {
      GemmGradXActByDots<decltype(act_c)::value, T>(m, n, k, g, ldg, w, ldw, a, lda, dx, lddx);
    });
    return;
  }
  alignas(64) T panel[kGemmPackK * kGemmSlots * kLanes<T>];
  // Output columns are the k inputs of the layer; the reduction runs over its n outputs, in
  // chunks of equal length when n > kGemmPackK.
  const std::size_t chunks = (n + kGemmPackK - 1) / kGemmPackK;
  const std::size_t chunk = (n + chunks - 1) / chunks;
  GemmForEachSlotBlock<T>(k, [&](std::size_t p0, std::size_t tail, auto nv_c, auto tail_c) {
    constexpr int kNV = decltype(nv_c)::value;
    constexpr GemmTail kTail = decltype(tail_c)::value;
    const std::size_t cols = kNV * kLanes<T> + (kTail == GemmTail::kNone ? 0 : tail);
    // Whole vectors per panel row, so every row starts aligned.
    const std::size_t width = GemmTile<T, 1, kNV, kTail>::kSlots * kLanes<T>;
    // A half-width tail reads half a vector past the whole ones: the panel need be zero past
    // cols only up to there (4 lanes of the MLP's 36-column block instead of 12).
    const std::size_t read = kTail == GemmTail::kHalf ? kNV * kLanes<T> + kHalfLanes<T> : width;
    for (std::size_t j0 = 0; j0 < n; j0 += chunk) {
      const std::size_t kc = n - j0 < chunk ? n - j0 : chunk;
      const bool first = j0 == 0, final = j0 + kc == n;
      GemmPackWt<T>(kc, cols, read, width, w + p0 * ldw + j0, ldw, panel);
      GemmForEachRowBlock<T>(m, [&](std::size_t i, auto rows) {
        GemmGradXActTile<T, decltype(rows)::value, kNV, kTail>(
            act, kc, g + i * ldg + j0, ldg, panel, width, a + i * lda + p0, lda, dx + i * lddx + p0,
            lddx, first, final, tail);
      });
    }
  });
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_GEMM_INL_H_
