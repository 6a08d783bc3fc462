// Optimizer updates (kernels/optimizer.h) on every ISA: against the reference over several
// consecutive steps (state carried), and against the Keras semantics they promise.
//
// Tolerance: each update is a handful of roundings per element; the optimized kernels fuse
// multiply-adds, use the hardware square root and, for float on AVX-512, refined reciprocal
// (square-root) estimates (≤ 2 ULP each). Per step and element we allow
//   parameters: 4·u·(|p_before| + |p_after|)   (the add of the update)
//             + 16·u·t·|Δp|                    (the update itself, a few ULP, plus the state's
//                                              error of the t steps so far carried into it)
//   state:      8·u·(|s_before| + |s_after|)   (ρ·s + (1 − ρ)·x: its terms sum to at most that)
// accumulated over the steps taken. Parameters start small (|p| ≤ 0.01, as lr·g is) so that the
// rounding of p itself cannot hide an update that is wrong in its fourth digit.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

using kernels::AdamParams;
using kernels::MomentumParams;
using kernels::RmspropParams;

// The updates checked: each kernel's, and momentum's with and without Nesterov's look-ahead.
enum class Kind { kSgd, kMomentum, kNesterov, kRmsprop, kAdam };
const char* const kKindNames[] = {"sgd", "momentum", "nesterov", "rmsprop", "adam"};
const char* KindName(Kind kind) { return kKindNames[static_cast<int>(kind)]; }

// Parameters and the (up to two) state arrays of one optimizer.
template <typename T>
struct State {
  Matrix<T> p, s1, s2;
  explicit State(std::size_t n) : p(1, n, n), s1(1, n, n), s2(1, n, n) {}
};

template <typename T>
void Step(const kernels::KernelTable<T>& k, Kind kind, std::int64_t t, const T* g, State<T>& s) {
  const std::size_t n = s.p.cols;
  switch (kind) {
    case Kind::kSgd:
      k.sgd(n, T(0.01), g, s.p.ptr());
      break;
    case Kind::kMomentum:
    case Kind::kNesterov:
      k.momentum(n, MomentumParams<T>{T(0.01), T(0.9), kind == Kind::kNesterov}, g, s.s1.ptr(),
                 s.p.ptr());
      break;
    case Kind::kRmsprop:
      k.rmsprop(n, RmspropParams<T>{T(1e-3), T(0.9), T(1e-7)}, g, s.s1.ptr(), s.p.ptr());
      break;
    case Kind::kAdam:
      k.adam(n, AdamParams<T>{T(1e-3), T(0.9), T(0.999), T(1e-7)}, t, g, s.s1.ptr(), s.s2.ptr(),
             s.p.ptr());
      break;
  }
}

template <typename T>
void CheckAgainstReference(const Case& c, Kind kind) {
  const std::size_t n = DrawDim(3000);
  const int steps = DrawInt(1, 6);
  const auto seed = DrawSeed();
  State<T> want(n), got(n);
  FillRandom(want.p, seed, T(-0.01), T(0.01));
  for (std::size_t i = 0; i < n; ++i) want.s1.at(0, i) = want.s2.at(0, i) = T(0);  // Keras: zeros
  got = want;
  const double u = kUnitRoundoff<T>;
  std::vector<double> p_bound(n, 0.0), s1_bound(n, 0.0), s2_bound(n, 0.0);
  for (int t = 1; t <= steps; ++t) {
    const std::vector<T> g = RandomVector<T>(n, seed + t, T(-2), T(2));
    const State<T> before = want;
    Step(kernels::KernelsFor<T>(Isa::kRef), kind, t, g.data(), want);
    Step(kernels::KernelsFor<T>(c.isa), kind, t, g.data(), got);
    for (std::size_t i = 0; i < n; ++i) {
      const double p0 = before.p.at(0, i), p1 = want.p.at(0, i);
      p_bound[i] += 4 * u * (std::fabs(p0) + std::fabs(p1)) + 16 * u * t * std::fabs(p1 - p0);
      s1_bound[i] +=
          8 * u * (std::fabs(double(before.s1.at(0, i))) + std::fabs(double(want.s1.at(0, i))));
      s2_bound[i] +=
          8 * u * (std::fabs(double(before.s2.at(0, i))) + std::fabs(double(want.s2.at(0, i))));
    }
  }
  const std::string what = Describe(c, std::string(KindName(kind)) + " n=" + std::to_string(n) +
                                           " steps=" + std::to_string(steps));
  const double tiny = std::numeric_limits<T>::denorm_min();
  RcExpectNear(
      want.p, got.p, [&](std::size_t, std::size_t i) { return p_bound[i] + tiny; },
      what + " parameters");
  RcExpectNear(
      want.s1, got.s1, [&](std::size_t, std::size_t i) { return s1_bound[i] + tiny; },
      what + " state 1");
  RcExpectNear(
      want.s2, got.s2, [&](std::size_t, std::size_t i) { return s2_bound[i] + tiny; },
      what + " state 2");
}

