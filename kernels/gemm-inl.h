// Optimized GEMM kernels (a fragment of kernels/target-inl.h; see gemm.h for the contract).
//
// All three products run on one register-tiled micro-kernel: an MR × (slots) tile of accumulators
// summed over a reduction of length kc as
//   acc[r][s] += broadcast(a(r, p)) · b(p, s),
// where a(r, p) = a[r·a_rs + p·a_ks] may be walked along rows or columns (so Aᵀ needs no copy)
// and b(p, ·) is a contiguous row. Only the epilogue differs:
//   forward      b = W rows;          acc starts at the bias; epilogue act(acc) → C
//   grad_w       a = Aᵀ (a_rs = 1),   b = G rows; reduction over the batch, cache-blocked, with
//                                     the column sums db of the same block of G
//   grad_x_act   a = G rows,          b = Wᵀ packed per panel; epilogue acc ⊙ act'(A) → dX
//
// A block of columns is a run of whole vectors ("slots") and at most one tail: a masked whole
// vector, or, when the tail fits in half a vector (AVX2, AVX-512), a half-width register. The
// MLP's 100 columns are 6 zmm + 4 floats: in a half (ymm) register the tail costs half a zmm FMA
// on Zen 4, as do its 12 padded lanes in a masked zmm, so the product issues 6.5 FMA slots per
// row and step where 100/16 = 6.25 are useful (96 %), against 7 (89 %) with a masked zmm tail.
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

// ---- Shared helpers (also used by dense_edge-inl.h) ----------------------------------------

// Vectors of columns per block in GemmForEachColumnBlock, the walker of the elementwise edge
// kernels (dense_edge-inl.h); the GEMMs walk blocks of kGemmSlots (below).
#if SIMD_MLP_TARGET_LEVEL >= 3
inline constexpr int kGemmNV = 6;
#else
inline constexpr int kGemmNV = 2;
#endif

// Runs body(std::integral_constant<int, N>{}) for a run-time n ∈ [kMin, kMax]: turns a block's
// run-time width (rows or vectors) into a compile-time tile size. n outside the range runs nothing
// (callers never pass one).
template <int kMin, int kMax, typename F>
SIMD_MLP_INLINE void GemmDispatchInt(int n, F&& body) {
  if constexpr (kMin <= kMax) {
    if (n == kMin) {
      body(std::integral_constant<int, kMin>{});
    } else {
      GemmDispatchInt<kMin + 1, kMax>(n, body);
    }
  }
}

template <int kMax, typename F>
SIMD_MLP_INLINE void GemmWithConstant(int n, F&& body) {
  GemmDispatchInt<1, kMax>(n, body);
}

// Loads / stores vector v of a tile row whose last vector may be partial.
template <typename T, int NV, bool kPartial>
SIMD_MLP_INLINE Vec<T> GemmLoadRowVec(const T* row, int v, std::size_t last_lanes) {
  return (kPartial && v == NV - 1) ? LoadPartial(row + v * kLanes<T>, last_lanes)
                                   : Vec<T>::load_unaligned(row + v * kLanes<T>);
}

template <typename T, int NV, bool kPartial>
SIMD_MLP_INLINE void GemmStoreRowVec(T* row, int v, std::size_t last_lanes, Vec<T> x) {
  if (kPartial && v == NV - 1) {
    StorePartial(row + v * kLanes<T>, last_lanes, x);
  } else {
    x.store_unaligned(row + v * kLanes<T>);
  }
}

// Walks the columns of an n-wide output in blocks of up to kGemmNV vectors, calling
// body(j0, last_lanes, nv, partial) with the block's width nv (std::integral_constant<int, …>) and
// whether its last vector is partial (std::bool_constant) as compile-time constants.
template <typename T, typename F>
SIMD_MLP_INLINE void GemmForEachColumnBlock(std::size_t n, F&& body) {
  const std::size_t nvec = (n + kLanes<T> - 1) / kLanes<T>;
  for (std::size_t v0 = 0; v0 < nvec; v0 += kGemmNV) {
    const int nv = static_cast<int>(nvec - v0 < std::size_t(kGemmNV) ? nvec - v0 : kGemmNV);
    const std::size_t last_start = (v0 + nv - 1) * kLanes<T>;
    const std::size_t last_lanes = n - last_start < kLanes<T> ? n - last_start : kLanes<T>;
    GemmWithConstant<kGemmNV>(nv, [&](auto nv_c) {
      if (last_lanes < kLanes<T>) {
        body(v0 * kLanes<T>, last_lanes, nv_c, std::true_type{});
      } else {
        body(v0 * kLanes<T>, last_lanes, nv_c, std::false_type{});
      }
    });
  }
}

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

