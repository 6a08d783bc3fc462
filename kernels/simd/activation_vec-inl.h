// One vector's activation and derivative: the epilogues of the GEMMs and edge kernels, and the
// body of the activation kernels (activation.h states the accuracy).
#ifndef SIMD_MLP_KERNELS_SIMD_ACTIVATION_VEC_INL_H_
#define SIMD_MLP_KERNELS_SIMD_ACTIVATION_VEC_INL_H_

#include "kernels/simd/simd-inl.h"

namespace simd_mlp::kernels::SIMD_MLP_TARGET {

// magnitude with the sign bit of x (magnitude ≥ 0, or NaN): on AVX-512 one ternary-logic
// operation (truth table 0xF8: A | (B & C)), on NEON one bitwise select, instead of an and and an
// or.
SIMD_MLP_INLINE Vec<float> CopySignBit(Vec<float> magnitude, Vec<float> x) {
#if SIMD_MLP_TARGET_X86_LEVEL >= 3
  return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
      _mm512_castps_si512(magnitude), _mm512_castps_si512(x), _mm512_set1_epi32(INT32_MIN), 0xF8));
#elif SIMD_MLP_TARGET_NEON
  return vbslq_f32(vdupq_n_u32(0x80000000u), x, magnitude);  // one bitwise select, as above
#else
  return magnitude | (x & Vec<float>(-0.0f));
#endif
}

// Fast float tanh, for a = |x| (tanh is odd: the sign bit is put back at the end). Two forms,
// chosen per ISA by measurement (tests/kernels/activation_test.cc, SIMD_MLP_EXHAUSTIVE=1):
//
// With FMA (avx2, avx512, neon):
//   tanh(a) = E / (E + 2),  E = expm1(2a) = 2^k·expm1(r) + (2^k − 1),
//   k = round(2a / ln2),  r = 2a − k·ln2 (|r| ≤ ln2/2),  expm1(r) = r + r²·Q(r).
// One formula over the whole range: E is accurate RELATIVE to itself down to the denormals (for
// k = 0 it is r + r²·Q with r = 2a exact), so small a needs no separate series and no blend:
// 10 multiply-class operations against 18 for the two-piece form below, at 2 ULP instead of 1
// (the roundings of E, E + 2 and the quotient can line up: 0.06 % of inputs reach 2). Its speed,
// and that of the variants that did not help (a corrected quotient, a reciprocal estimate instead
// of the division), are in docs/performance.md, "Kernel constants".
//
// Without FMA (sse2), that form reaches 3 ULP (7 inputs, around 0.03: the extra roundings of
// the unfused multiply-adds tip the worst cases over), so SSE2 keeps the two-piece form, 1 ULP:
//   a < 0.625:  tanh(a) = a + a³·P(a²)            P: degree 5
//   otherwise:  tanh(a) = 1 − 2 / (exp(2a) + 1)   exp(y) = 2^k·X(r), y = k·ln2 + r, |r| ≤ ln2/2
// Both pieces are evaluated for every lane and blended (lanes of mixed size are the rule in a
// layer's pre-activations). Above 0.625, 1 − 2/(e + 1) ≥ 0.55, so the subtraction loses under a
// bit.
//
// Both clamp a to 9.1 first (tanh(x) rounds to 1 in float from 9.01), which keeps 2^k finite
// (k ≤ 26) and maps ±inf to ±1. Q (a minimax fit for the relative error of expm1: 1.5e-8, a
// quarter of float's unit roundoff), P and X are derived by tools/fit_tanh.py. Accuracy:
// kTanhMaxUlp (activation.h), asserted over float bit patterns by tests/kernels/activation_test.cc.
SIMD_MLP_INLINE Vec<float> TanhFloat(Vec<float> x) {
  using V = Vec<float>;
  // min(9.1, |x|) in this order: x86's min returns its second operand when one is NaN, so NaN
  // flows through to the result without a separate test (NEON's returns the NaN either way).
  // (AVX-512's range instruction would do both in one operation, but it returns the other
  // operand for a quiet NaN.)
  const V a = xsimd::min(V(9.1f), xsimd::abs(x));
  // Adding 1.5·2^23 + bias rounds y/ln2 (y = 2a) to an integer k and leaves it in the low mantissa
  // bits of t; with the exponent bias folded into the magic constant, those bits shifted into the
  // exponent field are 2^(k + bias − 127).
  //
  // With FMA the form is computed on h = r/2 = a − k·ln2/2, which saves the doubling a + a (one
  // operation of 19) and changes no bit: every operation sees its operands scaled by a power of
  // two from those of the r form, and an exact scaling commutes with rounding (a subnormal h, or
  // h² below FLT_MIN, occurs only where the h² term is far under half an ULP of the sum it
  // enters). So Q's coefficient of r^i is scaled by 2^(i+1) (2·Q as a polynomial in h),
  // expm1(r)/2 = h + h²·2Q, and the bias is 128: 2^(k+1). TanhFloatIsItsFormula
  // (tests/kernels/activation_test.cc) holds the kernel to the r form's bits.
#if SIMD_MLP_TARGET_FMA
  const V magic(12583040.0f);  // 1.5·2^23 + 128
#else
  const V magic(12583039.0f);  // 1.5·2^23 + 127
#endif
  const V t = Fma(a, V(2.88539008177792681f), magic);  // 2a/ln2 + magic
  const V k = t - magic;
#if SIMD_MLP_TARGET_NEON
  // xsimd 8.1.0's NEON bitwise_cast picks its reinterpretation from a table of function pointers,
  // which g++ leaves as two calls per vector.
  const V power = vreinterpretq_f32_s32(vshlq_n_s32(vreinterpretq_s32_f32(t), 23));
#else
  using VI = xsimd::batch<std::int32_t, Arch>;
  const V power = xsimd::bitwise_cast<V>(xsimd::bitwise_cast<VI>(t) << 23);
#endif
#if SIMD_MLP_TARGET_FMA
  const V twice_two_k = power;  // 2^(k+1)
  // h = (2a − k·ln2)/2 in one fused operation: float's ln2 is within 1.9e-9 of ln2, so for k ≤ 26 r
  // is off by at most 5e-8 beyond its rounding, which moves tanh by under 0.1 ULP (the error
  // matters relative to expm1(2a), not to r). For k = 0 (a < 0.17) h is a exactly.
  const V h = Fma(k, V(-0.693147182464599609375f / 2), a);
  V q = V(0.0013898225734010339f * 32);
  q = Fma(q, h, V(0.008366040885448456f * 16));
  q = Fma(q, h, V(0.04166685417294502f * 8));
  q = Fma(q, h, V(0.16666549444198608f * 4));
  q = Fma(q, h, V(0.5f * 2));
  const V half_p = Fma(h * h, q, h);  // expm1(r) / 2
  // 2^k − 1 is exact up to k = 24; above, tanh(a) is within 2^-50 of 1 and the lost 1 is noise.
  const V e = Fma(twice_two_k, half_p, Fma(twice_two_k, V(0.5f), V(-1.0f)));
  return CopySignBit(Div(e, e + V(2.0f)), x);
#else
  const V two_k = power;
  // Without a fused multiply-add, r in two steps (Cody–Waite): ln2's high part has trailing zero
  // bits, so k·hi is exact and the low part restores the precision.
  V r = Fma(k, V(-0.693145751953125f), a + a);
  r = Fma(k, V(-1.42860682030941723212e-6f), r);
  const V u = a * a;
  V p = V(0.002292744815349579f);
  p = Fma(p, u, V(-0.008343945257365704f));
  p = Fma(p, u, V(0.02176891826093197f));
  p = Fma(p, u, V(-0.053959257900714874f));
  p = Fma(p, u, V(0.13333304226398468f));
  p = Fma(p, u, V(-0.3333333432674408f));
  const V small = Fma(a * u, p, a);
  V e = V(0.0013941108481958508f);
  e = Fma(e, r, V(0.00837512593716383f));
  e = Fma(e, r, V(0.04166635125875473f));
  e = Fma(e, r, V(0.16666415333747864f));
  e = Fma(e, r, V(0.5f));
  e = Fma(e, r, V(1.0f));
  e = Fma(e, r, V(1.0f));
  const V large = V(1.0f) - Div(V(2.0f), e * two_k + V(1.0f));
  return CopySignBit(xsimd::select(a < V(0.625f), small, large), x);
#endif
}

