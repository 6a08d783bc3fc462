// One dense tanh layer through simd_mlp's kernels, checked against their scalar reference.
//
// C (32×100) = tanh(A (32×100) · W (100×100) + bias), a hidden layer of simd_mlp's MLP at batch
// 32. The rows of W and C lie 112 floats apart, to show the leading-dimension arguments (the
// kernels need no padding). Prints the ISA the kernels dispatched to and the largest difference
// from the reference, as a fraction of the bound kernels/gemm.h documents; exits with status 1 if
// any element exceeds that bound. SIMD_MLP_ISA=ref|sse2|avx2|avx512|neon forces an ISA.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "kernels/kernels.h"

namespace kernels = simd_mlp::kernels;

int main() {
  constexpr std::size_t m = 32, k = 100, n = 100;       // batch rows, inputs, outputs
  constexpr std::size_t lda = k, ldw = 112, ldc = 112;  // row strides, in elements
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> a(m * lda), w(k * ldw), bias(n), c(m * ldc), c_ref(m * ldc);
  for (float& x : a) x = uniform(rng);
  for (float& x : w) x = 0.2f * uniform(rng);  // keeps most of tanh's inputs in (−2, 2)
  for (float& x : bias) x = 0.2f * uniform(rng);

  const kernels::KernelTable<float>& fast = kernels::Kernels<float>();  // this CPU's best ISA
  const kernels::KernelTable<float>& ref = kernels::KernelsFor<float>(kernels::Isa::kRef);
  const kernels::Activation tanh = kernels::Activation::kTanh;
  fast.gemm_bias_act(tanh, m, n, k, a.data(), lda, w.data(), ldw, bias.data(), c.data(), ldc);
  ref.gemm_bias_act(tanh, m, n, k, a.data(), lda, w.data(), ldw, bias.data(), c_ref.data(), ldc);

  // gemm.h's bound: the two sums of k + 1 terms in different orders, 2·(k+1)·u·Σ|terms|, plus
  // the two tanh implementations, kTanhMaxUlp + 1 units in the last place of the result.
  const double u = std::numeric_limits<float>::epsilon() / 2;
  double max_error = 0, max_fraction = 0;
  bool within_bound = true;
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double abs_terms = std::fabs(bias[j]);
      for (std::size_t p = 0; p < k; ++p) {
        abs_terms += std::fabs(double(a[i * lda + p]) * w[p * ldw + j]);
      }
      const double want = c_ref[i * ldc + j], got = c[i * ldc + j];
      const double bound =
          2 * (k + 1) * u * abs_terms + (kernels::kTanhMaxUlp + 1) * 2 * u * std::fabs(want);
      const double error = std::fabs(got - want);
      within_bound = within_bound && error <= bound;  // false for NaN too
      max_error = std::fmax(max_error, error);
      max_fraction = std::fmax(max_fraction, error / bound);
    }
  }
  std::printf("isa: %s\n", kernels::IsaName(fast.isa));
  std::printf("gemm_bias_act tanh %zux%zux%zu: max |C - C_ref| = %.3g, %.2g of the bound\n", m, n,
              k, max_error, max_fraction);
  if (!within_bound) {
    std::fprintf(stderr, "error: the kernel exceeds the bound of kernels/gemm.h\n");
    return 1;
  }
  return 0;
}
