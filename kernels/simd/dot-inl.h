// Dot products of contiguous rows with a vector, and row sums: the GEMMs' small-batch and
// one-row paths (gemm-inl.h, gemm_fm-inl.h) and the last layer's forward (dense_edge-inl.h).
#ifndef SIMD_MLP_KERNELS_SIMD_DOT_INL_H_
#define SIMD_MLP_KERNELS_SIMD_DOT_INL_H_

#include "kernels/simd/simd-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// out[r] = rows[r, 0..len) · v for kRows rows of a row-major matrix, reduced across lanes at the
// end; kRows rows in flight hide the FMA latency of each row's single accumulator chain. Shared
// with the last layer's forward (dense_edge-inl.h).
template <typename T, int kRows>
SIMD_MLP_INLINE void GemvDotsOf(std::size_t len, const T* rows, std::size_t ld, const T* v,
                                T* out) {
  Vec<T> acc[kRows];
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r) acc[r] = Vec<T>(T(0));
  std::size_t p = 0;
  for (; p + kLanes<T> <= len; p += kLanes<T>) {
    const Vec<T> vv = Vec<T>::load_unaligned(v + p);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      acc[r] = Fma(Vec<T>::load_unaligned(rows + r * ld + p), vv, acc[r]);
    }
  }
  if (p < len) {
    const Vec<T> vv = LoadPartial(v + p, len - p);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r)
      acc[r] = Fma(LoadPartial(rows + r * ld + p, len - p), vv, acc[r]);
  }
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r) out[r] = xsimd::hadd(acc[r]);
}

// Σ v[0..len): kLanes partial sums, then one horizontal add.
template <typename T>
SIMD_MLP_INLINE T GemvSum(std::size_t len, const T* v) {
  Vec<T> sum(T(0));
  std::size_t i = 0;
  for (; i + kLanes<T> <= len; i += kLanes<T>) sum += Vec<T>::load_unaligned(v + i);
  if (i < len) sum += LoadPartial(v + i, len - i);
  return xsimd::hadd(sum);
}

#if SIMD_MLP_TARGET_X86_LEVEL >= 3
// Lane r of the result is the sum of acc[r]'s 16 lanes: the 16 horizontal sums at once, by a tree
// of 31 shuffles and 15 adds (a horizontal sum alone takes about 8 operations).
SIMD_MLP_INLINE __m512 GemmSumLanes16(const __m512 (&acc)[16]) {
  __m512 s[8], t[4], u[2];
  // s[q]: 256-bit half 0 = 8 partial sums of row q, half 1 = of row q + 8.
#pragma GCC unroll 8
  for (int q = 0; q < 8; ++q) {
    s[q] = _mm512_add_ps(_mm512_shuffle_f32x4(acc[q], acc[q + 8], 0x44),
                         _mm512_shuffle_f32x4(acc[q], acc[q + 8], 0xEE));
  }
  // t[q]: 128-bit lanes = 4 partial sums of rows q, q + 8, q + 4, q + 12.
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    t[q] = _mm512_add_ps(_mm512_shuffle_f32x4(s[q], s[q + 4], 0x88),
                         _mm512_shuffle_f32x4(s[q], s[q + 4], 0xDD));
  }
  // u[q]: in each 128-bit lane, 2 partial sums of t[q]'s row there, then 2 of t[q + 2]'s.
#pragma GCC unroll 2
  for (int q = 0; q < 2; ++q) {
    u[q] = _mm512_add_ps(_mm512_shuffle_ps(t[q], t[q + 2], 0x88),
                         _mm512_shuffle_ps(t[q], t[q + 2], 0xDD));
  }
  // Whole sums, lane by lane, of rows 0 2 1 3, 8 10 9 11, 4 6 5 7, 12 14 13 15: put in order.
  const __m512 w =
      _mm512_add_ps(_mm512_shuffle_ps(u[0], u[1], 0x88), _mm512_shuffle_ps(u[0], u[1], 0xDD));
  const __m512i order = _mm512_setr_epi32(0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7, 12, 14, 13, 15);
  return _mm512_permutexvar_ps(order, w);
}
#endif