#if SIMD_MLP_TARGET_LEVEL >= 3
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

#if SIMD_MLP_TARGET_LEVEL >= 3
// acc[r] += (or, kPlain: the sum of) rows[r, 0..len) · v, a vector of lanes at a time, for all 16
// rows: GemmRowDots's whole blocks. One pointer walks the rows, so no row is tested against the
// block's count and no row address lives on the stack (with 16 row pointers g++ 12 spilled them):
// the three calls of a B = 32 step (dW4, dW1, db1) took 0.88 of the time, in turns on the Xeon.
// The same operations in the same order as the general loop below, so the same bits.
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
#if SIMD_MLP_TARGET_LEVEL >= 3
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

// ---- Tiles ------------------------------------------------------------------------------------

// Register tiles: MR rows × up to kGemmSlots vectors, so a tile needs MR·slots accumulators.
// Measured at B = 32 (fraction of the FMA peak, forward with tanh / identity / grad_w / grad_x):
// AVX-512 (32 registers), 5 × 5: 25 accumulators, 5 row vectors and a broadcast, all in registers;
//   the MLP's 100 columns (6 zmm + 1 ymm) run as blocks of 4 and 3 slots. On Zen 4 (one zmm FMA
//   per cycle): 82 / 92 / 89 / 76 %, against 82 / 94 / 89 / 76 % for 4 × (6 zmm + 1 ymm), the
//   whole row in one block, 73 / 81 / 81 / 68 % for 3 × 7 and 81 / 92 / 87 / 73 % for 6 × 4.
//   4 × 7's 28 accumulators leave too few registers for its row vectors, and g++ reads them as
//   memory operands (half the FMAs of its object code have one): a load per FMA, free on Zen 4,
//   but the bottleneck on a core that issues two zmm FMAs and two loads per cycle. On an Intel
//   Xeon (Emerald Rapids; minimum of 6–8 runs, interleaved, on a busy host) 5 × 5 took 16–30 %
//   less time than 4 × 7 for the weight gradient at B = 128 and 512, 13–25 % less for the input
//   gradient at B = 32 … 512, and 11–23 % less for a B = 32 training epoch; the forward pass was
//   the same within the noise, and 6 × 4 and 8 × 3 close to 5 × 5.
// AVX2 (16 registers), 3 × 4: 12 accumulators, 3 broadcasts, one row vector: 70 / 81 / 85 / 71 %
//   against 68 / 80 / 79 / 65 % for 4 × 2 and 66 / 76 / 81 / 65 % for 3 × 3.
// SSE2 (16 registers, no FMA: a multiply and an add): the 4 × 2 tile it had before.
#if SIMD_MLP_TARGET_LEVEL >= 3
inline constexpr int kGemmMR = 5;
inline constexpr int kGemmSlots = 5;
#elif SIMD_MLP_TARGET_LEVEL == 2
inline constexpr int kGemmMR = 3;
inline constexpr int kGemmSlots = 4;
#else
inline constexpr int kGemmMR = 4;
inline constexpr int kGemmSlots = 2;
#endif

// How a column block ends: on a whole vector, a masked whole vector, or a half-width register.
enum class GemmTail { kNone, kMasked, kHalf };

// The half-width register (AVX-512: ymm; AVX2: xmm). SSE2 has no narrower vector; its tails are
// masked whole vectors.
inline constexpr bool kGemmHasHalf = SIMD_MLP_TARGET_LEVEL >= 2;
template <typename T>
inline constexpr std::size_t kHalfLanes = kLanes<T> / 2;
// A trait, not std::conditional_t: passing __m256 as a template argument drops its attributes.
template <typename T>
struct GemmHalfRegister {
  using type = typename Vec<T>::register_type;
};
#if SIMD_MLP_TARGET_LEVEL >= 3
template <>
struct GemmHalfRegister<float> {
  using type = __m256;
};
template <>
struct GemmHalfRegister<double> {
  using type = __m256d;
};
#elif SIMD_MLP_TARGET_LEVEL == 2
template <>
struct GemmHalfRegister<float> {
  using type = __m128;
};
template <>
struct GemmHalfRegister<double> {
  using type = __m128d;
};
#endif
template <typename T>
using GemmHalf = typename GemmHalfRegister<T>::type;

