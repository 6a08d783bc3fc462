// The activations over a B×100 layer output (B·100 floats), tanh, on every supported ISA:
//   f32_activate__<isa>/tanh/B:<b>          our fast tanh (≤ kTanhMaxUlp ULP)
//   f32_activate__xsimd_<isa>/tanh/B:<b>    xsimd::tanh, compiled for the same ISA (≈ 1 ULP, an exp
//                                           and a divide)
//   f32_activation_grad__<isa>/tanh/B:<b>   dz = g ⊙ (1 − y²), the backward of tanh
// Counter: items_per_second (elements).
#include <functional>

#include "bench/bench_targets.h"
#include "bench/kernels/kernel_bench.h"

namespace simd_mlp::bench {
namespace {

using Elementwise = std::function<void(std::size_t n, const float* x, const float* g, float* y)>;

void RegisterElementwise(KernelId id, const std::string& impl, const Elementwise& body) {
  for (long b : kBatchSizes) {
    const std::size_t n = std::size_t(b) * kHidden;
    benchmark::RegisterBenchmark(
        KernelBenchName(id, impl, "tanh", b).c_str(), [n, body](benchmark::State& state) {
          FloatBuffer x(n, 1), g(n, 2), y(n, 3);
          for (std::size_t i = 0; i < n; ++i) x.data()[i] *= 4.0f;  // pre-activations span the bend
          for (auto _ : state) {
            body(n, x.data(), g.data(), y.data());
            benchmark::ClobberMemory();
          }
          state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
        });
  }
}

}  // namespace

template <>
struct KernelBenchmark<KernelId::kActivate> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& target = BenchTargetFor(isa);
    RegisterElementwise(KernelId::kActivate, kernels::IsaName(isa),
                        [&k](std::size_t n, const float* x, const float*, float* y) {
                          k.activate(kernels::Activation::kTanh, n, x, y);
                        });
    RegisterElementwise(KernelId::kActivate, BaselineName("xsimd", isa),
                        [&target](std::size_t n, const float* x, const float*, float* y) {
                          target.xsimd_tanh(n, x, y);
                        });
  }
};

template <>
struct KernelBenchmark<KernelId::kActivationGrad> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    RegisterElementwise(KernelId::kActivationGrad, kernels::IsaName(isa),
                        [&k](std::size_t n, const float* y, const float* g, float* dz) {
                          k.activation_grad(kernels::Activation::kTanh, n, y, g, dz);
                        });
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(activation);

}  // namespace simd_mlp::bench
