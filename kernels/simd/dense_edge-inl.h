// Optimized edge layers (see dense_edge.h for the contract). The elementwise ones walk the
// columns in blocks of up to kEdgeBlockNV vectors, whose weights (and bias) stay in registers while
// the rows stream past; the batch reductions walk wider blocks of their own (kEdgeNV); the last
// layer's forward is a set of dot products (dot-inl.h).
#ifndef SIMD_MLP_KERNELS_SIMD_DENSE_EDGE_INL_H_
#define SIMD_MLP_KERNELS_SIMD_DENSE_EDGE_INL_H_

#include "kernels/simd/activation_vec-inl.h"
#include "kernels/simd/dot-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// Vectors of columns per block of EdgeForEachColumnBlock, the walker of the elementwise edge
// kernels.
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
inline constexpr int kEdgeBlockNV = 6;
#elif SIMD_MLP_TARGET_NEON
// 5 weight and 5 bias vectors stay in registers beside the tanh epilogue's constants (which NEON,
// without memory operands, also holds in registers); the MLP's 25 column vectors are five blocks.
// By register count, untimed (no ARM hardware here).
inline constexpr int kEdgeBlockNV = 5;
#else
inline constexpr int kEdgeBlockNV = 2;
#endif

// Loads / stores vector v of a tile row whose last vector may be partial.
template <typename T, int NV, bool kPartial>
SIMD_MLP_INLINE Vec<T> EdgeLoadRowVec(const T* row, int v, std::size_t last_lanes) {
  return (kPartial && v == NV - 1) ? LoadPartial(row + v * kLanes<T>, last_lanes)
                                   : Vec<T>::load_unaligned(row + v * kLanes<T>);
}

template <typename T, int NV, bool kPartial>
SIMD_MLP_INLINE void EdgeStoreRowVec(T* row, int v, std::size_t last_lanes, Vec<T> x) {
  if (kPartial && v == NV - 1) {
    StorePartial(row + v * kLanes<T>, last_lanes, x);
  } else {
    x.store_unaligned(row + v * kLanes<T>);
  }
}

// Walks the columns of an n-wide output in blocks of up to kEdgeBlockNV vectors, calling
// body(j0, last_lanes, nv, partial) with the block's width nv (std::integral_constant<int, …>) and
// whether its last vector is partial (std::bool_constant) as compile-time constants.
template <typename T, typename F>
SIMD_MLP_INLINE void EdgeForEachColumnBlock(std::size_t n, F&& body) {
  const std::size_t nvec = (n + kLanes<T> - 1) / kLanes<T>;
  for (std::size_t v0 = 0; v0 < nvec; v0 += kEdgeBlockNV) {
    const int nv =
        static_cast<int>(nvec - v0 < std::size_t(kEdgeBlockNV) ? nvec - v0 : kEdgeBlockNV);
    const std::size_t last_start = (v0 + nv - 1) * kLanes<T>;
    const std::size_t last_lanes = n - last_start < kLanes<T> ? n - last_start : kLanes<T>;
    DispatchInt<1, kEdgeBlockNV>(nv, [&](auto nv_c) {
      if (last_lanes < kLanes<T>) {
        body(v0 * kLanes<T>, last_lanes, nv_c, std::true_type{});
      } else {
        body(v0 * kLanes<T>, last_lanes, nv_c, std::false_type{});
      }
    });
  }
}

// For each row i and each column block: out[i, ·] = epilogue(row_scalar[i] · w[·]) — the shape of
// both the first layer's forward (x[i]·w + b, then act) and the last layer's input gradient
// (g[i]·w ⊙ act'(A[i, ·])).
template <typename T, int NV, bool kPartial, typename Epilogue>
SIMD_MLP_INLINE void EdgeScaledRows(std::size_t m, const T* row_scalar, const T* w,
                                    std::size_t last_lanes, Epilogue&& epilogue) {
  Vec<T> wv[NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) wv[v] = EdgeLoadRowVec<T, NV, kPartial>(w, v, last_lanes);
  for (std::size_t i = 0; i < m; ++i) {
    const Vec<T> s(row_scalar[i]);
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) epilogue(i, v, s, wv[v]);
  }
}