#if SIMD_MLP_TARGET_LEVEL >= 2
template <typename T>
SIMD_MLP_INLINE GemmHalf<T> GemmHalfLow(Vec<T> v) {
  typename Vec<T>::register_type r = v;
#if SIMD_MLP_TARGET_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    return _mm512_castps512_ps256(r);
  else
    return _mm512_castpd512_pd256(r);
#else
  if constexpr (std::is_same_v<T, float>)
    return _mm256_castps256_ps128(r);
  else
    return _mm256_castpd256_pd128(r);
#endif
}

// The upper half is zeroed, not left undefined: an epilogue runs the activation on all lanes.
template <typename T>
SIMD_MLP_INLINE Vec<T> GemmHalfWiden(GemmHalf<T> h) {
#if SIMD_MLP_TARGET_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    return _mm512_zextps256_ps512(h);
  else
    return _mm512_zextpd256_pd512(h);
#else
  if constexpr (std::is_same_v<T, float>)
    return _mm256_zextps128_ps256(h);
  else
    return _mm256_zextpd128_pd256(h);
#endif
}

template <typename T>
SIMD_MLP_INLINE GemmHalf<T> GemmHalfFma(GemmHalf<T> a, GemmHalf<T> b, GemmHalf<T> c) {
#if SIMD_MLP_TARGET_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    return _mm256_fmadd_ps(a, b, c);
  else
    return _mm256_fmadd_pd(a, b, c);
#else
  if constexpr (std::is_same_v<T, float>)
    return _mm_fmadd_ps(a, b, c);
  else
    return _mm_fmadd_pd(a, b, c);
#endif
}

// count ≤ kHalfLanes elements into the low lanes, zeros above; nothing past p[count − 1] is read.
template <typename T>
SIMD_MLP_INLINE GemmHalf<T> GemmHalfLoad(const T* p, std::size_t count) {
#if SIMD_MLP_TARGET_LEVEL >= 3
  const __mmask8 mask = static_cast<__mmask8>((1u << count) - 1u);
  if constexpr (std::is_same_v<T, float>)
    return _mm256_maskz_loadu_ps(mask, p);
  else
    return _mm256_maskz_loadu_pd(mask, p);
#else
  if constexpr (std::is_same_v<T, float>) {
    const __m128i mask =
        _mm_cmpgt_epi32(_mm_set1_epi32(static_cast<int>(count)), _mm_setr_epi32(0, 1, 2, 3));
    return _mm_maskload_ps(p, mask);
  } else {
    const __m128i mask =
        _mm_cmpgt_epi64(_mm_set1_epi64x(static_cast<long long>(count)), _mm_set_epi64x(1, 0));
    return _mm_maskload_pd(p, mask);
  }
#endif
}

template <typename T>
SIMD_MLP_INLINE GemmHalf<T> GemmHalfLoadWhole(const T* p) {
#if SIMD_MLP_TARGET_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    return _mm256_loadu_ps(p);
  else
    return _mm256_loadu_pd(p);
#else
  if constexpr (std::is_same_v<T, float>)
    return _mm_loadu_ps(p);
  else
    return _mm_loadu_pd(p);
#endif
}
#else
// Declared only: the tiles name these in branches that SSE2 (no kHalf tails) never instantiates.
template <typename T>
GemmHalf<T> GemmHalfLow(Vec<T> v);
template <typename T>
Vec<T> GemmHalfWiden(GemmHalf<T> h);
template <typename T>
GemmHalf<T> GemmHalfFma(GemmHalf<T> a, GemmHalf<T> b, GemmHalf<T> c);
template <typename T>
GemmHalf<T> GemmHalfLoad(const T* p, std::size_t count);
template <typename T>
GemmHalf<T> GemmHalfLoadWhole(const T* p);
#endif  // SIMD_MLP_TARGET_LEVEL >= 2

template <typename T, int MR, int NV, GemmTail kTail>
struct GemmTile {
  // Whole-width accumulators per row: NV vectors, and the masked tail.
  static constexpr int kWhole = NV + (kTail == GemmTail::kMasked ? 1 : 0);
  static constexpr int kSlots = NV + (kTail == GemmTail::kNone ? 0 : 1);
  Vec<T> acc[MR][kWhole > 0 ? kWhole : 1];
  GemmHalf<T> half[MR];

