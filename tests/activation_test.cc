// Activations (kernels/activation.h) on every ISA: against the reference over random lengths and
// values, the float tanh's accuracy over a sweep of float bit patterns, and its special values.
#include <cstdlib>
#include <string>

#include "tests/kernel_test_util.h"

namespace simd_mlp::testing {
namespace {

using kernels::Activation;

class ActivationTest : public IsaTest {};
SIMD_MLP_INSTANTIATE_ISA_TESTS(ActivationTest);

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

// Tolerance of Activate against the reference (std::tanh in T): the optimized float tanh is within
// kTanhMaxUlp of the true value and float std::tanh within 1 more; double uses xsimd::tanh, which,
// like std::tanh, is within ~1 ULP, so 2 ULP each side.
template <typename T>
double ActivateTolerance(Activation act, double want) {
  if (act != Activation::kTanh) return 0;  // identity and ReLU are exact
  const int ulps = std::is_same_v<T, float> ? kernels::kTanhMaxUlp + 1 : 4;
  return ulps * 2 * kUnitRoundoff<T> * std::fabs(want) + std::numeric_limits<T>::denorm_min();
}

template <typename T>
void CheckActivate(Isa isa, Activation act, bool in_place) {
  const std::size_t n = *GenDim(2000);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> x(1, n, n), want(1, n, n), got(1, n, n);
  FillRandom(x, seed, T(-12), T(12));  // past both ends of tanh's bend
  kernels::KernelsFor<T>(Isa::kRef).activate(act, n, x.ptr(), want.ptr());
  if (in_place) {
    got = x;
    kernels::KernelsFor<T>(isa).activate(act, n, got.ptr(), got.ptr());
  } else {
    kernels::KernelsFor<T>(isa).activate(act, n, x.ptr(), got.ptr());
  }
  RcExpectNear(
      want, got,
      [&](std::size_t, std::size_t j) { return ActivateTolerance<T>(act, want.at(0, j)); },
      Describe("activate", isa,
               std::string(kernels::ActivationName(act)) + " n=" + std::to_string(n) +
                   (in_place ? " in place" : "")));
}

template <typename T>
void CheckActivationGrad(Isa isa, Activation act, bool in_place) {
  const std::size_t n = *GenDim(2000);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Matrix<T> y(1, n, n), g(1, n, n), want(1, n, n), got(1, n, n);
  FillRandom(y, seed);  // outputs of tanh lie in (−1, 1); ReLU outputs sign-test the same way
  FillRandom(g, seed + 1, T(-3), T(3));
  kernels::KernelsFor<T>(Isa::kRef).activation_grad(act, n, y.ptr(), g.ptr(), want.ptr());
  if (in_place) {
    got = g;
    kernels::KernelsFor<T>(isa).activation_grad(act, n, y.ptr(), got.ptr(), got.ptr());
  } else {
    kernels::KernelsFor<T>(isa).activation_grad(act, n, y.ptr(), g.ptr(), got.ptr());
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
      Describe("activation_grad", isa,
               std::string(kernels::ActivationName(act)) + " n=" + std::to_string(n) +
                   (in_place ? " in place" : "")));
}

TEST_P(ActivationTest, ActivateMatchesReference) {
  for (Activation act : kernels::kAllActivations) {
    for (bool in_place : {false, true}) {
      const std::string name =
          std::string(kernels::ActivationName(act)) + (in_place ? " in place" : "");
      SIMD_MLP_CHECK_PROPERTY("activate<float> " + name,
                              [&] { CheckActivate<float>(isa(), act, in_place); });
      SIMD_MLP_CHECK_PROPERTY("activate<double> " + name,
                              [&] { CheckActivate<double>(isa(), act, in_place); });
    }
  }
}

TEST_P(ActivationTest, ActivationGradMatchesReference) {
  for (Activation act : kernels::kAllActivations) {
    for (bool in_place : {false, true}) {
      const std::string name =
          std::string(kernels::ActivationName(act)) + (in_place ? " in place" : "");
      SIMD_MLP_CHECK_PROPERTY("activation_grad<float> " + name,
                              [&] { CheckActivationGrad<float>(isa(), act, in_place); });
      SIMD_MLP_CHECK_PROPERTY("activation_grad<double> " + name,
                              [&] { CheckActivationGrad<double>(isa(), act, in_place); });
    }
  }
}

// The documented accuracy, asserted: float tanh over positive float bit patterns from 0 up to
// 10.0 (0x41200000; beyond it, and from 9.1, the result is exactly 1) against double tanh rounded
// to float. double tanh is accurate to ~1 ULP of double, so its rounding to float is the correctly
// rounded float except when the true value lies within ~2^-53 relative of a float midpoint, which
// a sweep of this size does not meet. Every 31st pattern (a prime stride, so every binade and
// every residue of the low mantissa bits is visited): 35 million values per ISA, about a second.
// SIMD_MLP_EXHAUSTIVE=1 sweeps every pattern (1.09e9; about a minute per ISA). tanh is odd, and
// the kernel computes it on |x| and restores the sign bit, so negative inputs are the same bits
// with the sign set: a short sweep checks that.
TEST_P(ActivationTest, TanhFloatAccuracySweep) {
  const char* exhaustive_env = std::getenv("SIMD_MLP_EXHAUSTIVE");
  const bool exhaustive = exhaustive_env != nullptr && std::string(exhaustive_env) == "1";
  const std::uint32_t stride = exhaustive ? 1 : 31;
  const std::uint32_t end_bits = 0x41200000;  // 10.0f
  const auto& k = Optimized<float>();
  constexpr std::size_t kChunk = 1 << 16;
  std::vector<float> x(kChunk), y(kChunk);
  std::int64_t worst = 0;
  float worst_x = 0, worst_got = 0, worst_want = 0;
  std::uint64_t count = 0;
  for (std::uint64_t bits = 0; bits < end_bits;) {
    std::size_t n = 0;
    for (; n < kChunk && bits < end_bits; ++n, bits += stride) {
      const std::uint32_t b = static_cast<std::uint32_t>(bits);
      std::memcpy(&x[n], &b, sizeof b);
    }
    k.activate(Activation::kTanh, n, x.data(), y.data());
    for (std::size_t i = 0; i < n; ++i) {
      const float want = static_cast<float>(std::tanh(static_cast<double>(x[i])));
      const std::int64_t ulps = UlpDistance(want, y[i]);
      if (ulps > worst) {
        worst = ulps;
        worst_x = x[i];
        worst_got = y[i];
        worst_want = want;
      }
    }
    count += n;
  }
  std::printf(
      "tanh<float> on %s: %llu inputs (stride %u), max error %lld ULP at x = %.9g "
      "(got %.9g, want %.9g)\n",
      kernels::IsaName(isa()), static_cast<unsigned long long>(count), stride,
      static_cast<long long>(worst), worst_x, worst_got, worst_want);
  EXPECT_LE(worst, kernels::kTanhMaxUlp)
      << "at x = " << worst_x << ": got " << worst_got << ", want " << worst_want << " on "
      << kernels::IsaName(isa());
}

TEST_P(ActivationTest, TanhFloatIsOdd) {
  const auto& k = Optimized<float>();
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
    ASSERT_EQ(-y[i], y_neg[i]) << "tanh(-x) != -tanh(x) at x = " << x[i] << " on "
                               << kernels::IsaName(isa());
  }
}

TEST_P(ActivationTest, TanhSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float denorm = std::numeric_limits<float>::denorm_min();
  const float in[] = {0.0f,    -0.0f,  inf,    -inf,   std::numeric_limits<float>::quiet_NaN(),
                      9.1f,    -9.1f,  1e30f,  -1e30f, denorm,
                      -denorm, 1e-30f, -1e-30f};
  const std::size_t n = sizeof in / sizeof in[0];
  float out[n];
  Optimized<float>().activate(Activation::kTanh, n, in, out);
  const std::string where = std::string(" on ") + kernels::IsaName(isa());
  EXPECT_EQ(out[0], 0.0f) << where;
  EXPECT_FALSE(std::signbit(out[0])) << "tanh(+0) must be +0" << where;
  EXPECT_EQ(out[1], 0.0f) << where;
  EXPECT_TRUE(std::signbit(out[1])) << "tanh(-0) must be -0" << where;
  EXPECT_EQ(out[2], 1.0f) << where;
  EXPECT_EQ(out[3], -1.0f) << where;
  EXPECT_TRUE(std::isnan(out[4])) << where;
  EXPECT_EQ(out[5], 1.0f) << where;
  EXPECT_EQ(out[6], -1.0f) << where;
  EXPECT_EQ(out[7], 1.0f) << where;
  EXPECT_EQ(out[8], -1.0f) << where;
  for (std::size_t i = 9; i < n; ++i) EXPECT_EQ(out[i], in[i]) << "tanh(tiny x) = x" << where;
  // The same through the double path.
  const double din[] = {0.0, -0.0, std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity(),
                        std::numeric_limits<double>::quiet_NaN()};
  double dout[5];
  Optimized<double>().activate(Activation::kTanh, 5, din, dout);
  EXPECT_TRUE(dout[0] == 0.0 && !std::signbit(dout[0]));
  EXPECT_TRUE(dout[1] == 0.0 && std::signbit(dout[1]));
  EXPECT_EQ(dout[2], 1.0);
  EXPECT_EQ(dout[3], -1.0);
  EXPECT_TRUE(std::isnan(dout[4]));
}

}  // namespace
}  // namespace simd_mlp::testing
