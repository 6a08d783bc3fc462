// One hidden layer's backward pass at a small batch with the optimizer step fused (see
// dense_step.h for the contract). W is walked once, row by row: each row's vectors are loaded,
// give the m samples' partial dot products for dX (before the row is overwritten), meet the m
// deltas for that row's weight gradient, and go through the update while still in registers.
#ifndef SIMD_MLP_KERNELS_SIMD_DENSE_STEP_INL_H_
#define SIMD_MLP_KERNELS_SIMD_DENSE_STEP_INL_H_

#include <cassert>

#include "kernels/dense_step.h"
#include "kernels/simd/activation_vec-inl.h"
#include "kernels/simd/optimizer-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

inline constexpr std::size_t kDenseStepM = kDenseStepMaxBatch;

// Lane r of the result: the sum of the lanes of rows[r], for kLanes rows. xsimd 8.1.0's haddp
// puts AVX-512 float sums in the wrong lanes (tests/kernels/dense_step_test.cc caught it), so
// there each row is folded to 256 bits and eight are reduced at a time with AVX's horizontal adds.
template <typename T>
SIMD_MLP_INLINE Vec<T> SumEachRow(const Vec<T>* rows) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>) {
    __m256 half[16];
    for (int r = 0; r < 16; ++r) {
      const __m512 v = rows[r];
      half[r] = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    }
    auto eight = [&half](int r) {  // [rows r … r + 3 | rows r + 4 … r + 7], per 128-bit lane
      const __m256 u0 = _mm256_hadd_ps(_mm256_hadd_ps(half[r], half[r + 1]),
                                       _mm256_hadd_ps(half[r + 2], half[r + 3]));
      const __m256 u1 = _mm256_hadd_ps(_mm256_hadd_ps(half[r + 4], half[r + 5]),
                                       _mm256_hadd_ps(half[r + 6], half[r + 7]));
      return _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20),
                           _mm256_permute2f128_ps(u0, u1, 0x31));
    };
    return _mm512_insertf32x8(_mm512_castps256_ps512(eight(0)), eight(8), 1);
  }
#endif
  return xsimd::haddp(rows);
}

// dX[i, p0 + r] = (the lanes of parts[i][r], summed) · act'(A[i, p0 + r]) for the `rows` rows of
// W that one group holds (a vector's worth): SumEachRow reduces a vector of rows at once, several
// times cheaper than a horizontal sum per row and sample.
template <typename T>
void DenseStepInputDeltas(Activation act, std::size_t m, std::size_t rows,
                          Vec<T> (*parts)[kLanes<T>], const T* a, std::size_t lda, T* dx,
                          std::size_t lddx) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t r = rows; r < kLanes<T>; ++r) parts[i][r] = Vec<T>(T(0));
      const Vec<T> sums = SumEachRow<T>(parts[i]);
      const Vec<T> deriv = ActivationDerivativeVec<kAct, T>(LoadN(a + i * lda, rows));
      StoreN(dx + i * lddx, rows, sums * deriv);
    }
  });
}