// act(z) on one vector; kAct is a template parameter so that fused epilogues (the GEMMs,
// dense_edge-inl.h) compile to straight-line code with no per-vector switch.
template <Activation kAct, typename T>
SIMD_MLP_INLINE Vec<T> ActivateVec(Vec<T> z) {
  if constexpr (kAct == Activation::kTanh) {
    if constexpr (std::is_same_v<T, float>) {
      return TanhFloat(z);
    } else {
      return xsimd::tanh(z);  // double serves gradient checks: accuracy over speed
    }
  } else if constexpr (kAct == Activation::kRelu) {
    return xsimd::max(z, Vec<T>(T(0)));
  } else {
    return z;
  }
}

// act'(z) from the output y = act(z) (activation.h).
template <Activation kAct, typename T>
SIMD_MLP_INLINE Vec<T> ActivationDerivativeVec(Vec<T> y) {
  if constexpr (kAct == Activation::kTanh) {
    return Fnma(y, y, Vec<T>(T(1)));  // 1 − y²
  } else if constexpr (kAct == Activation::kRelu) {
    return xsimd::select(y > Vec<T>(T(0)), Vec<T>(T(1)), Vec<T>(T(0)));
  } else {
    return Vec<T>(T(1));
  }
}

// Calls f.template operator()<kAct>() with the run-time activation turned into a compile-time one.
template <typename F>
SIMD_MLP_INLINE void DispatchActivation(Activation act, F&& f) {
  switch (act) {
    case Activation::kIdentity:
      f(std::integral_constant<Activation, Activation::kIdentity>{});
      return;
    case Activation::kTanh:
      f(std::integral_constant<Activation, Activation::kTanh>{});
      return;
    case Activation::kRelu:
      f(std::integral_constant<Activation, Activation::kRelu>{});
      return;
  }
}

}  // namespace simd_mlp::kernels::SIMD_MLP_TARGET

#endif  // SIMD_MLP_KERNELS_SIMD_ACTIVATION_VEC_INL_H_
