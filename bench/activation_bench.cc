// Elementwise activations over a B×100 layer output (B·100 floats):
//   vtanh/<isa>/B:n        our fast tanh (kernels/activation-inl.h, ≤ kTanhMaxUlp ULP)
//   vtanh_xsimd/<isa>/B:n  xsimd::tanh, compiled for the same ISA (≈ 1 ULP, an exp and a divide)
//   vtanh_grad/<isa>/B:n   dz = g ⊙ (1 − y²), the backward of tanh
// Counter: items_per_second (elements).
#include <benchmark/benchmark.h>

#include "bench/bench_targets.h"
#include "bench/bench_util.h"
#include "kernels/kernels.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;

template <typename Body>
void RunElementwise(benchmark::State& state, std::size_t n, Body body) {
  FloatBuffer x(n, 1), g(n, 2), y(n, 3);
  for (std::size_t i = 0; i < n; ++i) x.data()[i] *= 4.0f;  // pre-activations span tanh's bend
  for (auto _ : state) {
    body(n, x.data(), g.data(), y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

template <typename Body>
void Register(const std::string& kernel, const std::string& impl, Body body) {
  for (long b : kBatchSizes) {
    const std::size_t n = std::size_t(b) * kHidden;
    benchmark::RegisterBenchmark(
        BenchName(kernel, impl, b).c_str(),
        [n, body](benchmark::State& state) { RunElementwise(state, n, body); });
  }
}

const bool registered = [] {
  for (kernels::Isa isa : BenchIsas()) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& target = BenchTargetFor(isa);
    const std::string name = kernels::IsaName(isa);
    Register("vtanh", name, [&k](std::size_t n, const float* x, const float*, float* y) {
      k.activate(Activation::kTanh, n, x, y);
    });
    Register("vtanh_xsimd", name, [&target](std::size_t n, const float* x, const float*, float* y) {
      target.xsimd_tanh(n, x, y);
    });
    Register("vtanh_grad", name, [&k](std::size_t n, const float* x, const float* g, float* y) {
      k.activation_grad(Activation::kTanh, n, x, g, y);
    });
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
