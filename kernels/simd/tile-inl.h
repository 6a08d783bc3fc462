// The register-tiled micro-kernel of every GEMM (gemm-inl.h, gemm_fm-inl.h; see gemm.h for the
// contract).
//
// All the products run on one register-tiled micro-kernel: an MR × (slots) tile of accumulators
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
// vector, or, when the tail fits in half a vector (AVX2, AVX-512), a half-width register, which
// wastes fewer FMA lanes on the MLP's 100 columns (measured: docs/performance.md, "Kernel
// constants").
#ifndef SIMD_MLP_KERNELS_SIMD_TILE_INL_H_
#define SIMD_MLP_KERNELS_SIMD_TILE_INL_H_

#include "kernels/simd/activation_vec-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// Register tiles: MR rows × up to kGemmSlots vectors, so a tile needs MR·slots accumulators. Each
// ISA's size keeps the accumulators, the row vectors and a broadcast in its registers (AVX-512:
// 24 + 4 + 1 of 32, libxsmm's tile for these shapes; AVX2: 12 + 1 + 3 of 16); chosen by
// measurement (docs/performance.md, "Kernel constants").
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
inline constexpr int kGemmMR = 6;
inline constexpr int kGemmSlots = 4;
#elif SIMD_MLP_TARGET_X86_LEVEL == 2
inline constexpr int kGemmMR = 3;
inline constexpr int kGemmSlots = 4;
#elif SIMD_MLP_TARGET_NEON
// NEON, 32 registers of 4 floats, chosen by register count and shape, not timed (no ARM hardware
// here): 4 × 5 is 20 accumulators, 5 row vectors and 4 broadcasts, 29 registers. A broadcast
// needs a register here (AVX-512 folds it into the FMA's memory operand): 6 × 4 would need 34,
// 5 × 5 35, which g++ 12 spills to the stack every step. The MLP's 100 columns are 25 vectors,
// five blocks of exactly 5, and its batches (multiples of 4 but 1) whole blocks of 4 rows.
inline constexpr int kGemmMR = 4;
inline constexpr int kGemmSlots = 5;
#else
inline constexpr int kGemmMR = 4;
inline constexpr int kGemmSlots = 2;
#endif

// Double serves gradient checks, where speed matters less than for float: its GEMMs run on three
// column shapes (blocks of kGemmSlots vectors, single vectors, a masked tail) and two row counts
// (kGemmMR, 1), for a fraction of the compile time (docs/performance.md, "Kernel constants"). No
// result changes: each output element is the same sum in the same order whatever its tile.
template <typename T>
inline constexpr bool kGemmCompact = std::is_same_v<T, double>;

// How a column block ends: on a whole vector, a masked whole vector, or a half-width register.
enum class GemmTail { kNone, kMasked, kHalf };

// The half-width register (AVX-512: ymm; AVX2: xmm). SSE2 has no narrower vector; NEON's (64-bit)
// would serve no tail of the MLP (100 columns are whole vectors); their tails are masked whole
// vectors.
inline constexpr bool kGemmHasHalf = SIMD_MLP_TARGET_X86_LEVEL >= 2;
template <typename T>
inline constexpr std::size_t kHalfLanes = kLanes<T> / 2;
// A trait, not std::conditional_t: passing __m256 as a template argument drops its attributes.
template <typename T>
struct GemmHalfRegister {
  using type = typename Vec<T>::register_type;
};
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
template <>
struct GemmHalfRegister<float> {
  using type = __m256;
};
template <>
struct GemmHalfRegister<double> {
  using type = __m256d;
};
#elif SIMD_MLP_TARGET_X86_LEVEL == 2
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