// Lane q of the result is rows[q, 0..len) · v for q < count ≤ kLanes; lanes past count are 0.
template <typename T>
SIMD_MLP_INLINE Vec<T> GemvDotsVector(std::size_t count, std::size_t len, const T* rows,
                                      std::size_t ld, const T* v) {
  constexpr int kRows = 4;  // rows in flight: hides each row's FMA latency
  alignas(64) T dots[kLanes<T>] = {};
  std::size_t q = 0;
  for (; q + kRows <= count; q += kRows) GemvDotsOf<T, kRows>(len, rows + q * ld, ld, v, dots + q);
  for (; q < count; ++q) GemvDotsOf<T, 1>(len, rows + q * ld, ld, v, dots + q);
  return Vec<T>::load_aligned(dots);
}

#if SIMD_MLP_TARGET_X86_LEVEL >= 3
// acc[r] += (or, kPlain: the sum of) rows[r, 0..len) · v, a vector of lanes at a time, for all 16
// rows: GemmRowDots's whole blocks. One pointer walks the rows, so no row is tested against the
// block's count and no row address lives on the stack (with 16 row pointers g++ 12 spilled them;
// measured: docs/performance.md). The same operations in the same order as the general loop
// below, so the same bits.
template <bool kPlain>
SIMD_MLP_INLINE void GemmRowDots16(std::size_t len, const float* rows, std::size_t ld,
                                   const float* v, __m512 (&acc)[16]) {
  for (std::size_t p = 0; p < len; p += 16) {
    const std::size_t lanes = len - p < 16 ? len - p : 16;
    const Vec<float> vv = kPlain ? Vec<float>(1.0f) : LoadPartial(v + p, lanes);
    const float* row = rows + p;
#pragma GCC unroll 16
    for (int r = 0; r < 16; ++r, row += ld) {
      const Vec<float> x = LoadPartial(row, lanes);
      if constexpr (kPlain) {
        acc[r] = x + Vec<float>(acc[r]);
      } else {
        acc[r] = Fma(x, vv, Vec<float>(acc[r]));
      }
    }
  }
}
#endif

// out[q·out_stride] = rows[q, 0..len) · v for q < count; with kPlain, the sums Σ rows[q, ·] (v
// unused). For the short rows of a small batch (len = 32: two vectors) a horizontal sum per row
// costs more than the row's FMAs: on AVX-512 (float) sixteen rows are summed together
// (GemmSumLanes16), elsewhere each row by itself (GemvDotsVector, GemvSum).
template <typename T, bool kPlain>
void GemmRowDots(std::size_t count, std::size_t len, const T* rows, std::size_t ld, const T* v,
                 T* out, std::size_t out_stride) {
  for (std::size_t q0 = 0; q0 < count; q0 += kLanes<T>) {
    const std::size_t rows_here = count - q0 < kLanes<T> ? count - q0 : kLanes<T>;
    const T* block = rows + q0 * ld;
    alignas(64) T sums[kLanes<T>];
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
    if constexpr (std::is_same_v<T, float>) {  // 16 rows: one row per lane of the result
      __m512 acc[16];
#pragma GCC unroll 16
      for (int r = 0; r < 16; ++r) acc[r] = _mm512_setzero_ps();
      if (rows_here == 16) GemmRowDots16<kPlain>(len, block, ld, v, acc);
      for (std::size_t p = 0; rows_here < 16 && p < len; p += 16) {
        const std::size_t lanes = len - p < 16 ? len - p : 16;
        const Vec<T> vv = kPlain ? Vec<T>(T(1)) : LoadPartial(v + p, lanes);
#pragma GCC unroll 16
        for (int r = 0; r < 16; ++r) {
          if (std::size_t(r) < rows_here) {
            const Vec<T> x = LoadPartial(block + std::size_t(r) * ld + p, lanes);
            if constexpr (kPlain) {
              acc[r] = x + Vec<T>(acc[r]);
            } else {
              acc[r] = Fma(x, vv, Vec<T>(acc[r]));
            }
          }
        }
      }
      Vec<T>(GemmSumLanes16(acc)).store_aligned(sums);
    } else
#endif
    {
      if constexpr (kPlain) {
        for (std::size_t r = 0; r < rows_here; ++r) sums[r] = GemvSum(len, block + r * ld);
      } else {
        GemvDotsVector(rows_here, len, block, ld, v).store_aligned(sums);
      }
    }
    for (std::size_t r = 0; r < rows_here; ++r) out[(q0 + r) * out_stride] = sums[r];
  }
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_DOT_INL_H_
