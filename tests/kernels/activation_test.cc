// Activations (kernels/activation.h) on every ISA: against the reference over random lengths and
// values, the float tanh's accuracy over a sweep of float bit patterns, and its special values.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

using kernels::Activation;

// Distance in representable floats between a and b (same sign handled through the ordered
// integer image of the bit pattern).
std::int64_t UlpDistance(float a, float b) {
  auto ordered = [](float f) {
    std::int32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bits < 0 ? -static_cast<std::int64_t>(bits & 0x7fffffff) : std::int64_t(bits);
  };
  return std::llabs(ordered(a) - ordered(b));
}

// Tolerance of Activate against the reference (std::tanh in T). Float: the optimized tanh is within
// kTanhMaxUlp of the correctly rounded value and glibc's float std::tanh within 2 more (measured
// over every 7th float below 10: 2 ULP at most). Double: xsimd::tanh and std::tanh are each
// within ~1 ULP, so 2 ULP each side. One ULP of w is at most 2u·|w| (u = unit roundoff), so
// ulps·2u·|w| allows at least `ulps` ULP anywhere in w's binade.
template <typename T>
double ActivateTolerance(Activation act, double want) {
  if (act != Activation::kTanh) return 0;  // identity and ReLU are exact
  const int ulps = std::is_same_v<T, float> ? kernels::kTanhMaxUlp + 2 : 4;
  return ulps * 2 * kUnitRoundoff<T> * std::fabs(want) + std::numeric_limits<T>::denorm_min();
}

template <typename T>
void CheckActivate(const Case& c, Activation act, bool in_place) {
  const std::size_t n = DrawDim(2000);
  const auto seed = DrawSeed();
  Matrix<T> x(1, n, n), want(1, n, n), got(1, n, n);
  FillRandom(x, seed, T(-12), T(12));  // past both ends of tanh's bend
  kernels::KernelsFor<T>(Isa::kRef).activate(act, n, x.ptr(), want.ptr());
  if (in_place) {
    got = x;
    kernels::KernelsFor<T>(c.isa).activate(act, n, got.ptr(), got.ptr());
  } else {
    kernels::KernelsFor<T>(c.isa).activate(act, n, x.ptr(), got.ptr());
  }
  RcExpectNear(
      want, got,
      [&](std::size_t, std::size_t j) { return ActivateTolerance<T>(act, want.at(0, j)); },
      Describe(c, std::string(kernels::ActivationName(act)) + " n=" + std::to_string(n) +
                      (in_place ? " in place" : "")));
}

template <typename T>
void CheckActivationGrad(const Case& c, Activation act, bool in_place) {
  const std::size_t n = DrawDim(2000);
  const auto seed = DrawSeed();
  Matrix<T> y(1, n, n), g(1, n, n), want(1, n, n), got(1, n, n);
  FillRandom(y, seed);  // outputs of tanh lie in (−1, 1); ReLU outputs sign-test the same way
  FillRandom(g, seed + 1, T(-3), T(3));
  kernels::KernelsFor<T>(Isa::kRef).activation_grad(act, n, y.ptr(), g.ptr(), want.ptr());
  if (in_place) {
    got = g;
    kernels::KernelsFor<T>(c.isa).activation_grad(act, n, y.ptr(), got.ptr(), got.ptr());
  } else {
    kernels::KernelsFor<T>(c.isa).activation_grad(act, n, y.ptr(), g.ptr(), got.ptr());
  }
  // g·(1 − y²): the reference rounds y², 1 − y² and the product; the kernel fuses 1 − y·y. Both
  // are within 3 roundings of |g|·(1 + y²) of the exact value.
  RcExpectNear(
      want, got,
      [&](std::size_t, std::size_t j) {
        const double yj = y.at(0, j);
        return 6 * kUnitRoundoff<T> * std::fabs(double(g.at(0, j))) * (1 + yj * yj) +
               std::numeric_limits<T>::denorm_min();
      },
      Describe(c, std::string(kernels::ActivationName(act)) + " n=" + std::to_string(n) +
                      (in_place ? " in place" : "")));
}

// The correctly rounded float tanh(x), as the candidates it may be. glibc's tanh is within "a few
// ULP" of double (its documented goal; it is not correctly rounded), so double tanh rounded to
// float is the correctly rounded float unless the true value lies within a few double ULP of a
// midpoint between two floats (guard: 16 ε·|t|): 9 inputs among all 1.09e9 positive floats
// below 10. Those are recomputed with the x87 long double tanh (11 more bits); if even that
// cannot tell the side (not met so far), both neighbours are candidates and the sweep charges
// the worse of the two distances, so an ambiguity can only make the test stricter.
struct RoundedTanh {
  float value;
  float other;  // == value unless the rounding direction is ambiguous
  bool recomputed;
};

