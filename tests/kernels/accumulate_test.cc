// Accumulate (y += x) on every ISA against the reference: bit for bit, since each element is one
// correctly rounded addition whatever the ISA (accumulate.h), and nothing past n written.
#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

template <typename T>
void CheckAgainstReference(const Case& c) {
  const auto& opt = kernels::KernelsFor<T>(c.isa);
  const auto& ref = kernels::KernelsFor<T>(Isa::kRef);
  const std::size_t n = DrawDim(3000);
  const std::size_t ld = DrawStride(n);  // the lanes past n are NaN guards
  const auto seed = DrawSeed();
  // Magnitudes from 1e-3 to 1e3, so that the additions round.
  const std::vector<T> x = RandomVector<T>(n, seed, T(-1e3), T(1e3));
  Matrix<T> want(1, n, ld);
  FillRandom(want, seed + 1, T(-1e-3), T(1e-3));
  Matrix<T> got = want;
  ref.accumulate(n, x.data(), want.ptr());
  opt.accumulate(n, x.data(), got.ptr());
  const std::string what = Describe(c, "n=" + std::to_string(n));
  RcExpectNear(
      want, got, [](std::size_t, std::size_t) { return 0.0; }, what);
  RcExpectGuardsIntact(got, what);
}

void ZeroLengthTouchesNothing(const Case& c) {
  float y = 1.5f;
  const float x = 2.0f;
  kernels::KernelsFor<float>(c.isa).accumulate(0, &x, &y);
  EXPECT_EQ(y, 1.5f) << c.name;
}

}  // namespace

template <>
struct KernelTest<KernelId::kAccumulate> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties = {
        {"matches_reference_bit_for_bit",
         [](const Case& c) { CheckProperty(c.name, [&] { CheckAgainstReference<T>(c); }); }}};
    if constexpr (std::is_same_v<T, float>) {
      properties.push_back({"zero_length_touches_nothing", ZeroLengthTouchesNothing});
    }
    return properties;
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(accumulate);

}  // namespace simd_mlp::testing
