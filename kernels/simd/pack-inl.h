// Wᵀ packed into a zero-padded panel, so that the micro-kernel (tile-inl.h) reads its rows
// contiguously and never needs a masked load: the batch-major input gradient's Wᵀ (gemm-inl.h) and
// the feature-major weight gradient's Gtᵀ (gemm_fm-inl.h).
#ifndef SIMD_MLP_KERNELS_SIMD_PACK_INL_H_
#define SIMD_MLP_KERNELS_SIMD_PACK_INL_H_

#include "kernels/simd/simd-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// Rows of Wᵀ per packed panel (GemmGradXAct): at most kGemmPackK × kGemmSlots vectors on the stack
// (128 × 112 floats = 56 KiB on AVX-512). The MLP's n = 100 then packs in one panel and dX is
// written once, not stored and reloaded per panel (measured: docs/performance.md).
inline constexpr std::size_t kGemmPackK = 128;

// Panel rows [j_begin, j_end), columns [c_begin, read) set to zero: the lanes past Wᵀ's last
// column that the micro-kernel reads. Inline where the register transposes leave only these (a
// call to GemmPackWtScalar per 8 rows showed in an epoch's profile: docs/performance.md).
template <typename T>
SIMD_MLP_INLINE void GemmPackZeroColumns(std::size_t j_begin, std::size_t j_end,
                                         std::size_t c_begin, std::size_t read, std::size_t width,
                                         T* panel) {
  for (std::size_t j = j_begin; j < j_end; ++j) {
    T* panel_row = panel + j * width;
    std::size_t c = c_begin;
    if constexpr (std::is_same_v<T, float>) {
      // As 4-float stores: GCC 12 turned the zero loop into a call to memset per row.
#if SIMD_MLP_TARGET_NEON
      for (; c + 4 <= read; c += 4) vst1q_f32(panel_row + c, vdupq_n_f32(0.0f));
#else
      for (; c + 4 <= read; c += 4) _mm_storeu_ps(panel_row + c, _mm_setzero_ps());
#endif
    }
    for (; c < read; ++c) panel_row[c] = T(0);
  }
}

// Panel rows [j_begin, j_end), columns [c_begin, read): the part the register transposes leave,
// zero from cols on (rows are `width` apart).
// Out of line: it is cold, and inlined into a tile whose cols is a constant GCC 12 reports a
// false -Waggressive-loop-optimizations on the copy loop (whose trip count there is zero).
template <typename T>
[[gnu::noinline]] void GemmPackWtScalar(std::size_t j_begin, std::size_t j_end, std::size_t c_begin,
                                        std::size_t cols, std::size_t read, std::size_t width,
                                        const T* w, std::size_t ldw, T* panel) {
  for (std::size_t j = j_begin; j < j_end; ++j) {
    for (std::size_t c = c_begin; c < cols; ++c) panel[j * width + c] = w[c * ldw + j];
  }
  GemmPackZeroColumns(j_begin, j_end, cols > c_begin ? cols : c_begin, read, width, panel);
}

// Panel rows [j, j + 4), columns [c, c + 4): Wᵀ's 4×4 block through SSE (NEON) registers.
SIMD_MLP_INLINE void GemmPackWt4x4(std::size_t j, std::size_t c, const float* w, std::size_t ldw,
                                   std::size_t width, float* panel) {
#if SIMD_MLP_TARGET_NEON
  const float32x4_t r0 = vld1q_f32(w + (c + 0) * ldw + j);
  const float32x4_t r1 = vld1q_f32(w + (c + 1) * ldw + j);
  const float32x4_t r2 = vld1q_f32(w + (c + 2) * ldw + j);
  const float32x4_t r3 = vld1q_f32(w + (c + 3) * ldw + j);
  // Transposed 2×2 blocks of single lanes ([a0 b0 a2 b2], ...), then of lane pairs.
  const float64x2_t t0 = vreinterpretq_f64_f32(vtrn1q_f32(r0, r1));
  const float64x2_t t1 = vreinterpretq_f64_f32(vtrn2q_f32(r0, r1));
  const float64x2_t t2 = vreinterpretq_f64_f32(vtrn1q_f32(r2, r3));
  const float64x2_t t3 = vreinterpretq_f64_f32(vtrn2q_f32(r2, r3));
  vst1q_f32(panel + (j + 0) * width + c, vreinterpretq_f32_f64(vtrn1q_f64(t0, t2)));
  vst1q_f32(panel + (j + 1) * width + c, vreinterpretq_f32_f64(vtrn1q_f64(t1, t3)));
  vst1q_f32(panel + (j + 2) * width + c, vreinterpretq_f32_f64(vtrn2q_f64(t0, t2)));
  vst1q_f32(panel + (j + 3) * width + c, vreinterpretq_f32_f64(vtrn2q_f64(t1, t3)));
#else
  __m128 r0 = _mm_loadu_ps(w + (c + 0) * ldw + j);
  __m128 r1 = _mm_loadu_ps(w + (c + 1) * ldw + j);
  __m128 r2 = _mm_loadu_ps(w + (c + 2) * ldw + j);
  __m128 r3 = _mm_loadu_ps(w + (c + 3) * ldw + j);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(panel + (j + 0) * width + c, r0);
  _mm_storeu_ps(panel + (j + 1) * width + c, r1);
  _mm_storeu_ps(panel + (j + 2) * width + c, r2);
  _mm_storeu_ps(panel + (j + 3) * width + c, r3);
#endif
}