template <typename W>
bool NearMidpoint(W t, float rounded) {
  const float neighbour = std::nextafter(rounded, t > W(rounded) ? 2.0f : -2.0f);
  const W midpoint = (W(rounded) + W(neighbour)) / 2;  // exact in double and long double
  const W guard = 16 * std::numeric_limits<W>::epsilon() * std::fabs(t);
  return std::fabs(t - midpoint) <= guard;
}

RoundedTanh CorrectlyRoundedTanh(float x) {
  const double t = std::tanh(static_cast<double>(x));
  const float f = static_cast<float>(t);
  if (!NearMidpoint(t, f)) return {f, f, false};
  const long double tl = std::tanh(static_cast<long double>(x));
  const float fl = static_cast<float>(tl);
  if (!NearMidpoint(tl, fl)) return {fl, fl, true};
  return {fl, std::nextafter(fl, tl > fl ? 2.0f : -2.0f), true};
}

// The float tanh's sweeps: positive float bit patterns from 0 up to 10.0 (0x41200000; the kernel
// clamps at 9.1 and tanh rounds to 1 from 9.01, so the top of the range checks the exact 1s),
// every 31st (a prime stride, so every binade, denormals included, and every residue of the low
// mantissa bits is visited), or every one with SIMD_MLP_EXHAUSTIVE=1. check(x, y, n) gets them in
// chunks, with the kernel's tanh of each; it returns false to stop. Returns the stride.
template <typename Check>
std::uint32_t SweepTanhFloat(const kernels::KernelTable<float>& k, Check&& check) {
  const char* exhaustive_env = std::getenv("SIMD_MLP_EXHAUSTIVE");
  const bool exhaustive = exhaustive_env != nullptr && std::string(exhaustive_env) == "1";
  const std::uint32_t stride = exhaustive ? 1 : 31;
  const std::uint32_t end_bits = 0x41200000;  // 10.0f
  constexpr std::size_t kChunk = 1 << 16;
  std::vector<float> x(kChunk), y(kChunk);
  for (std::uint64_t bits = 0; bits < end_bits;) {
    std::size_t n = 0;
    for (; n < kChunk && bits < end_bits; ++n, bits += stride) {
      const std::uint32_t b = static_cast<std::uint32_t>(bits);
      std::memcpy(&x[n], &b, sizeof b);
    }
    k.activate(Activation::kTanh, n, x.data(), y.data());
    if (!check(x.data(), y.data(), n)) break;
  }
  return stride;
}

// The documented accuracy, asserted: float tanh over SweepTanhFloat's patterns against the
// correctly rounded tanh: 35 million values per ISA, about a second; every pattern (1.09e9)
// with SIMD_MLP_EXHAUSTIVE=1, about 40 s per ISA. tanh is odd, and the kernel computes it on |x|
// and restores the sign bit, so negative inputs are the same bits with the sign set:
// TanhFloatIsOdd.
void TanhFloatAccuracySweep(const Case& c) {
  std::int64_t worst = 0;
  float worst_x = 0, worst_got = 0, worst_want = 0;
  std::uint64_t count = 0, recomputed = 0, ambiguous = 0, at_worst = 0;
  const std::uint32_t stride = SweepTanhFloat(
      kernels::KernelsFor<float>(c.isa), [&](const float* x, const float* y, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
          const RoundedTanh want = CorrectlyRoundedTanh(x[i]);
          recomputed += want.recomputed;
          ambiguous += want.other != want.value;
          const std::int64_t ulps =
              std::max(UlpDistance(want.value, y[i]), UlpDistance(want.other, y[i]));
          if (ulps > worst) {
            worst = ulps;
            worst_x = x[i];
            worst_got = y[i];
            worst_want = want.value;
            at_worst = 0;
          }
          at_worst += ulps == worst;
        }
        count += n;
        return true;
      });
  std::printf(
      "%s: %llu inputs (stride %u), max error %lld ULP (%llu inputs), first at "
      "x = %.9g (got %.9g, want %.9g); %llu references recomputed in long double, %llu "
      "ambiguous\n",
      c.name.c_str(), static_cast<unsigned long long>(count), stride, static_cast<long long>(worst),
      static_cast<unsigned long long>(at_worst), worst_x, worst_got, worst_want,
      static_cast<unsigned long long>(recomputed), static_cast<unsigned long long>(ambiguous));
  EXPECT_LE(worst, kernels::kTanhMaxUlp)
      << c.name << ": at x = " << worst_x << ": got " << worst_got << ", want " << worst_want;
}

