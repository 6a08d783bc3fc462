// MseLossGrad on every ISA against the reference, and against the definition of the gradient.
#include <numeric>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {
namespace {

template <typename T>
void CheckAgainstReference(const Case& c) {
  const auto& opt = kernels::KernelsFor<T>(c.isa);
  const auto& ref = kernels::KernelsFor<T>(Isa::kRef);
  const std::size_t m = DrawDim(9000);
  const auto seed = DrawSeed();
  const std::vector<T> yhat = RandomVector<T>(m, seed, T(-2), T(2));
  const std::vector<T> y = RandomVector<T>(m, seed + 1, T(-1), T(1));
  Matrix<T> grad_ref(1, m, m), grad(1, m, m);
  const T loss_ref = ref.mse_loss_grad(m, yhat.data(), y.data(), grad_ref.ptr());
  const T loss = opt.mse_loss_grad(m, yhat.data(), y.data(), grad.ptr());
  const std::string what = Describe(c, "m=" + std::to_string(m));
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
  if (!(std::fabs(double(loss) - double(loss_ref)) <= loss_tol)) {
    FailProperty(what + " loss: reference " + std::to_string(loss_ref) + ", got " +
                 std::to_string(loss) + ", beyond " + std::to_string(loss_tol));
  }
}

// The gradient is the derivative of the loss: central differences in double on every sample.
void GradientIsTheDerivativeOfTheLoss(const Case& c) {
  const auto& k = kernels::KernelsFor<double>(c.isa);
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
    EXPECT_NEAR(grad[i], numeric, 1e-8) << c.name << ": sample " << i;
    EXPECT_NEAR(grad[i], 2 * (yhat[i] - y[i]) / double(m), 1e-15) << c.name << ": sample " << i;
  }
}

}  // namespace

template <>
struct KernelTest<KernelId::kMseLossGrad> {
  template <typename T>
  static std::vector<Property> Properties() {
    std::vector<Property> properties = {
        {"matches_reference",
         [](const Case& c) { CheckProperty(c.name, [&] { CheckAgainstReference<T>(c); }); }}};
    // This is the property the original question got wrong ((ŷ−y)² or a batch-averaged error).
    if constexpr (std::is_same_v<T, double>) {
      properties.push_back(
          {"gradient_is_the_derivative_of_the_loss", GradientIsTheDerivativeOfTheLoss});
    }
    return properties;
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(mse);

}  // namespace simd_mlp::testing