// Copies Wᵀ[j0 .. j0+kc) × [p0 .. p0+cols) into panel (kc rows `width` apart, zero from cols to
// `read`, the lanes of a row the micro-kernel reads: cols ≤ read ≤ width), so the micro-kernel
// reads Wᵀ rows contiguously and never needs a masked load. For float the bulk moves as 8×8
// blocks through ymm registers (AVX2, AVX-512), then 4×4 blocks through SSE (NEON) registers, each
// faster than the one after it (docs/performance.md).
template <typename T>
SIMD_MLP_INLINE void GemmPackWt(std::size_t kc, std::size_t cols, std::size_t read,
                                std::size_t width, const T* w, std::size_t ldw, T* panel) {
  std::size_t j0 = 0;
#if SIMD_MLP_TARGET_X86_LEVEL >= 2
  if constexpr (std::is_same_v<T, float>) {
    // 8×8 blocks through ymm registers: half the shuffles and stores per element of 4×4 blocks.
    for (; j0 + 8 <= kc && cols >= 8; j0 += 8) {
      std::size_t c = 0;
      for (; c + 8 <= cols; c += 8) {
        __m256 r[8], t[8];
#pragma GCC unroll 8
        for (int q = 0; q < 8; ++q) r[q] = _mm256_loadu_ps(w + (c + q) * ldw + j0);
#pragma GCC unroll 4
        for (int q = 0; q < 8; q += 2) {
          t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
          t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
        }
#pragma GCC unroll 2
        for (int q = 0; q < 8; q += 4) {
          r[q] = _mm256_shuffle_ps(t[q], t[q + 2], 0x44);
          r[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], 0xEE);
          r[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0x44);
          r[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0xEE);
        }
#pragma GCC unroll 4
        for (int q = 0; q < 4; ++q) {
          _mm256_storeu_ps(panel + (j0 + q) * width + c,
                           _mm256_permute2f128_ps(r[q], r[q + 4], 0x20));
          _mm256_storeu_ps(panel + (j0 + q + 4) * width + c,
                           _mm256_permute2f128_ps(r[q], r[q + 4], 0x31));
        }
      }
      // A last group of 4 columns (the MLP's 36-column block leaves one) as two 4×4 blocks.
      if (c + 4 <= cols) {
        GemmPackWt4x4(j0, c, w, ldw, width, panel);
        GemmPackWt4x4(j0 + 4, c, w, ldw, width, panel);
        c += 4;
      }
      if (c == cols) {
        GemmPackZeroColumns(j0, j0 + 8, c, read, width, panel);
      } else {
        GemmPackWtScalar<T>(j0, j0 + 8, c, cols, read, width, w, ldw, panel);
      }
    }
  }
#endif
  if constexpr (std::is_same_v<T, float>) {
    for (; j0 + 4 <= kc; j0 += 4) {
      std::size_t c = 0;
      for (; c + 4 <= cols; c += 4) GemmPackWt4x4(j0, c, w, ldw, width, panel);
      if (c == cols) {
        GemmPackZeroColumns(j0, j0 + 4, c, read, width, panel);
      } else {
        GemmPackWtScalar<T>(j0, j0 + 4, c, cols, read, width, w, ldw, panel);
      }
    }
  }
  GemmPackWtScalar<T>(j0, kc, 0, cols, read, width, w, ldw, panel);
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_PACK_INL_H_
