// Optimized edge layers (a fragment of kernels/target-inl.h; see dense_edge.h for the contract).
// They reuse the GEMM's column blocking (gemm-inl.h): a block of up to kGemmNV vectors of columns
// keeps its weights (and bias) in registers while the rows stream past.
#ifndef SIMD_MLP_TARGET
#error "included by kernels/target-inl.h only"
#endif

// For each row i and each column block: out[i, ·] = epilogue(row_scalar[i] · w[·]) — the shape of
// both the first layer's forward (x[i]·w + b, then act) and the last layer's input gradient
// (g[i]·w ⊙ act'(A[i, ·])).
template <typename T, int NV, bool kPartial, typename Epilogue>
SIMD_MLP_INLINE void EdgeScaledRows(std::size_t m, const T* row_scalar, const T* w,
                                    std::size_t last_lanes, Epilogue&& epilogue) {
  Vec<T> wv[NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) wv[v] = GemmLoadRowVec<T, NV, kPartial>(w, v, last_lanes);
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
    GemmForEachColumnBlock<T>(n, [&](std::size_t j0, std::size_t last, auto nv_c, auto partial_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr bool kPartial = decltype(partial_c)::value;
      Vec<T> bv[kNV];
#pragma GCC unroll 8
      for (int v = 0; v < kNV; ++v) bv[v] = GemmLoadRowVec<T, kNV, kPartial>(bias + j0, v, last);
      EdgeScaledRows<T, kNV, kPartial>(
          m, x, w + j0, last, [&](std::size_t i, int v, Vec<T> xi, Vec<T> wv) {
            GemmStoreRowVec<T, kNV, kPartial>(c + i * ldc + j0, v, last,
                                              ActivateVec<kAct, T>(xsimd::fma(xi, wv, bv[v])));
          });
    });
  });
}

template <typename T>
void GemvGradXAct(Activation act, std::size_t m, std::size_t k, const T* g, const T* w, const T* a,
                  std::size_t lda, T* dx, std::size_t lddx) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    GemmForEachColumnBlock<T>(k, [&](std::size_t p0, std::size_t last, auto nv_c, auto partial_c) {
      constexpr int kNV = decltype(nv_c)::value;
      constexpr bool kPartial = decltype(partial_c)::value;
      EdgeScaledRows<T, kNV, kPartial>(
          m, g, w + p0, last, [&](std::size_t i, int v, Vec<T> gi, Vec<T> wv) {
            const Vec<T> deriv = ActivationDerivativeVec<kAct, T>(
                GemmLoadRowVec<T, kNV, kPartial>(a + i * lda + p0, v, last));
            GemmStoreRowVec<T, kNV, kPartial>(dx + i * lddx + p0, v, last, gi * wv * deriv);
          });
    });
  });
}

// weighted[j] = Σ_i s[i]·M[i, j] and, if plain is not null, plain[j] = Σ_i M[i, j]: the batch
// reductions of both edge layers' weight gradients (OuterGradW: s = x, M = G; GemvGradW: s = g,
// M = A). The rows are summed in order, one accumulator chain per vector of columns.
template <typename T>
void EdgeColumnSums(std::size_t m, std::size_t n, const T* s, const T* mat, std::size_t ldm,
                    T* weighted, T* plain) {
  GemmForEachColumnBlock<T>(n, [&](std::size_t j0, std::size_t last, auto nv_c, auto partial_c) {
    constexpr int kNV = decltype(nv_c)::value;
    constexpr bool kPartial = decltype(partial_c)::value;
    Vec<T> sum_weighted[kNV], sum_plain[kNV];
#pragma GCC unroll 8
    for (int v = 0; v < kNV; ++v) sum_weighted[v] = sum_plain[v] = Vec<T>(T(0));
    for (std::size_t i = 0; i < m; ++i) {
      const Vec<T> si(s[i]);
#pragma GCC unroll 8
      for (int v = 0; v < kNV; ++v) {
        const Vec<T> row = GemmLoadRowVec<T, kNV, kPartial>(mat + i * ldm + j0, v, last);
        sum_weighted[v] = xsimd::fma(si, row, sum_weighted[v]);
        if (plain != nullptr) sum_plain[v] += row;
      }
    }
#pragma GCC unroll 8
    for (int v = 0; v < kNV; ++v) {
      GemmStoreRowVec<T, kNV, kPartial>(weighted + j0, v, last, sum_weighted[v]);
      if (plain != nullptr) GemmStoreRowVec<T, kNV, kPartial>(plain + j0, v, last, sum_plain[v]);
    }
  });
}

template <typename T>
void OuterGradW(std::size_t m, std::size_t n, const T* x, const T* g, std::size_t ldg, T* dw,
                T* db) {
  EdgeColumnSums(m, n, x, g, ldg, dw, db);
}

template <typename T>
void GemvGradW(std::size_t m, std::size_t k, const T* a, std::size_t lda, const T* g, T* dw,
               T* db) {
  EdgeColumnSums<T>(m, k, g, a, lda, dw, nullptr);
  // db = Σ g: kLanes partial sums, then one horizontal add.
  Vec<T> sum(T(0));
  std::size_t i = 0;
  for (; i + kLanes<T> <= m; i += kLanes<T>) sum += Vec<T>::load_unaligned(g + i);
  if (i < m) sum += LoadPartial(g + i, m - i);
  *db = xsimd::hadd(sum);
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