  // Slot s of row r as a whole vector (a half tail zero-extended).
  SIMD_MLP_INLINE Vec<T> Get(int r, int s) const {
    if constexpr (kTail == GemmTail::kHalf) {
      if (s == NV) return GemmHalfWiden<T>(half[r]);
    }
    return acc[r][s];
  }
};

// Slot s of a row of the block: a whole vector for s < NV, else the tail of tail_lanes elements.
template <typename T, int NV>
SIMD_MLP_INLINE Vec<T> GemmLoadSlot(const T* row, int s, std::size_t tail_lanes) {
  return s < NV ? Vec<T>::load_unaligned(row + s * kLanes<T>)
                : LoadPartial(row + s * kLanes<T>, tail_lanes);
}

template <typename T, int NV>
SIMD_MLP_INLINE void GemmStoreSlot(T* row, int s, std::size_t tail_lanes, Vec<T> x) {
  if (s < NV) {
    x.store_unaligned(row + s * kLanes<T>);
  } else {
    StorePartial(row + s * kLanes<T>, tail_lanes, x);
  }
}

// Every accumulator of the tile := init(s), the initial value of slot s (zero, or the bias).
template <typename T, int MR, int NV, GemmTail kTail, typename Init>
SIMD_MLP_INLINE void GemmInit(GemmTile<T, MR, NV, kTail>& tile, Init&& init) {
  using Tile = GemmTile<T, MR, NV, kTail>;
#pragma GCC unroll 8
  for (int s = 0; s < Tile::kSlots; ++s) {
    const Vec<T> x = init(s);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      if constexpr (kTail == GemmTail::kHalf) {
        if (s == NV) {
          tile.half[r] = GemmHalfLow<T>(x);
          continue;
        }
      }
      tile.acc[r][s] = x;
    }
  }
}

// acc += Σ_{p < kc} a(r, p) · b(p, ·). The tail of each b row holds tail_lanes elements, loaded
// masked so nothing past the row's end is read, unless kWholeTail (a packed, zero-padded panel).
template <typename T, int MR, int NV, GemmTail kTail, bool kWholeTail>
SIMD_MLP_INLINE void GemmAccumulate(GemmTile<T, MR, NV, kTail>& tile, std::size_t kc, const T* a,
                                    std::size_t a_rs, std::size_t a_ks, const T* b, std::size_t ldb,
                                    std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  for (std::size_t p = 0; p < kc; ++p) {
    const T* b_row = b + p * ldb;
    Vec<T> bv[Tile::kWhole > 0 ? Tile::kWhole : 1];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) bv[v] = Vec<T>::load_unaligned(b_row + v * kLanes<T>);
    if constexpr (kTail == GemmTail::kMasked) {
      bv[NV] = kWholeTail ? Vec<T>::load_unaligned(b_row + NV * kLanes<T>)
                          : LoadPartial(b_row + NV * kLanes<T>, tail_lanes);
    }
    GemmHalf<T> bh;
    if constexpr (kTail == GemmTail::kHalf) {
      bh = kWholeTail ? GemmHalfLoadWhole<T>(b_row + NV * kLanes<T>)
                      : GemmHalfLoad<T>(b_row + NV * kLanes<T>, tail_lanes);
    }
    const T* a_col = a + p * a_ks;
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const Vec<T> ar(a_col[r * a_rs]);
#pragma GCC unroll 8
      for (int v = 0; v < Tile::kWhole; ++v) tile.acc[r][v] = Fma(ar, bv[v], tile.acc[r][v]);
      if constexpr (kTail == GemmTail::kHalf) {
        tile.half[r] = GemmHalfFma<T>(GemmHalfLow<T>(ar), bh, tile.half[r]);
      }
    }
  }
}

