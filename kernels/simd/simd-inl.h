// The base of every per-ISA body (kernels/simd/*-inl.h): the ISA's vector type and the helpers
// every kernel uses.
//
// The bodies are compiled only into the per-ISA units (kernels/simd/<family>.cc), each compiled
// once per ISA and element type with that ISA's flags and -DSIMD_MLP_TARGET=<isa> (target.h),
// -DSIMD_MLP_ELEMENT=<float|double>. Everything a body defines lives in namespace
// simd_mlp::kernels::<isa>, as in google/highway: every helper gets a per-ISA name, so no function
// compiled with AVX-512 flags can be merged by the linker into code that a lesser CPU runs.
// tests/kernels/isa_symbols_test.sh checks that no per-ISA object exports a symbol outside its
// namespace.
#ifndef SIMD_MLP_KERNELS_SIMD_SIMD_INL_H_
#define SIMD_MLP_KERNELS_SIMD_SIMD_INL_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "kernels/kernels.h"
#include "kernels/simd/export.h"
#include "kernels/simd/target.h"

#if SIMD_MLP_TARGET_X86_LEVEL >= 1
#include <immintrin.h>
#elif SIMD_MLP_TARGET_NEON
#include <arm_neon.h>
#endif

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

using Arch = SIMD_MLP_TARGET_ARCH;

// For micro-kernel pieces whose accumulators must stay in registers across the call boundary.
#define SIMD_MLP_INLINE inline __attribute__((always_inline))

template <typename T>
using Vec = xsimd::batch<T, Arch>;

template <typename T>
inline constexpr std::size_t kLanes = Vec<T>::size;

// Loads count ≤ kLanes<T> elements into the low lanes and zeros into the rest, reading nothing
// past p[count - 1]: how every kernel handles the tail of a row without assuming padding.
template <typename T>
SIMD_MLP_INLINE Vec<T> LoadPartial(const T* p, std::size_t count) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  const __mmask16 mask = static_cast<__mmask16>((1u << count) - 1u);
  if constexpr (std::is_same_v<T, float>)
    return _mm512_maskz_loadu_ps(mask, p);
  else
    return _mm512_maskz_loadu_pd(static_cast<__mmask8>(mask), p);
#elif SIMD_MLP_TARGET_X86_LEVEL == 2
  // Lane i is loaded when the sign bit of index i is set, i.e. when i < count.
  if constexpr (std::is_same_v<T, float>) {
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_maskload_ps(p, mask);
  } else {
    const __m256i mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(count)),
                                            _mm256_setr_epi64x(0, 1, 2, 3));
    return _mm256_maskload_pd(p, mask);
  }
#elif SIMD_MLP_TARGET_NEON
  // No masked loads: a pair and a lane loaded into a zeroed register, as count needs.
  if constexpr (std::is_same_v<T, float>) {
    const float32x2_t zero = vdup_n_f32(0.0f);
    switch (count) {
      case 0:
        return vdupq_n_f32(0.0f);
      case 1:
        return vcombine_f32(vld1_lane_f32(p, zero, 0), zero);
      case 2:
        return vcombine_f32(vld1_f32(p), zero);
      case 3:
        return vcombine_f32(vld1_f32(p), vld1_lane_f32(p + 2, zero, 0));
      default:
        return vld1q_f32(p);
    }
  } else {
    if (count >= 2) return vld1q_f64(p);
    return count == 1 ? vld1q_lane_f64(p, vdupq_n_f64(0.0), 0) : vdupq_n_f64(0.0);
  }
#else
  alignas(64) T lanes[kLanes<T>] = {};
  for (std::size_t i = 0; i < count; ++i) lanes[i] = p[i];
  return Vec<T>::load_aligned(lanes);
#endif
}

// Stores the low `count` lanes of v to p[0 .. count), writing nothing else.
template <typename T>
SIMD_MLP_INLINE void StorePartial(T* p, std::size_t count, Vec<T> v) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  const __mmask16 mask = static_cast<__mmask16>((1u << count) - 1u);
  if constexpr (std::is_same_v<T, float>)
    _mm512_mask_storeu_ps(p, mask, v);
  else
    _mm512_mask_storeu_pd(p, static_cast<__mmask8>(mask), v);
#elif SIMD_MLP_TARGET_X86_LEVEL == 2
  if constexpr (std::is_same_v<T, float>) {
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(p, mask, v);
  } else {
    const __m256i mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(count)),
                                            _mm256_setr_epi64x(0, 1, 2, 3));
    _mm256_maskstore_pd(p, mask, v);
  }
#elif SIMD_MLP_TARGET_NEON
  if constexpr (std::is_same_v<T, float>) {
    const float32x4_t r = v;
    if (count >= 4) {
      vst1q_f32(p, r);
      return;
    }
    if (count >= 2) vst1_f32(p, vget_low_f32(r));
    if (count == 1) vst1q_lane_f32(p, r, 0);
    if (count == 3) vst1q_lane_f32(p + 2, r, 2);
  } else {
    const float64x2_t r = v;
    if (count >= 2) {
      vst1q_f64(p, r);
    } else if (count == 1) {
      vst1q_lane_f64(p, r, 0);
    }
  }