// Against the reference over several consecutive steps, for each of `kinds`.
template <typename T>
Property MatchesReference(std::vector<Kind> kinds) {
  return {"matches_reference_over_several_steps", [kinds](const Case& c) {
            for (Kind kind : kinds) {
              CheckProperty(c.name + " " + KindName(kind),
                            [&] { CheckAgainstReference<T>(c, kind); });
            }
          }};
}

// Semantics, not just agreement: Adam's first step moves every parameter by lr·sign(g) (m̂ = g,
// v̂ = g², so m̂/√v̂ = ±1, up to ε), whatever the gradient's size.
void AdamFirstStepIsLrTimesSignOfGradient(const Case& c) {
  const auto& k = kernels::KernelsFor<double>(c.isa);
  const std::size_t n = 37;
  std::vector<double> p(n, 0.5), m(n, 0.0), v(n, 0.0), g(n);
  for (std::size_t i = 0; i < n; ++i)
    g[i] = (i % 2 ? -1.0 : 1.0) * std::pow(10.0, double(i % 7) - 3);
  k.adam(n, AdamParams<double>{1e-3, 0.9, 0.999, 1e-12}, 1, g.data(), m.data(), v.data(), p.data());
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(p[i], 0.5 - 1e-3 * (g[i] > 0 ? 1 : -1), 1e-9)
        << c.name << ": element " << i << ", g = " << g[i];
  }
}

// RMSprop's first step from zero state: s = (1 − ρ)·g², so p moves by lr·g/√((1 − ρ)g² + ε):
// ε sits inside the root, as in Keras (outside it, the step for g = 1e-4 would differ by 0.3%).
void RmspropEpsilonIsInsideTheSquareRoot(const Case& c) {
  const auto& k = kernels::KernelsFor<double>(c.isa);
  const double g[] = {1e-4, -2.0};
  double p[] = {0.0, 0.0}, s[] = {0.0, 0.0};
  const double lr = 1e-3, rho = 0.9, eps = 1e-7;
  k.rmsprop(2, RmspropParams<double>{lr, rho, eps}, g, s, p);
  for (int i = 0; i < 2; ++i) {
    const double want = -lr * g[i] / std::sqrt((1 - rho) * g[i] * g[i] + eps);
    EXPECT_NEAR(p[i], want, 1e-15) << c.name << ": element " << i;
  }
}

// Nesterov looks ahead: after two steps with a constant gradient g, plain momentum has moved
// −lr·g·(1 + (1 + μ)) and Nesterov −lr·g·((1 + μ) + (1 + μ + μ²)) (Keras's formulation).
void MomentumAndNesterovFollowKeras(const Case& c) {
  const auto& k = kernels::KernelsFor<double>(c.isa);
  const double lr = 0.1, mu = 0.9, g = 1.0;
  for (bool nesterov : {false, true}) {
    double p = 0, v = 0;
    for (int t = 0; t < 2; ++t) k.momentum(1, MomentumParams<double>{lr, mu, nesterov}, &g, &v, &p);
    const double want =
        nesterov ? -lr * g * ((1 + mu) + (1 + mu + mu * mu)) : -lr * g * (1 + (1 + mu));
    EXPECT_NEAR(p, want, 1e-14) << c.name << ": " << (nesterov ? "nesterov" : "momentum");
  }
}