// Walks the columns of an n-wide output in blocks of at most kGemmSlots slots, as even as
// possible (so no block is left with too few accumulator chains to hide the FMA latency), the
// tail in the last one. Calls body(j0, tail_lanes, nv, tail) with the block's count of whole
// vectors nv (std::integral_constant<int, …>) and its GemmTail (std::integral_constant) as
// compile-time constants, so each block runs a tile of exactly its shape.
template <typename T, typename F>
SIMD_MLP_INLINE void GemmForEachSlotBlock(std::size_t n, F&& body) {
  using None = std::integral_constant<GemmTail, GemmTail::kNone>;
  using Masked = std::integral_constant<GemmTail, GemmTail::kMasked>;
  using Half = std::integral_constant<GemmTail, GemmTail::kHalf>;
  const std::size_t whole = n / kLanes<T>, rem = n % kLanes<T>;
  const std::size_t slots = whole + (rem != 0 ? 1 : 0);
  const std::size_t blocks = (slots + kGemmSlots - 1) / kGemmSlots;
  std::size_t s0 = 0;
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    const int width = static_cast<int>(slots / blocks + (blk < slots % blocks ? 1 : 0));
    const std::size_t j0 = s0 * kLanes<T>;
    s0 += std::size_t(width);
    if (blk + 1 < blocks || rem == 0) {
      GemmDispatchInt<1, kGemmSlots>(width, [&](auto nv) { body(j0, kLanes<T>, nv, None{}); });
      continue;
    }
    if constexpr (kGemmHasHalf) {
      if (rem <= kHalfLanes<T>) {
        GemmDispatchInt<0, kGemmSlots - 1>(width - 1, [&](auto nv) { body(j0, rem, nv, Half{}); });
        continue;
      }
    }
    GemmDispatchInt<0, kGemmSlots - 1>(width - 1, [&](auto nv) { body(j0, rem, nv, Masked{}); });
  }
}

// body(i, rows) over the m rows in blocks of kRows rows, then one block of the m % kRows rows
// left; rows is a compile-time constant.
template <int kRows = kGemmMR, typename F>
SIMD_MLP_INLINE void GemmForEachRowBlock(std::size_t m, F&& body) {
  std::size_t i = 0;
  for (; i + kRows <= m; i += kRows) body(i, std::integral_constant<int, kRows>{});
  if (i < m) {
    GemmDispatchInt<1, kRows - 1>(static_cast<int>(m - i), [&](auto rows) { body(i, rows); });
  }
}

// ---- Forward: C = act(A·W + bias) ----------------------------------------------------------

// The forward epilogue (both layouts): row r of c := act(row r of the tile).
template <Activation kAct, typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmStoreActivated(const GemmTile<T, MR, NV, kTail>& tile, T* c,
                                        std::size_t ldc, std::size_t tail_lanes) {
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int s = 0; s < GemmTile<T, MR, NV, kTail>::kSlots; ++s) {
      GemmStoreSlot<T, NV>(c + r * ldc, s, tail_lanes, ActivateVec<kAct, T>(tile.Get(r, s)));
    }
  }
}

template <Activation kAct, typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmBiasActTile(std::size_t k, const T* a, std::size_t lda, const T* w,
                                     std::size_t ldw, const T* bias, T* c, std::size_t ldc,
                                     std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  // Starting from the bias sums in the reference's order and saves an add per output vector.
  GemmInit(tile, [&](int s) { return GemmLoadSlot<T, NV>(bias, s, tail_lanes); });
  GemmAccumulate<T, MR, NV, kTail, false>(tile, k, a, lda, 1, w, ldw, tail_lanes);
  GemmStoreActivated<kAct>(tile, c, ldc, tail_lanes);
}

template <typename T>
void GemmBiasAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                 std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* c,
                 std::size_t ldc) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    // Column blocks outermost: a block's panel of W (≤ 100 × 112 floats) stays in L1 and L2
    // while every row of A streams past it.
    GemmForEachSlotBlock<T>(n, [&](std::size_t j0, std::size_t tail, auto nv_c, auto tail_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr GemmTail kTail = decltype(tail_c)::value;
      GemmForEachRowBlock(m, [&](std::size_t i, auto rows) {
        GemmBiasActTile<kAct, T, decltype(rows)::value, kNV, kTail>(
            k, a + i * lda, lda, w + j0, ldw, bias + j0, c + i * ldc + j0, ldc, tail);
      });
    });
  });
}

// ---- Weight gradient: dW = Aᵀ·G, db = Σ_rows G ------------------------------------------------

// Rows of the batch per cache block of GemmGradW: kGemmKC rows of A and G stay in cache while
// every tile of dW sweeps them. AVX2's blocks of 4 ymm need 128 rows (16 KiB of G per block, L1)
// to hold 86 % at B = 512 (256 rows: 69 %); AVX-512's whole-row blocks run at 91–93 % at
// B = 512 and 8000 with 64 or 256 rows alike (L2), and 256 reloads dW 4× less often.
#if SIMD_MLP_TARGET_LEVEL >= 3
inline constexpr std::size_t kGemmKC = 256;
#else
inline constexpr std::size_t kGemmKC = 128;
#endif