// The FMA ISAs' float tanh (kernels/activation-inl.h) is, bit for bit, its documented formula
// for a = min(9.1, |x|), evaluated in scalar float with each multiply-add fused (std::fma: one
// rounding, as the instructions): r = 2a − k·ln2, E = 2^k·expm1(r) + (2^k − 1), tanh = E/(E + 2).
// The kernel evaluates it on r/2, an exact rescaling; this pins that no bit moved. Over the
// patterns of SweepTanhFloat.
float TanhFormula(float x) {
  const float a = std::fmin(9.1f, std::fabs(x));
  const float magic = 12583039.0f;  // 1.5·2^23 + 127
  const float t = std::fma(a, 2.88539008177792681f, magic);
  const float k = t - magic;
  std::uint32_t bits;
  std::memcpy(&bits, &t, sizeof bits);
  bits <<= 23;
  float two_k;
  std::memcpy(&two_k, &bits, sizeof two_k);
  const float r = std::fma(k, -0.693147182464599609375f, a + a);
  float q = 0.0013898225734010339f;
  q = std::fma(q, r, 0.008366040885448456f);
  q = std::fma(q, r, 0.04166685417294502f);
  q = std::fma(q, r, 0.16666549444198608f);
  q = std::fma(q, r, 0.5f);
  const float r2 = r * r;
  const float p = std::fma(r2, q, r);
  const float e = std::fma(two_k, p, two_k - 1.0f);
  const float d = e + 2.0f;
  return std::copysign(e / d, x);
}

void TanhFloatIsItsFormula(const Case& c) {
  if (c.isa == Isa::kSse2) GTEST_SKIP() << "SSE2 evaluates the two-piece form";
  SweepTanhFloat(kernels::KernelsFor<float>(c.isa),
                 [&](const float* x, const float* y, std::size_t n) {
                   for (std::size_t i = 0; i < n; ++i) {
                     const float want = TanhFormula(x[i]);
                     if (std::memcmp(&y[i], &want, sizeof want) != 0) {
                       ADD_FAILURE() << c.name << ": at x = " << std::hexfloat << x[i] << ": got "
                                     << y[i] << ", the formula gives " << want;
                       return false;
                     }
                   }
                   return true;
                 });
}

void TanhFloatIsOdd(const Case& c) {
  const auto& k = kernels::KernelsFor<float>(c.isa);
  std::vector<float> x, neg;
  for (std::uint32_t bits = 0; bits < 0x41200000; bits += 7919) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    x.push_back(f);
    neg.push_back(-f);
  }
  std::vector<float> y(x.size()), y_neg(x.size());
  k.activate(Activation::kTanh, x.size(), x.data(), y.data());
  k.activate(Activation::kTanh, neg.size(), neg.data(), y_neg.data());
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(-y[i], y_neg[i]) << c.name << ": tanh(-x) != -tanh(x) at x = " << x[i];
  }
}

// tanh(x) = x exactly for |x| < 2^-25 (the true tanh(x) = x − x³/3 rounds to x up to about 2^-12;
// the kernel is exact where its own arithmetic is: expm1(2x) = 2x exactly once 2x² is below half
// an ULP of 2x, and 2x + 2 rounds to 2). Every 13th bit pattern, denormals included.
void TanhFloatIsIdentityWhenTiny(const Case& c) {
  const auto& k = kernels::KernelsFor<float>(c.isa);
  constexpr std::size_t kChunk = 1 << 16;
  std::vector<float> x(kChunk), y(kChunk);
  const std::uint32_t end_bits = 0x33000000;  // 2^-25
  for (std::uint64_t bits = 0; bits < end_bits;) {
    std::size_t n = 0;
    for (; n < kChunk && bits < end_bits; ++n, bits += 13) {
      const std::uint32_t b = static_cast<std::uint32_t>(bits);
      std::memcpy(&x[n], &b, sizeof b);
    }
    k.activate(Activation::kTanh, n, x.data(), y.data());
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(y[i], x[i]) << c.name << ": tanh(x) != x at x = " << x[i];
    }
  }
}

