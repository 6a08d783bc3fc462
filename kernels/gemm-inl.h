// Optimized GEMM kernels (a fragment of kernels/target-inl.h; see gemm.h for the contract).
//
// All three products run on one register-tiled micro-kernel: an MR×NV tile of accumulators
// (MR rows, NV vectors of columns) summed over a reduction of length kc as
//   acc[r][v] += broadcast(a(r, p)) · b(p, v),
// where a(r, p) = a[r·a_rs + p·a_ks] may be walked along rows or columns (so Aᵀ needs no copy)
// and b(p, ·) is a contiguous row. Only the epilogue differs:
//   forward      b = W rows;           epilogue act(acc + bias) → C
//   grad_w       a = Aᵀ (a_rs = 1),    b = G rows; reduction over the batch, cache-blocked
//   grad_x_act   a = G rows,           b = Wᵀ packed per panel; epilogue acc ⊙ act'(A) → dX
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

// Register tiles. A tile needs MR·NV accumulators, NV row vectors of b and one broadcast live:
// AVX-512 (32 registers): 4×6 → 31; AVX2 (16): 4×2 → 11 (+ headroom: 4×3 spills under g++ 12);
// SSE2 (16): 4×2. MR = 4 divides every batch size the MLP trains with except 1.
#if SIMD_MLP_TARGET_LEVEL >= 3
inline constexpr int kGemmMR = 4;
inline constexpr int kGemmNV = 6;
#else
inline constexpr int kGemmMR = 4;
inline constexpr int kGemmNV = 2;
#endif

// Reduction-dimension block for the batch reduction of GemmGradW and the packed Wᵀ panel of
// GemmGradXAct: kGemmKC rows of G (≤ 112 floats each) stay in L2 while every tile of dW sweeps
// them.
inline constexpr std::size_t kGemmKC = 256;
// Rows of the packed Wᵀ panel (GemmGradXAct): kGemmPackK × kGemmNV vectors on the stack
// (64 × 96 floats = 24 KiB on AVX-512), small enough for L1 alongside a tile of G.
inline constexpr std::size_t kGemmPackK = 64;

template <typename T, int MR, int NV>
struct GemmTile {
  Vec<T> acc[MR][NV];
};

// acc += Σ_{p < kc} a(r, p) · b(p, ·). kPartial: the last vector holds only last_lanes columns,
// loaded masked so nothing past the row's end is read.
template <typename T, int MR, int NV, bool kPartial>
SIMD_MLP_INLINE void GemmAccumulate(GemmTile<T, MR, NV>& tile, std::size_t kc, const T* a,
                                    std::size_t a_rs, std::size_t a_ks, const T* b, std::size_t ldb,
                                    std::size_t last_lanes) {
  for (std::size_t p = 0; p < kc; ++p) {
    const T* b_row = b + p * ldb;
    Vec<T> bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      bv[v] = (kPartial && v == NV - 1) ? LoadPartial(b_row + v * kLanes<T>, last_lanes)
                                        : Vec<T>::load_unaligned(b_row + v * kLanes<T>);
    }
    const T* a_col = a + p * a_ks;
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const Vec<T> ar(a_col[r * a_rs]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) tile.acc[r][v] = xsimd::fma(ar, bv[v], tile.acc[r][v]);
    }
  }
}

template <typename T, int MR, int NV>
SIMD_MLP_INLINE void GemmZero(GemmTile<T, MR, NV>& tile) {
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) tile.acc[r][v] = Vec<T>(T(0));
  }
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