// What a weight-gradient tile does after storing its gradient, by default: nothing. (The other
// choice is an optimizer step, gemm_step-inl.h: update(i, count, gradient) as UpdateRows calls it.)
struct GemmNoUpdate {
  template <typename V>
  SIMD_MLP_INLINE void operator()(std::size_t, std::size_t, V) const {}
};

// One MR-row tile of dW over the batch rows [0, kc) of this block, a(r, i) = a_t[r·a_rs + i·a_ks]
// (Aᵀ walked in place); the first block stores, later ones add, so the sum over the batch is in
// a fixed order (same result for the same inputs). After the last block the sums are final:
// update gets each vector of them, still in its register, as element `origin` + r·lddw + column
// of dW.
template <typename T, int MR, int NV, GemmTail kTail, bool kWholeTail,
          typename Update = GemmNoUpdate>
SIMD_MLP_INLINE void GemmGradWTile(std::size_t kc, const T* a_t, std::size_t a_rs, std::size_t a_ks,
                                   const T* g, std::size_t ldg, T* dw, std::size_t lddw,
                                   bool first_block, std::size_t tail_lanes,
                                   const Update& update = {}, std::size_t origin = 0,
                                   bool last_block = false) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  GemmInit(tile, [](int) { return Vec<T>(T(0)); });
  GemmAccumulate<T, MR, NV, kTail, kWholeTail>(tile, kc, a_t, a_rs, a_ks, g, ldg, tail_lanes);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int s = 0; s < Tile::kSlots; ++s) {
      Vec<T> x = tile.Get(r, s);
      if (!first_block) x += GemmLoadSlot<T, NV>(dw + r * lddw, s, tail_lanes);
      GemmStoreSlot<T, NV>(dw + r * lddw, s, tail_lanes, x);
      if (last_block) update(origin + r * lddw + s * kLanes<T>, s < NV ? kLanes<T> : tail_lanes, x);
    }
  }
}

// db (+)= column sums of kc rows of G for one block of columns, while they are in cache.
template <typename T, int kSlots, int NV>
SIMD_MLP_INLINE void GemmColumnSums(std::size_t kc, const T* g, std::size_t ldg, T* db,
                                    bool first_block, std::size_t tail_lanes) {
  Vec<T> sum[kSlots];
#pragma GCC unroll 8
  for (int s = 0; s < kSlots; ++s)
    sum[s] = first_block ? Vec<T>(T(0)) : GemmLoadSlot<T, NV>(db, s, tail_lanes);
  for (std::size_t i = 0; i < kc; ++i) {
#pragma GCC unroll 8
    for (int s = 0; s < kSlots; ++s) sum[s] += GemmLoadSlot<T, NV>(g + i * ldg, s, tail_lanes);
  }
#pragma GCC unroll 8
  for (int s = 0; s < kSlots; ++s) GemmStoreSlot<T, NV>(db, s, tail_lanes, sum[s]);
}