void TanhFloatSpecialValues(const Case& c) {
  using Limits = std::numeric_limits<float>;
  const float inf = Limits::infinity();
  const float nan = Limits::quiet_NaN();
  const float denorm = Limits::denorm_min();
  const float max_denorm = Limits::min() - denorm;  // 0x007fffff
  // Exactly ±1 where tanh rounds to 1 (from 9.01), at the clamp point 9.1, and far beyond.
  const float one_from = 9.02f;
  struct Case {
    float x, want;
  };
  const Case cases[] = {
      {0.0f, 0.0f},
      {-0.0f, -0.0f},  // sign kept: checked bitwise below
      {inf, 1.0f},
      {-inf, -1.0f},
      {one_from, 1.0f},
      {-one_from, -1.0f},
      {9.1f, 1.0f},
      {-9.1f, -1.0f},
      {1e30f, 1.0f},
      {-1e30f, -1.0f},
      {Limits::max(), 1.0f},
      {-Limits::max(), -1.0f},
      // tanh(x) = x, denormals included (TanhFloatIsIdentityWhenTiny sweeps the whole range).
      {denorm, denorm},
      {-denorm, -denorm},
      {max_denorm, max_denorm},
      {-max_denorm, -max_denorm},
      {Limits::min(), Limits::min()},
      {-Limits::min(), -Limits::min()},
      {1e-30f, 1e-30f},
      {-1e-30f, -1e-30f},
      {1e-8f, 1e-8f},
      {-1e-8f, -1e-8f},
  };
  constexpr std::size_t n = sizeof cases / sizeof cases[0];
  float in[n + 2], out[n + 2];
  for (std::size_t i = 0; i < n; ++i) in[i] = cases[i].x;
  in[n] = nan;
  in[n + 1] = -nan;
  kernels::KernelsFor<float>(c.isa).activate(Activation::kTanh, n + 2, in, out);
  const std::string where = " (" + c.name + ")";
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t got_bits, want_bits;
    std::memcpy(&got_bits, &out[i], sizeof got_bits);
    std::memcpy(&want_bits, &cases[i].want, sizeof want_bits);
    EXPECT_EQ(got_bits, want_bits) << "tanh(" << cases[i].x << ") = " << out[i] << ", want "
                                   << cases[i].want << " (bitwise)" << where;
  }
  EXPECT_TRUE(std::isnan(out[n])) << "tanh(NaN) = " << out[n] << where;
  EXPECT_TRUE(std::isnan(out[n + 1])) << "tanh(-NaN) = " << out[n + 1] << where;
}

// The special values through the double path.
void TanhDoubleSpecialValues(const Case& c) {
  const double din[] = {0.0, -0.0, std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity(),
                        std::numeric_limits<double>::quiet_NaN()};
  double dout[5];
  kernels::KernelsFor<double>(c.isa).activate(Activation::kTanh, 5, din, dout);
  EXPECT_TRUE(dout[0] == 0.0 && !std::signbit(dout[0])) << c.name;
  EXPECT_TRUE(dout[1] == 0.0 && std::signbit(dout[1])) << c.name;
  EXPECT_EQ(dout[2], 1.0) << c.name;
  EXPECT_EQ(dout[3], -1.0) << c.name;
  EXPECT_TRUE(std::isnan(dout[4])) << c.name;
}

// Against the reference on random lengths and values, for every activation, out of place and in
// place.
template <typename Check>
Property MatchesReference(Check check) {
  return {"matches_reference", [check](const Case& c) {
            for (Activation act : kernels::kAllActivations) {
              for (bool in_place : {false, true}) {
                CheckProperty(
                    c.name + " " + kernels::ActivationName(act) + (in_place ? " in place" : ""),
                    [&] { check(c, act, in_place); });
              }
            }
          }};
}

}  // namespace

template <>
struct KernelTest<KernelId::kActivate> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties = {MatchesReference(CheckActivate<T>)};
    if constexpr (std::is_same_v<T, float>) {
      properties.push_back({"tanh_accuracy_sweep", TanhFloatAccuracySweep});
      properties.push_back({"tanh_is_its_formula", TanhFloatIsItsFormula});
      properties.push_back({"tanh_is_odd", TanhFloatIsOdd});
      properties.push_back({"tanh_is_identity_when_tiny", TanhFloatIsIdentityWhenTiny});
      properties.push_back({"tanh_special_values", TanhFloatSpecialValues});
    } else {
      properties.push_back({"tanh_special_values", TanhDoubleSpecialValues});
    }
    return properties;
  }
};

template <>
struct KernelTest<KernelId::kActivationGrad> {
  template <typename T>
  static std::vector<Property> Properties() {
    return {MatchesReference(CheckActivationGrad<T>)};
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(activation);

}  // namespace simd_mlp::testing