#else
  alignas(64) T lanes[kLanes<T>];
  v.store_aligned(lanes);
  for (std::size_t i = 0; i < count; ++i) p[i] = lanes[i];
#endif
}

// Runs step(i, count) over [0, n) a vector at a time; count < kLanes only for the tail, where the
// step must use LoadPartial / StorePartial. Mark the step always_inline: it has two call sites,
// and g++ 12 otherwise keeps it a function, called once per vector (reloading its captures and
// running vzeroupper on every call; measured: docs/performance.md).
template <typename T, typename Step>
SIMD_MLP_INLINE void ForEachVector(std::size_t n, Step&& step) {
  std::size_t i = 0;
  for (; i + kLanes<T> <= n; i += kLanes<T>) step(i, kLanes<T>);
  if (i < n) step(i, n - i);
}

// Runs step(i) over whole vectors, kUnroll at a time, then tail(i, count) on the rest. The cheap
// bodies (ReLU, identity, the gradients, y += x: two loads, a store and one or two operations per
// vector) are bound by loads, stores and loop overhead and gain from 4 vectors per iteration; the
// tanh body is bound by its multiplies and keeps one (docs/performance.md, "Kernel constants").
template <std::size_t kUnroll, typename T, typename Step, typename Tail>
SIMD_MLP_INLINE void ForEachVector(std::size_t n, Step&& step, Tail&& tail) {
  std::size_t i = 0;
  for (; i + kUnroll * kLanes<T> <= n; i += kUnroll * kLanes<T>) {
    for (std::size_t u = 0; u < kUnroll; ++u) step(i + u * kLanes<T>);
  }
  for (; i + kLanes<T> <= n; i += kLanes<T>) step(i);
  if (i < n) tail(i, n - i);
}

// Runs body(std::integral_constant<int, N>{}) for a run-time n ∈ [kMin, kMax]: turns a block's
// run-time width (rows or vectors) into a compile-time tile size. n outside the range runs nothing
// (callers never pass one).
template <int kMin, int kMax, typename F>
SIMD_MLP_INLINE void DispatchInt(int n, F&& body) {
  if constexpr (kMin <= kMax) {
    if (n == kMin) {
      body(std::integral_constant<int, kMin>{});
    } else {
      DispatchInt<kMin + 1, kMax>(n, body);
    }
  }
}

template <typename T>
SIMD_MLP_INLINE Vec<T> LoadN(const T* p, std::size_t count) {
  return count == kLanes<T> ? Vec<T>::load_unaligned(p) : LoadPartial(p, count);
}

template <typename T>
SIMD_MLP_INLINE void StoreN(T* p, std::size_t count, Vec<T> v) {
  if (count == kLanes<T>) {
    v.store_unaligned(p);
  } else {
    StorePartial(p, count, v);
  }
}

// update(i, count, x[i …]) over a rows × cols matrix with row stride ld (i = row·ld + column), a
// vector at a time: the optimizer updates' loop (optimizer-inl.h), over an array (one row) or a
// gradient just computed (gemm_step-inl.h). Contiguous rows (cols = ld) are one pass, so a column
// vector is not a row per element: count < kLanes only for the last vector of a pass, and a
// vector may span rows (update works lane by lane).
template <typename T, typename Update>
SIMD_MLP_INLINE void UpdateRows(std::size_t rows, std::size_t cols, const T* x, std::size_t ld,
                                const Update& update) {
  const std::size_t passes = cols == ld ? 1 : rows, length = cols == ld ? rows * cols : cols;
  for (std::size_t r = 0; r < passes; ++r) {
    const std::size_t row = r * ld;
    ForEachVector<T>(
        length, [&](std::size_t i, std::size_t c)
                    __attribute__((always_inline)) { update(row + i, c, LoadN(x + row + i, c)); });
  }
}

// x·y + z, x·y − z and −x·y + z, each rounded once where the ISA has fused multiply-adds (AVX2
// with FMA, AVX-512, NEON). xsimd 8.1 has no AVX-512 form of these: its generic x·y + z is fused
// only if the compiler contracts the expression (GCC's default, -ffp-contract=fast; not under
// -ffp-contract=off, which a project embedding the kernels may well use), and its −x·y + z first
// computes −x as 0 − x, an operation the compiler may not drop (signed zeros). So the AVX-512
// build calls the instructions, and every kernel uses these three. NEON too: xsimd's fnma is the
// generic −x·y + z there, fused only if the compiler contracts it (not under -ffp-contract=off).
template <typename T>
SIMD_MLP_INLINE Vec<T> Fma(Vec<T> x, Vec<T> y, Vec<T> z) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    return _mm512_fmadd_ps(x, y, z);
  else
    return _mm512_fmadd_pd(x, y, z);
#elif SIMD_MLP_TARGET_NEON
  if constexpr (std::is_same_v<T, float>)
    return vfmaq_f32(z, x, y);
  else
    return vfmaq_f64(z, x, y);