template <typename T>
void GemmGradW(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* g,
               std::size_t ldg, T* dw, std::size_t lddw, T* db) {
  // The batch chunk is the outer loop: its rows of A and G stay in L2 while every tile of dW
  // sweeps them (column blocks outside it re-read all of A from L3 once per block: 1.2× slower
  // than Eigen at B = 8000 on AVX2).
  for (std::size_t i0 = 0; i0 < m; i0 += kGemmKC) {
    const std::size_t kc = m - i0 < kGemmKC ? m - i0 : kGemmKC;
    const bool first = i0 == 0;
    GemmForEachSlotBlock<T>(n, [&](std::size_t j0, std::size_t tail, auto nv_c, auto tail_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr GemmTail kTail = decltype(tail_c)::value;
      const T* a_block = a + i0 * lda;
      const T* g_block = g + i0 * ldg + j0;
      GemmForEachRowBlock(k, [&](std::size_t p, auto rows) {
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

// Rows of Wᵀ per packed panel (GemmGradXAct): at most kGemmPackK × kGemmSlots vectors on the stack
// (128 × 112 floats = 56 KiB on AVX-512). The MLP's n = 100 then packs in one panel and dX is
// written once: with 64-row panels (two passes, dX stored and reloaded) B = 8000 ran at 61–72 %
// of peak on AVX-512, with one panel at 85 %; the panel is read from L2 at no measured cost.
inline constexpr std::size_t kGemmPackK = 128;

// Panel rows [j_begin, j_end), columns [c_begin, read) set to zero: the lanes past Wᵀ's last
// column that the micro-kernel reads. Inline where the register transposes leave only these (as
// a call to GemmPackWtScalar per 8 rows it took 0.4 % of a B = 32 epoch, perf).
template <typename T>
SIMD_MLP_INLINE void GemmPackZeroColumns(std::size_t j_begin, std::size_t j_end,
                                         std::size_t c_begin, std::size_t read, std::size_t width,
                                         T* panel) {
  for (std::size_t j = j_begin; j < j_end; ++j) {
    T* panel_row = panel + j * width;
    std::size_t c = c_begin;
    if constexpr (std::is_same_v<T, float>) {
      // As 4-float stores: GCC 12 turned the zero loop into a call to memset per row.
      for (; c + 4 <= read; c += 4) _mm_storeu_ps(panel_row + c, _mm_setzero_ps());
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

// Panel rows [j, j + 4), columns [c, c + 4): Wᵀ's 4×4 block through SSE registers.
SIMD_MLP_INLINE void GemmPackWt4x4(std::size_t j, std::size_t c, const float* w, std::size_t ldw,
                                   std::size_t width, float* panel) {
  __m128 r0 = _mm_loadu_ps(w + (c + 0) * ldw + j);
  __m128 r1 = _mm_loadu_ps(w + (c + 1) * ldw + j);
  __m128 r2 = _mm_loadu_ps(w + (c + 2) * ldw + j);
  __m128 r3 = _mm_loadu_ps(w + (c + 3) * ldw + j);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(panel + (j + 0) * width + c, r0);
  _mm_storeu_ps(panel + (j + 1) * width + c, r1);
  _mm_storeu_ps(panel + (j + 2) * width + c, r2);
  _mm_storeu_ps(panel + (j + 3) * width + c, r3);
}

// Copies Wᵀ[j0 .. j0+kc) × [p0 .. p0+cols) into panel (kc rows `width` apart, zero from cols to
// `read`, the lanes of a row the micro-kernel reads: cols ≤ read ≤ width), so the micro-kernel
// reads Wᵀ rows contiguously and never needs a masked load. For float
// the bulk moves as 8×8 blocks through ymm registers (AVX2, AVX-512), then 4×4 blocks through
// SSE registers: a scalar copy cost 3.1 µs of the 10 µs gemm_grad_x at B = 32 on AVX-512, and
// 8×8 blocks raised it from 73 to 76 % of peak over 4×4 ones.
template <typename T>
SIMD_MLP_INLINE void GemmPackWt(std::size_t kc, std::size_t cols, std::size_t read,
                                std::size_t width, const T* w, std::size_t ldw, T* panel) {
  std::size_t j0 = 0;
#if SIMD_MLP_TARGET_LEVEL >= 2
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

template <Activation kAct, typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmGradXActTile(std::size_t kc, const T* g, std::size_t ldg, const T* panel,
                                      std::size_t width, const T* a, std::size_t lda, T* dx,
                                      std::size_t lddx, bool first_block, bool last_block,
                                      std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  GemmInit(tile, [](int) { return Vec<T>(T(0)); });
  GemmAccumulate<T, MR, NV, kTail, true>(tile, kc, g, ldg, 1, panel, width, tail_lanes);
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
}

// dX for a few rows, as dot products of G's rows with W's rows (both contiguous): packing Wᵀ
// costs k·n copies, which a batch this small cannot amortize (at B = 1 the packed path was 3×
// slower than Eigen). Four rows of W per pass share each load of G.
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
  alignas(64) T panel[kGemmPackK * kGemmSlots * kLanes<T>];
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    if (m < kGemmGradXDotRows) {
      GemmGradXActByDots<kAct, T>(m, n, k, g, ldg, w, ldw, a, lda, dx, lddx);
      return;
    }
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
        GemmForEachRowBlock(m, [&](std::size_t i, auto rows) {
          GemmGradXActTile<kAct, T, decltype(rows)::value, kNV, kTail>(
              kc, g + i * ldg + j0, ldg, panel, width, a + i * lda + p0, lda, dx + i * lddx + p0,
              lddx, first, final, tail);
        });
      }
    });
  });
}

// ---- Feature-major: Ct = act(Wᵀ·At + b), dXt = (W·Gt) ⊙ act'(At), dW = At·Gtᵀ ------------

// The same micro-kernel with the two sides swapped: the vectors run along a row of At or Gt (the
// batch), and the broadcasts walk W in place, along a column for the forward product (a_rs = 1,
// a_ks = ldw) and along a row for the input gradient (a_rs = ldw, a_ks = 1). So the input
// gradient needs no packed Wᵀ, and each element is the batch-major kernel's sum in its order.
//
// Rows (features) per tile: as many as keep the accumulators within the batch-major tile's
// kGemmMR × kGemmSlots, at most 8. A small batch is a block of few slots, where kGemmMR rows would
// leave few accumulator chains: on AVX-512 at m = 32 (2 slots, a 100 × 100 tanh forward, in turns
// on an Intel Xeon, Emerald Rapids) 8 rows took 0.87 of the batch-major kernel's time, 5 rows 0.91
// and 12 rows (24 accumulators, spilled by g++) 1.83.
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
    GemmForEachRowBlock<kRows>(
        rows, [&](std::size_t r, auto rows_c) { body(r, i0, tail, rows_c, nv_c, tail_c); });
  });
}

template <Activation kAct, typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmBiasActFmTile(std::size_t k, const T* w, std::size_t ldw, const T* at,
                                       std::size_t lda, const T* bias, T* ct, std::size_t ldc,
                                       std::size_t tail_lanes) {
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
  GemmStoreActivated<kAct>(tile, ct, ldc, tail_lanes);
}

template <typename T>
void GemmBiasActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* at,
                   std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* ct,
                   std::size_t ldc) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    GemmForEachFmTile<T>(
        m, n,
        [&](std::size_t j, std::size_t i0, std::size_t tail, auto rows_c, auto nv_c, auto tail_c) {
          GemmBiasActFmTile<kAct, T, decltype(rows_c)::value, decltype(nv_c)::value,
                            decltype(tail_c)::value>(k, w + j, ldw, at + i0, lda, bias + j,
                                                     ct + j * ldc + i0, ldc, tail);
        });
  });
}