template <typename T>
void OuterBiasAct(Activation act, std::size_t m, std::size_t n, const T* x, const T* w,
                  const T* bias, T* c, std::size_t ldc) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    EdgeForEachColumnBlock<T>(n, [&](std::size_t j0, std::size_t last, auto nv_c, auto partial_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr bool kPartial = decltype(partial_c)::value;
      Vec<T> bv[kNV];
#pragma GCC unroll 8
      for (int v = 0; v < kNV; ++v) bv[v] = EdgeLoadRowVec<T, kNV, kPartial>(bias + j0, v, last);
      EdgeScaledRows<T, kNV, kPartial>(
          m, x, w + j0, last, [&](std::size_t i, int v, Vec<T> xi, Vec<T> wv) {
            EdgeStoreRowVec<T, kNV, kPartial>(c + i * ldc + j0, v, last,
                                              ActivateVec<kAct, T>(Fma(xi, wv, bv[v])));
          });
    });
  });
}

template <typename T>
void GemvGradXAct(Activation act, std::size_t m, std::size_t k, const T* g, const T* w, const T* a,
                  std::size_t lda, T* dx, std::size_t lddx) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    EdgeForEachColumnBlock<T>(k, [&](std::size_t p0, std::size_t last, auto nv_c, auto partial_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr bool kPartial = decltype(partial_c)::value;
      EdgeScaledRows<T, kNV, kPartial>(
          m, g, w + p0, last, [&](std::size_t i, int v, Vec<T> gi, Vec<T> wv) {
            const Vec<T> deriv = ActivationDerivativeVec<kAct, T>(
                EdgeLoadRowVec<T, kNV, kPartial>(a + i * lda + p0, v, last));
            EdgeStoreRowVec<T, kNV, kPartial>(dx + i * lddx + p0, v, last, gi * wv * deriv);
          });
    });
  });
}

// Vectors of columns per pass over the batch in EdgeColumnSums: 2·kEdgeNV accumulators, kEdgeNV
// row vectors and two broadcasts must fit the register file. On AVX-512 the MLP's 100 columns
// (7 vectors) then take one pass, not a lone last vector's latency-bound FMA chain over the whole
// batch (measured: docs/performance.md, "Kernel constants").
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
inline constexpr int kEdgeNV = 7;
#elif SIMD_MLP_TARGET_NEON
// 10 accumulators, 5 row vectors and 2 broadcasts of 32 registers: the MLP's 25 column vectors in
// five passes of 5, each with 10 independent FMA chains, enough for two FMA pipes of 4-cycle
// latency. By register count, untimed (docs/kernels.md, "aarch64").
inline constexpr int kEdgeNV = 5;
#else
inline constexpr int kEdgeNV = 4;
#endif

// weighted[j] = Σ_i s[i]·M[i, j] and, if kPlain, plain[j] = Σ_i M[i, j], for one block of kNV
// vectors of columns: the batch reductions of both edge layers' weight gradients (OuterGradW:
// s = x, M = G; GemvGradW: s = g, M = A). Two accumulators per vector keep enough independent
// chains in flight: the weighted and the plain sum (kPlain), or the weighted sums of even and odd
// rows.
// v, forced into a register: g++ otherwise folds one load of a row vector into both the FMA and
// the add that use it, as two memory operands, and loads it twice (on AVX-512, 14 loads per row
// of G where 7 suffice).
template <typename T>
SIMD_MLP_INLINE Vec<T> InRegister(Vec<T> v) {
#if SIMD_MLP_TARGET_NEON
  return v;  // AArch64 arithmetic takes no memory operands: there is no load to fold
#else
  typename Vec<T>::register_type r = v;
  asm("" : "+v"(r));
  return r;
#endif
}