// The state never holds a subnormal (optimizer.h): with zero gradients (a dead ReLU unit) it
// decays from just above the smallest normal number straight to 0, on every ISA (and the
// reference) and in float and double, and the parameters do not move.
template <typename T>
void ExpectStateFlushesToZero(Isa isa, const std::vector<Kind>& kinds) {
  const auto& k = kernels::KernelsFor<T>(isa);
  const std::size_t n = 37;  // whole vectors and a tail on every ISA
  const T start = T(4) * std::numeric_limits<T>::min();
  const std::vector<T> g(n, T(0));
  for (Kind kind : kinds) {
    State<T> s(n);
    for (std::size_t i = 0; i < n; ++i) {
      s.p.at(0, i) = T(0.5);
      s.s1.at(0, i) = i % 2 ? start : -start;  // v and m may be negative
      s.s2.at(0, i) = start;
    }
    if (kind == Kind::kRmsprop) {
      for (std::size_t i = 0; i < n; ++i) s.s1.at(0, i) = start;  // a mean square
    }
    bool reached_zero = false;
    for (std::int64_t t = 1; t <= 40; ++t) {
      Step(k, kind, t, g.data(), s);
      for (std::size_t i = 0; i < n; ++i) {
        for (const Matrix<T>* state : {&s.s1, &s.s2}) {
          const T x = state->at(0, i);
          ASSERT_NE(std::fpclassify(x), FP_SUBNORMAL)
              << KindName(kind) << " on " << kernels::IsaName(isa) << ", step " << t << ", element "
              << i;
        }
        ASSERT_EQ(s.p.at(0, i), T(0.5)) << KindName(kind) << ", element " << i;
      }
      reached_zero = reached_zero || s.s1.at(0, 0) == T(0);
    }
    EXPECT_TRUE(reached_zero) << KindName(kind) << " on " << kernels::IsaName(isa)
                              << ": the state never decayed to 0 (the test did not reach the "
                                 "subnormal range)";
  }
}

template <typename T>
Property StateNeverHoldsASubnormal(std::vector<Kind> kinds) {
  return {"state_never_holds_a_subnormal", [kinds](const Case& c) {
            ExpectStateFlushesToZero<T>(c.isa, kinds);
            ExpectStateFlushesToZero<T>(Isa::kRef, kinds);
          }};
}

}  // namespace

template <>
struct KernelTest<KernelId::kSgd> {
  template <typename T>
  static std::vector<Property> Properties() {
    return {MatchesReference<T>({Kind::kSgd})};
  }
};

template <>
struct KernelTest<KernelId::kMomentum> {
  template <typename T>
  static std::vector<Property> Properties() {
    const std::vector<Kind> kinds = {Kind::kMomentum, Kind::kNesterov};
    std::vector<Property> properties = {MatchesReference<T>(kinds),
                                        StateNeverHoldsASubnormal<T>(kinds)};
    if constexpr (std::is_same_v<T, double>) {
      properties.push_back({"momentum_and_nesterov_follow_keras", MomentumAndNesterovFollowKeras});
    }
    return properties;
  }
};

template <>
struct KernelTest<KernelId::kRmsprop> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties = {MatchesReference<T>({Kind::kRmsprop}),
                                        StateNeverHoldsASubnormal<T>({Kind::kRmsprop})};
    if constexpr (std::is_same_v<T, double>) {
      properties.push_back(
          {"epsilon_is_inside_the_square_root", RmspropEpsilonIsInsideTheSquareRoot});
    }
    return properties;
  }
};

template <>
struct KernelTest<KernelId::kAdam> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties = {MatchesReference<T>({Kind::kAdam}),
                                        StateNeverHoldsASubnormal<T>({Kind::kAdam})};
    if constexpr (std::is_same_v<T, double>) {
      properties.push_back(
          {"first_step_is_lr_times_sign_of_gradient", AdamFirstStepIsLrTimesSignOfGradient});
    }
    return properties;
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(optimizer);

}  // namespace simd_mlp::testing
