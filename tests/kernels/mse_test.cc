// MseLossGrad on every ISA against the reference, and against the definition of the gradient.
#include <numeric>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

class MseTest : public IsaTest {};
SIMD_MLP_INSTANTIATE_ISA_TESTS(MseTest);

template <typename T>
void CheckAgainstReference(Isa isa) {
  const auto& opt = kernels::KernelsFor<T>(isa);
  const auto& ref = kernels::KernelsFor<T>(Isa::kRef);
  const std::size_t m = *GenDim(9000);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const std::vector<T> yhat = RandomVector<T>(m, seed, T(-2), T(2));
  const std::vector<T> y = RandomVector<T>(m, seed + 1, T(-1), T(1));
  Matrix<T> grad_ref(1, m, m), grad(1, m, m);
  const T loss_ref = ref.mse_loss_grad(m, yhat.data(), y.data(), grad_ref.ptr());
  const T loss = opt.mse_loss_grad(m, yhat.data(), y.data(), grad.ptr());
  const std::string what = Describe("mse_loss_grad", isa, "m=" + std::to_string(m));
  // Gradient: one subtract and one multiply each, both correctly rounded; the optimized kernel may
  // fuse them, so allow 2 roundings of the result's magnitude.
  RcExpectNear(
      grad_ref, grad,
      [&](std::size_t, std::size_t j) {
        return 2 * kUnitRoundoff<T> * std::fabs(double(grad_ref.at(0, j))) +
               std::numeric_limits<T>::denorm_min();
      },
      what + " grad");
  // Loss: a sum of m non-negative squares in a different order: |ΔL| ≤ 2·m·u·L (gemm.h).
  const double loss_tol = 2.0 * double(m) * kUnitRoundoff<T> * double(loss_ref);
  RC_ASSERT(std::fabs(double(loss) - double(loss_ref)) <= loss_tol);
}

TEST_P(MseTest, MatchesReferenceFloat) {
  SIMD_MLP_CHECK_PROPERTY("mse_loss_grad<float>", [this] { CheckAgainstReference<float>(isa()); });
}

TEST_P(MseTest, MatchesReferenceDouble) {
  SIMD_MLP_CHECK_PROPERTY("mse_loss_grad<double>",
                          [this] { CheckAgainstReference<double>(isa()); });
}

// The gradient is the derivative of the loss: central differences in double on every sample.
// This is the property the original question got wrong ((ŷ−y)² or a batch-averaged error).
TEST_P(MseTest, GradientIsTheDerivativeOfTheLoss) {
  const auto& k = Optimized<double>();
  const std::size_t m = 37;
  std::vector<double> yhat = RandomVector<double>(m, 7, -2.0, 2.0);
  const std::vector<double> y = RandomVector<double>(m, 8);
  std::vector<double> grad(m), scratch(m);
  k.mse_loss_grad(m, yhat.data(), y.data(), grad.data());
  const double h = 1e-6;
  for (std::size_t i = 0; i < m; ++i) {
    const double saved = yhat[i];
    yhat[i] = saved + h;
    const double up = k.mse_loss_grad(m, yhat.data(), y.data(), scratch.data());
    yhat[i] = saved - h;
    const double down = k.mse_loss_grad(m, yhat.data(), y.data(), scratch.data());
    yhat[i] = saved;
    const double numeric = (up - down) / (2 * h);
    // Central differences of a quadratic are exact up to rounding of the loss (~1e-16 / h).
    EXPECT_NEAR(grad[i], numeric, 1e-8) << "sample " << i << " on " << kernels::IsaName(isa());
    EXPECT_NEAR(grad[i], 2 * (yhat[i] - y[i]) / double(m), 1e-15) << "sample " << i;
  }
}

}  // namespace
}  // namespace simd_mlp::testing