// Runs body(std::integral_constant<int, N>{}) for a run-time n ∈ [1, kMax]: turns a block's
// run-time width (rows or vectors) into a compile-time tile size.
template <int kMax, typename F>
SIMD_MLP_INLINE void GemmWithConstant(int n, F&& body) {
  static_assert(kMax >= 1 && kMax <= 8, "extend GemmWithConstant's cases");
  switch (n) {
    case 1:
      body(std::integral_constant<int, 1>{});
      break;
    case 2:
      if constexpr (kMax >= 2) body(std::integral_constant<int, 2>{});
      break;
    case 3:
      if constexpr (kMax >= 3) body(std::integral_constant<int, 3>{});
      break;
    case 4:
      if constexpr (kMax >= 4) body(std::integral_constant<int, 4>{});
      break;
    case 5:
      if constexpr (kMax >= 5) body(std::integral_constant<int, 5>{});
      break;
    case 6:
      if constexpr (kMax >= 6) body(std::integral_constant<int, 6>{});
      break;
    case 7:
      if constexpr (kMax >= 7) body(std::integral_constant<int, 7>{});
      break;
    case 8:
      if constexpr (kMax >= 8) body(std::integral_constant<int, 8>{});
      break;
    default:
      break;  // unreachable: callers pass n ≤ kMax
  }
}

// body(i, rows) over the m rows in blocks of kGemmMR rows, then one block of the m % kGemmMR
// rows left; rows is a compile-time constant.
template <typename F>
SIMD_MLP_INLINE void GemmForEachRowBlock(std::size_t m, F&& body) {
  std::size_t i = 0;
  for (; i + kGemmMR <= m; i += kGemmMR) body(i, std::integral_constant<int, kGemmMR>{});
  if (i < m) GemmWithConstant<kGemmMR>(static_cast<int>(m - i), [&](auto rows) { body(i, rows); });
}

// Walks the columns of an n-wide output in blocks of up to kGemmNV vectors, calling
// body(j0, last_lanes, nv, partial) with the block's width nv (std::integral_constant<int, …>) and
// whether its last vector is partial (std::bool_constant) as compile-time constants, so each block
// runs a tile of exactly its size.
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

// ---- Forward: C = act(A·W + bias) ----------------------------------------------------------

template <Activation kAct, typename T, int MR, int NV, bool kPartial>
SIMD_MLP_INLINE void GemmBiasActTile(std::size_t k, const T* a, std::size_t lda, const T* w,
                                     std::size_t ldw, const T* bias, T* c, std::size_t ldc,
                                     std::size_t last_lanes) {
  GemmTile<T, MR, NV> tile;
  GemmZero(tile);
  GemmAccumulate<T, MR, NV, kPartial>(tile, k, a, lda, 1, w, ldw, last_lanes);
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) {
    const Vec<T> b = GemmLoadRowVec<T, NV, kPartial>(bias, v, last_lanes);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      GemmStoreRowVec<T, NV, kPartial>(c + r * ldc, v, last_lanes,
                                       ActivateVec<kAct, T>(tile.acc[r][v] + b));
    }
  }
}

template <typename T>
void GemmBiasAct(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                 std::size_t lda, const T* w, std::size_t ldw, const T* bias, T* c,
                 std::size_t ldc) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    GemmForEachColumnBlock<T>(n, [&](std::size_t j0, std::size_t last, auto nv_c, auto partial_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr bool kPartial = decltype(partial_c)::value;
      GemmForEachRowBlock(m, [&](std::size_t i, auto rows) {
        GemmBiasActTile<kAct, T, decltype(rows)::value, kNV, kPartial>(
            k, a + i * lda, lda, w + j0, ldw, bias + j0, c + i * ldc + j0, ldc, last);
      });
    });
  });
}

// ---- Weight gradient: dW = Aᵀ·G, db = Σ_rows G ------------------------------------------------