template <typename T, int kNV, bool kPartial, bool kPlain>
SIMD_MLP_INLINE void EdgeColumnSumsBlock(std::size_t m, const T* s, const T* mat, std::size_t ldm,
                                         std::size_t last, T* weighted, T* plain) {
  Vec<T> acc0[kNV], acc1[kNV];
#pragma GCC unroll 8
  for (int v = 0; v < kNV; ++v) acc0[v] = acc1[v] = Vec<T>(T(0));
  std::size_t i = 0;
  if constexpr (!kPlain) {
    for (; i + 2 <= m; i += 2) {
      const Vec<T> s0(s[i]), s1(s[i + 1]);
      const T* row0 = mat + i * ldm;
      const T* row1 = row0 + ldm;
#pragma GCC unroll 8
      for (int v = 0; v < kNV; ++v) {
        acc0[v] = Fma(s0, EdgeLoadRowVec<T, kNV, kPartial>(row0, v, last), acc0[v]);
        acc1[v] = Fma(s1, EdgeLoadRowVec<T, kNV, kPartial>(row1, v, last), acc1[v]);
      }
    }
  }
  for (; i < m; ++i) {
    const Vec<T> si(s[i]);
#pragma GCC unroll 8
    for (int v = 0; v < kNV; ++v) {
      const Vec<T> row = InRegister<T>(EdgeLoadRowVec<T, kNV, kPartial>(mat + i * ldm, v, last));
      acc0[v] = Fma(si, row, acc0[v]);
      if constexpr (kPlain) acc1[v] += row;
    }
  }
#pragma GCC unroll 8
  for (int v = 0; v < kNV; ++v) {
    if constexpr (kPlain) {
      EdgeStoreRowVec<T, kNV, kPartial>(weighted, v, last, acc0[v]);
      EdgeStoreRowVec<T, kNV, kPartial>(plain, v, last, acc1[v]);
    } else {
      EdgeStoreRowVec<T, kNV, kPartial>(weighted, v, last, acc0[v] + acc1[v]);
    }
  }
}

template <typename T, bool kPlain>
void EdgeColumnSums(std::size_t m, std::size_t n, const T* s, const T* mat, std::size_t ldm,
                    T* weighted, T* plain) {
  const std::size_t nvec = (n + kLanes<T> - 1) / kLanes<T>;
  for (std::size_t v0 = 0; v0 < nvec; v0 += kEdgeNV) {
    const int nv = static_cast<int>(nvec - v0 < std::size_t(kEdgeNV) ? nvec - v0 : kEdgeNV);
    const std::size_t j0 = v0 * kLanes<T>;
    const std::size_t last_start = j0 + std::size_t(nv - 1) * kLanes<T>;
    const std::size_t last = n - last_start < kLanes<T> ? n - last_start : kLanes<T>;
    T* const plain_j0 = kPlain ? plain + j0 : nullptr;
    DispatchInt<1, kEdgeNV>(nv, [&](auto nv_c) {
      constexpr int kNV = decltype(nv_c)::value;
      if (last < kLanes<T>) {
        EdgeColumnSumsBlock<T, kNV, true, kPlain>(m, s, mat + j0, ldm, last, weighted + j0,
                                                  plain_j0);
      } else {
        EdgeColumnSumsBlock<T, kNV, false, kPlain>(m, s, mat + j0, ldm, last, weighted + j0,
                                                   plain_j0);
      }
    });
  }
}

template <typename T>
void OuterGradW(std::size_t m, std::size_t n, const T* x, const T* g, std::size_t ldg, T* dw,
                T* db) {
  EdgeColumnSums<T, true>(m, n, x, g, ldg, dw, db);
}

template <typename T>
void GemvGradW(std::size_t m, std::size_t k, const T* a, std::size_t lda, const T* g, T* dw,
               T* db) {
  EdgeColumnSums<T, false>(m, k, g, a, lda, dw, nullptr);
  *db = GemvSum(m, g);
}

template <typename T>
void GemvBiasAct(Activation act, std::size_t m, std::size_t k, const T* a, std::size_t lda,
                 const T* w, T bias, T* y) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    // kLanes rows at a time, so the bias and the activation run on whole vectors.
    for (std::size_t i0 = 0; i0 < m; i0 += kLanes<T>) {
      const std::size_t rows = m - i0 < kLanes<T> ? m - i0 : kLanes<T>;
      const Vec<T> z = GemvDotsVector(rows, k, a + i0 * lda, lda, w) + Vec<T>(bias);
      StorePartial(y + i0, rows, ActivateVec<kAct, T>(z));
    }
  });
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_DENSE_EDGE_INL_H_