#else
  return xsimd::fma(x, y, z);
#endif
}

template <typename T>
SIMD_MLP_INLINE Vec<T> Fms(Vec<T> x, Vec<T> y, Vec<T> z) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    return _mm512_fmsub_ps(x, y, z);
  else
    return _mm512_fmsub_pd(x, y, z);
#elif SIMD_MLP_TARGET_NEON
  if constexpr (std::is_same_v<T, float>)
    return vfmaq_f32(vnegq_f32(z), x, y);
  else
    return vfmaq_f64(vnegq_f64(z), x, y);
#else
  return xsimd::fms(x, y, z);
#endif
}

template <typename T>
SIMD_MLP_INLINE Vec<T> Fnma(Vec<T> x, Vec<T> y, Vec<T> z) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    return _mm512_fnmadd_ps(x, y, z);
  else
    return _mm512_fnmadd_pd(x, y, z);
#elif SIMD_MLP_TARGET_NEON
  if constexpr (std::is_same_v<T, float>)
    return vfmsq_f32(z, x, y);
  else
    return vfmsq_f64(z, x, y);
#else
  return xsimd::fnma(x, y, z);
#endif
}

// x / y and √x, correctly rounded as IEEE requires (and every x86 ISA does). On NEON, xsimd
// 8.1.0's float division and square root are reciprocal estimates refined by Newton steps (ARMv7
// had no vector divide), an ULP or more off, and its square root of +inf is NaN; AArch64 has both
// instructions, so these call them. Every kernel divides and takes roots through these two.
template <typename T>
SIMD_MLP_INLINE Vec<T> Div(Vec<T> x, Vec<T> y) {
#if SIMD_MLP_TARGET_NEON
  if constexpr (std::is_same_v<T, float>) return vdivq_f32(x, y);
#endif
  return x / y;
}

template <typename T>
SIMD_MLP_INLINE Vec<T> Sqrt(Vec<T> x) {
#if SIMD_MLP_TARGET_NEON
  if constexpr (std::is_same_v<T, float>) return vsqrtq_f32(x);
#endif
  return xsimd::sqrt(x);
}

// 2/√x for float, to within 2 ULP: AVX-512's 14-bit estimate r refined by one Newton step, which
// is ½·r·(3 − x·r²) (the error squares: 2^-28 before the final rounding), is several times
// cheaper than a square root and a divide, which bound the RMSprop update's throughput. The ½ is
// left to the caller, who folds it into a constant (an exact scaling): one operation fewer. The
// 12-bit estimates of SSE and AVX would need two steps and gain little, NEON's 8-bit one three:
// there, divide.
SIMD_MLP_INLINE Vec<float> TwiceReciprocalSqrt(Vec<float> x) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  const Vec<float> r = _mm512_rsqrt14_ps(x);
  return r * Fnma(x, r * r, Vec<float>(3.0f));  // r·(3 − x·r²)
#else
  return Div(Vec<float>(2.0f), Sqrt(x));
#endif
}

SIMD_MLP_INLINE Vec<double> TwiceReciprocalSqrt(Vec<double> x) {
  return Div(Vec<double>(2.0), Sqrt(x));
}

// Kernels that SIMD_MLP_EXPORT has exported from this unit.
template <KernelId id>
struct Exported : std::false_type {};

template <std::size_t... kIds>
constexpr bool ExportsFamily(std::string_view family, std::index_sequence<kIds...>) {
  return ((Kernel(KernelId(kIds)).family != family || Exported<KernelId(kIds)>::value) && ...);
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

// In a family's unit (kernels/simd/<family>.cc), after its body: SIMD_MLP_EXPORT(Function) for
// each of the family's kernels, then SIMD_MLP_EXPORTED_FAMILY(family), which fails to compile
// unless every kernel that kernel_list.inc puts in the family was exported. Each export is the
// address of Function<T> for the unit's element type (export.h).
#define SIMD_MLP_EXPORT(function)                             \
  namespace simd_mlp::kernels::SIMD_MLP_TARGET {              \
  template <>                                                 \
  KernelPointer<KernelId::k##function, SIMD_MLP_ELEMENT>      \
  Export<KernelId::k##function, SIMD_MLP_ELEMENT>() {         \
    return &function<SIMD_MLP_ELEMENT>;                       \
  }                                                           \
  template <>                                                 \
  struct Exported<KernelId::k##function> : std::true_type {}; \
  }
#define SIMD_MLP_EXPORTED_FAMILY(family)                                                         \
  static_assert(::simd_mlp::kernels::SIMD_MLP_TARGET::ExportsFamily(                             \
                    #family, std::make_index_sequence<::simd_mlp::kernels::kKernelCount>{}),     \
                "kernel_list.inc puts a kernel in family " #family " that kernels/simd/" #family \
                ".cc does not SIMD_MLP_EXPORT");

#endif  // SIMD_MLP_KERNELS_SIMD_SIMD_INL_H_