// The rows of W, a vector's worth of rows per group (for DenseStepInputDeltas). The samples'
// broadcasts and partial sums are arrays of kMaxM under fully unrolled loops guarded by i < m, so
// they stay in registers whatever m ≤ kMaxM is; kMaxM = 1 (the trainer's one-pass batch) compiles
// to a loop with no guards at all.
template <typename T, bool kInputDeltas, std::size_t kMaxM, typename Update>
void DenseStepRows(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                   std::size_t lda, const T* g, std::size_t ldg, T* dx, std::size_t lddx,
                   const T* w, std::size_t ldw, const Update& caller_update) {
  // A copy the compiler keeps in registers: through the reference, each store to W or its state
  // might change the update's constants, which it then reloads for every vector.
  const Update update = caller_update;
  alignas(64) Vec<T> parts[kInputDeltas ? kMaxM : 1][kLanes<T>];
  for (std::size_t p0 = 0; p0 < k; p0 += kLanes<T>) {
    const std::size_t rows = k - p0 < kLanes<T> ? k - p0 : kLanes<T>;
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t p = p0 + r;
      Vec<T> ap[kMaxM], part[kMaxM];
#pragma GCC unroll 8
      for (std::size_t i = 0; i < kMaxM; ++i) {
        ap[i] = Vec<T>(i < m ? a[i * lda + p] : T(0));
        part[i] = Vec<T>(T(0));
      }
      const T* const row = w + p * ldw;
      ForEachVector<T>(
          n, [&](std::size_t j, std::size_t c) __attribute__((always_inline)) {
            const Vec<T> wv = LoadN(row + j, c);  // before update() overwrites it
            // Even and odd samples in two chains: one chain of m FMAs was latency-bound.
            Vec<T> dw[2] = {Vec<T>(T(0)), Vec<T>(T(0))};
#pragma GCC unroll 8
            for (std::size_t i = 0; i < kMaxM; ++i) {
              if (i < m) {
                const Vec<T> gv = LoadN(g + i * ldg + j, c);
                dw[i % 2] = Fma(ap[i], gv, dw[i % 2]);
                if constexpr (kInputDeltas) part[i] = Fma(wv, gv, part[i]);
              }
            }
            update(p * ldw + j, c, m > 1 ? dw[0] + dw[1] : dw[0]);
          });
      if constexpr (kInputDeltas) {
        // Unrolled and guarded like the loops above: indexing part[] with a run-time i would
        // keep it in memory, a store and a load in every FMA's chain (2.4× slower at B = 1).
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kMaxM; ++i) {
          if (i < m) parts[i][r] = part[i];
        }
      }
    }
    if constexpr (kInputDeltas) {
      DenseStepInputDeltas<T>(act, m, rows, parts, a + p0, lda, dx + p0, lddx);
    }
  }
}

// One output (the last layer, W a contiguous column): vectors along W's k rows, every product a
// lane's own, as in gemv_grad_x_act and gemv_grad_w.
template <typename T, typename Update>
void DenseStepColumn(Activation act, std::size_t m, std::size_t k, const T* a, std::size_t lda,
                     const T* g, std::size_t ldg, T* dx, std::size_t lddx, const T* w,
                     const Update& update) {
  DispatchActivation(act, [&](auto act_c) {
    constexpr Activation kAct = decltype(act_c)::value;
    ForEachVector<T>(
        k, [&](std::size_t p, std::size_t c) __attribute__((always_inline)) {
          const Vec<T> wv = LoadN(w + p, c);
          Vec<T> dw(T(0));
          for (std::size_t i = 0; i < m; ++i) {
            const Vec<T> av = LoadN(a + i * lda + p, c), gi(g[i * ldg]);
            dw = Fma(av, gi, dw);
            if (dx != nullptr) {
              // 0 + g·w, as the sum over n = 1 terms: +0, not −0, where g·w is −0.
              StoreN(dx + i * lddx + p, c,
                     Fma(gi, wv, Vec<T>(T(0))) * ActivationDerivativeVec<kAct, T>(av));
            }
          }
          update(p, c, dw);
        });
  });
}

template <typename T>
void DenseBackwardStep(Activation act, std::size_t m, std::size_t n, std::size_t k, const T* a,
                       std::size_t lda, const T* g, std::size_t ldg, T* dx, std::size_t lddx,
                       const OptimizerStep<T>& step, UpdateTarget<T> w, std::size_t ldw,
                       UpdateTarget<T> b) {
  assert(m >= 1 && m <= kDenseStepM);
  std::visit(
      [&](const auto& params) {
        const auto w_update = UpdateFor(params, w);
        if (n == 1 && ldw == 1) {
          DenseStepColumn<T>(act, m, k, a, lda, g, ldg, dx, lddx, w.params, w_update);
        } else if (dx == nullptr) {
          DenseStepRows<T, false, kDenseStepM>(act, m, n, k, a, lda, g, ldg, dx, lddx, w.params,
                                               ldw, w_update);
        } else if (m == 1) {
          DenseStepRows<T, true, 1>(act, m, n, k, a, lda, g, ldg, dx, lddx, w.params, ldw,
                                    w_update);
        } else {
          DenseStepRows<T, true, kDenseStepM>(act, m, n, k, a, lda, g, ldg, dx, lddx, w.params,
                                              ldw, w_update);
        }
        const auto b_update = UpdateFor(params, b);
        ForEachVector<T>(
            n, [&](std::size_t j, std::size_t c) __attribute__((always_inline)) {
              Vec<T> db = LoadN(g + j, c);
              for (std::size_t i = 1; i < m; ++i) db += LoadN(g + i * ldg + j, c);
              b_update(j, c, db);
            });
      },
      step);
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_DENSE_STEP_INL_H_