// One MR×NV tile of dW over the batch rows [0, kc) of this block; the first block stores, later
// ones add, so the sum over the batch is in a fixed order (same result for the same inputs).
template <typename T, int MR, int NV, bool kPartial>
SIMD_MLP_INLINE void GemmGradWTile(std::size_t kc, const T* a_t, std::size_t lda, const T* g,
                                   std::size_t ldg, T* dw, std::size_t lddw, bool first_block,
                                   std::size_t last_lanes) {
  GemmTile<T, MR, NV> tile;
  GemmZero(tile);
  // a(r, i) = A[i, p0 + r]: Aᵀ walked in place, rows of Aᵀ are columns of A.
  GemmAccumulate<T, MR, NV, kPartial>(tile, kc, a_t, 1, lda, g, ldg, last_lanes);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      Vec<T> x = tile.acc[r][v];
      if (!first_block) x += GemmLoadRowVec<T, NV, kPartial>(dw + r * lddw, v, last_lanes);
      GemmStoreRowVec<T, NV, kPartial>(dw + r * lddw, v, last_lanes, x);
    }
  }
}

// db = column sums of G, kGemmNV vectors of columns at a time.
template <typename T, int NV, bool kPartial>
SIMD_MLP_INLINE void GemmColumnSums(std::size_t m, const T* g, std::size_t ldg, T* db,
                                    std::size_t last_lanes) {
  Vec<T> sum[NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) sum[v] = Vec<T>(T(0));
  for (std::size_t i = 0; i < m; ++i) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v)
      sum[v] += GemmLoadRowVec<T, NV, kPartial>(g + i * ldg, v, last_lanes);
  }
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) GemmStoreRowVec<T, NV, kPartial>(db, v, last_lanes, sum[v]);
}

template <typename T>
void GemmGradW(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* g,
               std::size_t ldg, T* dw, std::size_t lddw, T* db) {
  // The batch chunk is the outer loop: its rows of A and G stay in L2 while every tile of dW
  // sweeps them (column blocks outside it re-read all of A from L3 once per block: 1.2× slower
  // than Eigen at B = 8000 on AVX2).
  for (std::size_t i0 = 0; i0 < m; i0 += kGemmKC) {
    const std::size_t kc = m - i0 < kGemmKC ? m - i0 : kGemmKC;
    GemmForEachColumnBlock<T>(n, [&](std::size_t j0, std::size_t last, auto nv_c, auto partial_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr bool kPartial = decltype(partial_c)::value;
      const T* a_block = a + i0 * lda;
      const T* g_block = g + i0 * ldg + j0;
      GemmForEachRowBlock(k, [&](std::size_t p, auto rows) {
        GemmGradWTile<T, decltype(rows)::value, kNV, kPartial>(
            kc, a_block + p, lda, g_block, ldg, dw + p * lddw + j0, lddw, i0 == 0, last);
      });
    });
  }
  GemmForEachColumnBlock<T>(n, [&](std::size_t j0, std::size_t last, auto nv_c, auto partial_c) {
    GemmColumnSums<T, decltype(nv_c)::value, decltype(partial_c)::value>(m, g + j0, ldg, db + j0,
                                                                         last);
  });
}

// ---- Input gradient: dX = (G·Wᵀ) ⊙ act'(A) --------------------------------------------------

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
      acc[r] = xsimd::fma(Vec<T>::load_unaligned(rows + r * ld + p), vv, acc[r]);
    }
  }
  if (p < len) {
    const Vec<T> vv = LoadPartial(v + p, len - p);
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r)
      acc[r] = xsimd::fma(LoadPartial(rows + r * ld + p, len - p), vv, acc[r]);
  }
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r) out[r] = xsimd::hadd(acc[r]);
}

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