template <Activation kAct, typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmGradXActFmTile(std::size_t n, const T* w, std::size_t ldw, const T* gt,
                                        std::size_t ldg, const T* at, std::size_t lda, T* dxt,
                                        std::size_t lddx, std::size_t tail_lanes) {
  using Tile = GemmTile<T, MR, NV, kTail>;
  Tile tile;
  GemmInit(tile, [](int) { return Vec<T>(T(0)); });
  GemmAccumulate<T, MR, NV, kTail, false>(tile, n, w, ldw, 1, gt, ldg, tail_lanes);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int s = 0; s < Tile::kSlots; ++s) {
      const Vec<T> deriv =
          ActivationDerivativeVec<kAct, T>(GemmLoadSlot<T, NV>(at + r * lda, s, tail_lanes));
      GemmStoreSlot<T, NV>(dxt + r * lddx, s, tail_lanes, tile.Get(r, s) * deriv);
    }
  }
}

template <typename T>
void GemmGradXActFm(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* gt,
                    std::size_t ldg, const T* w, std::size_t ldw, const T* at, std::size_t lda,
                    T* dxt, std::size_t lddx) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    GemmForEachFmTile<T>(
        m, k,
        [&](std::size_t p, std::size_t i0, std::size_t tail, auto rows_c, auto nv_c, auto tail_c) {
          GemmGradXActFmTile<kAct, T, decltype(rows_c)::value, decltype(nv_c)::value,
                             decltype(tail_c)::value>(n, w + p * ldw, ldw, gt + i0, ldg,
                                                      at + p * lda + i0, lda, dxt + p * lddx + i0,
                                                      lddx, tail);
        });
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
    // or transpose all of Gt for one row of dW (k = 1). At m = 32, rows 48 floats apart, on the
    // Xeon: n = 1 0.18 µs (tiles 1.1, dots a row at a time 0.26), k = 1 0.34 (transpose and
    // tiles 0.53); the batch-major kernels take 0.06 and 0.11.
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
      // (at m = 32 a short loop), so fewer, taller tiles read it fewer times. At m = 32, n = k =
      // 100 on AVX-512 (6 rows for the 4-slot block, 8 for the 3-slot one) 0.92–0.97 of the time
      // with kGemmMR (5) rows, in turns on the Xeon.
      GemmForEachRowBlock<kGemmFmRows<kSlots>>(k, [&](std::size_t p, auto rows) {
        GemmGradWTile<T, decltype(rows)::value, kNV, kTail, true>(
            kc, at + p * lda + i0, lda, 1, panel, width, dw + p * lddw + j0, lddw, first, tail,
            update, p * lddw + j0, last);
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
