// Accumulate (y += x) on every ISA against the reference: bit for bit, since each element is one
// correctly rounded addition whatever the ISA (accumulate.h), and nothing past n written.
#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

class AccumulateTest : public IsaTest {};
SIMD_MLP_INSTANTIATE_ISA_TESTS(AccumulateTest);

template <typename T>
void CheckAgainstReference(Isa isa) {
  const auto& opt = kernels::KernelsFor<T>(isa);
  const auto& ref = kernels::KernelsFor<T>(Isa::kRef);
  const std::size_t n = *GenDim(3000);
  const std::size_t ld = *GenStride(n);  // the lanes past n are NaN guards
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  // Magnitudes from 1e-3 to 1e3, so that the additions round.
  const std::vector<T> x = RandomVector<T>(n, seed, T(-1e3), T(1e3));
  Matrix<T> want(1, n, ld);
  FillRandom(want, seed + 1, T(-1e-3), T(1e-3));
  Matrix<T> got = want;
  ref.accumulate(n, x.data(), want.ptr());
  opt.accumulate(n, x.data(), got.ptr());
  const std::string what = Describe("accumulate", isa, "n=" + std::to_string(n));
  RcExpectNear(
      want, got, [](std::size_t, std::size_t) { return 0.0; }, what);
  RcExpectGuardsIntact(got, what);
}

TEST_P(AccumulateTest, MatchesReferenceBitForBitFloat) {
  SIMD_MLP_CHECK_PROPERTY("accumulate<float>", [this] { CheckAgainstReference<float>(isa()); });
}

TEST_P(AccumulateTest, MatchesReferenceBitForBitDouble) {
  SIMD_MLP_CHECK_PROPERTY("accumulate<double>", [this] { CheckAgainstReference<double>(isa()); });
}

TEST_P(AccumulateTest, ZeroLengthTouchesNothing) {
  float y = 1.5f;
  const float x = 2.0f;
  kernels::KernelsFor<float>(isa()).accumulate(0, &x, &y);
  EXPECT_EQ(y, 1.5f);
}

}  // namespace
}  // namespace simd_mlp::testing