// Copies Wᵀ[j0 .. j0+kc) × [p0 .. p0+cols) into panel (kc rows of NV·L, zero beyond cols), so the
// micro-kernel reads Wᵀ rows contiguously and never needs a masked load. For float the bulk moves
// as 4×4 blocks through SSE registers (every x86-64 ISA has them): a scalar copy cost 3.1 µs of
// the 10 µs gemm_grad_x at B = 32 on AVX-512.
template <typename T, int NV>
SIMD_MLP_INLINE void GemmPackWt(std::size_t kc, std::size_t cols, const T* w, std::size_t ldw,
                                T* panel) {
  constexpr std::size_t kWidth = NV * kLanes<T>;
  std::size_t j0 = 0;
  if constexpr (std::is_same_v<T, float>) {
    for (; j0 + 4 <= kc; j0 += 4) {
      std::size_t c = 0;
      for (; c + 4 <= cols; c += 4) {
        __m128 r0 = _mm_loadu_ps(w + (c + 0) * ldw + j0);
        __m128 r1 = _mm_loadu_ps(w + (c + 1) * ldw + j0);
        __m128 r2 = _mm_loadu_ps(w + (c + 2) * ldw + j0);
        __m128 r3 = _mm_loadu_ps(w + (c + 3) * ldw + j0);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        _mm_storeu_ps(panel + (j0 + 0) * kWidth + c, r0);
        _mm_storeu_ps(panel + (j0 + 1) * kWidth + c, r1);
        _mm_storeu_ps(panel + (j0 + 2) * kWidth + c, r2);
        _mm_storeu_ps(panel + (j0 + 3) * kWidth + c, r3);
      }
      for (std::size_t j = j0; j < j0 + 4; ++j) {
        for (std::size_t cc = c; cc < cols; ++cc) panel[j * kWidth + cc] = w[cc * ldw + j];
        for (std::size_t cc = cols; cc < kWidth; ++cc) panel[j * kWidth + cc] = T(0);
      }
    }
  }
  for (std::size_t j = j0; j < kc; ++j) {
    T* panel_row = panel + j * kWidth;
    for (std::size_t c = 0; c < cols; ++c) panel_row[c] = w[c * ldw + j];
    for (std::size_t c = cols; c < kWidth; ++c) panel_row[c] = T(0);
  }
}

template <Activation kAct, typename T, int MR, int NV, bool kPartial>
SIMD_MLP_INLINE void GemmGradXActTile(std::size_t kc, const T* g, std::size_t ldg, const T* panel,
                                      const T* a, std::size_t lda, T* dx, std::size_t lddx,
                                      bool first_block, bool last_block, std::size_t last_lanes) {
  GemmTile<T, MR, NV> tile;
  GemmZero(tile);
  GemmAccumulate<T, MR, NV, false>(tile, kc, g, ldg, 1, panel, NV * kLanes<T>, last_lanes);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      Vec<T> x = tile.acc[r][v];
      if (!first_block) x += GemmLoadRowVec<T, NV, kPartial>(dx + r * lddx, v, last_lanes);
      if (last_block) {
        x *= ActivationDerivativeVec<kAct, T>(
            GemmLoadRowVec<T, NV, kPartial>(a + r * lda, v, last_lanes));
      }
      GemmStoreRowVec<T, NV, kPartial>(dx + r * lddx, v, last_lanes, x);
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
  alignas(64) T panel[kGemmPackK * kGemmNV * kLanes<T>];
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    if (m < kGemmGradXDotRows) {
      GemmGradXActByDots<kAct, T>(m, n, k, g, ldg, w, ldw, a, lda, dx, lddx);
      return;
    }
    // Output columns are the k inputs of the layer; the reduction runs over its n outputs.
    GemmForEachColumnBlock<T>(k, [&](std::size_t p0, std::size_t last, auto nv_c, auto partial_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr bool kPartial = decltype(partial_c)::value;
      const std::size_t cols = (kNV - 1) * kLanes<T> + last;
      for (std::size_t j0 = 0; j0 < n; j0 += kGemmPackK) {
        const std::size_t kc = n - j0 < kGemmPackK ? n - j0 : kGemmPackK;
        const bool first = j0 == 0, final = j0 + kc == n;
        GemmPackWt<T, kNV>(kc, cols, w + p0 * ldw + j0, ldw, panel);
        GemmForEachRowBlock(m, [&](std::size_t i, auto rows) {
          GemmGradXActTile<kAct, T, decltype(rows)::value, kNV, kPartial>(
              kc, g + i * ldg + j0, ldg, panel, a + i * lda + p0, lda, dx + i * lddx + p0, lddx,
              first, final, last);
        });
      }
    });
  });
}