#if SIMD_MLP_TARGET_X86_LEVEL >= 2
template <typename T>
SIMD_MLP_INLINE GemmHalf<T> GemmHalfLow(Vec<T> v) {
  typename Vec<T>::register_type r = v;
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
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
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
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
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
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
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
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
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
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
// Declared only: the tiles name these in branches that SSE2 and NEON (no kHalf tails) never
// instantiate.
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
#endif  // SIMD_MLP_TARGET_X86_LEVEL >= 2

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
  // AVX-512: four steps per loop iteration, as libxsmm's generated loops, a quarter of the loop's
  // counter and pointer updates; on AVX2 the same unrolling measured slower (docs/performance.md,
  // "Kernel constants"). The sums keep their order either way.
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
#pragma GCC unroll 4
#endif
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
// compile-time constants, so each block runs a tile of exactly its shape. (kGemmCompact: blocks
// of kGemmSlots vectors, then single vectors, then the masked tail.)
template <typename T, typename F>
SIMD_MLP_INLINE void GemmForEachSlotBlock(std::size_t n, F&& body) {
  using None = std::integral_constant<GemmTail, GemmTail::kNone>;
  using Masked = std::integral_constant<GemmTail, GemmTail::kMasked>;
  using Half = std::integral_constant<GemmTail, GemmTail::kHalf>;
  const std::size_t whole = n / kLanes<T>, rem = n % kLanes<T>;
  if constexpr (kGemmCompact<T>) {
    std::size_t v = 0;
    for (; v + kGemmSlots <= whole; v += kGemmSlots) {
      body(v * kLanes<T>, kLanes<T>, std::integral_constant<int, kGemmSlots>{}, None{});
    }
    for (; v < whole; ++v) body(v * kLanes<T>, kLanes<T>, std::integral_constant<int, 1>{}, None{});
    if (rem != 0) body(whole * kLanes<T>, rem, std::integral_constant<int, 0>{}, Masked{});
    return;
  }
  const std::size_t slots = whole + (rem != 0 ? 1 : 0);
  const std::size_t blocks = (slots + kGemmSlots - 1) / kGemmSlots;
  std::size_t s0 = 0;
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    const int width = static_cast<int>(slots / blocks + (blk < slots % blocks ? 1 : 0));
    const std::size_t j0 = s0 * kLanes<T>;
    s0 += std::size_t(width);
    if (blk + 1 < blocks || rem == 0) {
      DispatchInt<1, kGemmSlots>(width, [&](auto nv) { body(j0, kLanes<T>, nv, None{}); });
      continue;
    }
    if constexpr (kGemmHasHalf) {
      if (rem <= kHalfLanes<T>) {
        DispatchInt<0, kGemmSlots - 1>(width - 1, [&](auto nv) { body(j0, rem, nv, Half{}); });
        continue;
      }
    }
    DispatchInt<0, kGemmSlots - 1>(width - 1, [&](auto nv) { body(j0, rem, nv, Masked{}); });
  }
}

// body(i, rows) over the m rows in blocks of kRows rows, then one block of the m % kRows rows
// left (kGemmCompact: one row at a time); rows is a compile-time constant.
template <typename T, int kRows = kGemmMR, typename F>
SIMD_MLP_INLINE void GemmForEachRowBlock(std::size_t m, F&& body) {
  std::size_t i = 0;
  for (; i + kRows <= m; i += kRows) body(i, std::integral_constant<int, kRows>{});
  if constexpr (kGemmCompact<T>) {
    for (; i < m; ++i) body(i, std::integral_constant<int, 1>{});
  } else if (i < m) {
    DispatchInt<1, kRows - 1>(static_cast<int>(m - i), [&](auto rows) { body(i, rows); });
  }
}

// The forward epilogue (both layouts): row r of c := act(row r of the tile). The activation is
// chosen here, once per tile, so that the tiles are compiled once rather than once per
// activation; the branch costs nothing measurable (docs/performance.md, "Kernel constants").
template <typename T, int MR, int NV, GemmTail kTail>
SIMD_MLP_INLINE void GemmStoreActivated(Activation act, const GemmTile<T, MR, NV, kTail>& tile,
                                        T* c, std::size_t ldc, std::size_t tail_lanes) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
      for (int s = 0; s < GemmTile<T, MR, NV, kTail>::kSlots; ++s) {
        GemmStoreSlot<T, NV>(c + r * ldc, s, tail_lanes, ActivateVec<kAct, T>(tile.Get(r, s)));
      }
    }
  });
}

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

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_TILE_INL_H_
