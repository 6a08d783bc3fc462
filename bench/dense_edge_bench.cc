// The edge layers at the MLP's shapes, on every supported ISA, and Eigen's versions of the two
// forward products (impl eigen_<isa>, compiled for that ISA):
//   outer_bias_tanh/<isa>/B:n    first layer forward, B×1 → B×100, tanh
//   outer_grad_w/<isa>/B:n       its weight and bias gradients (a reduction over the batch)
//   gemv_bias/<isa>/B:n          last layer forward, B×100 → B×1, identity
//   gemv_grad_w/<isa>/B:n        its weight and bias gradients
//   gemv_grad_x_tanh/<isa>/B:n   its input gradient ⊙ (1 − A²)
// gflops counts 2·B·100 FLOPs (one multiply-add per weight and sample).
#include <benchmark/benchmark.h>

#include <functional>

#include "bench/bench_targets.h"
#include "bench/bench_util.h"
#include "kernels/kernels.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;
constexpr std::size_t kN = kHidden, kLd = kPaddedHidden;

struct EdgeBuffers {
  explicit EdgeBuffers(std::size_t b)
      : x(b, 1), w(kLd, 2), bias(kLd, 3), wide(b * kLd, 4), wide_out(b * kLd, 5), narrow(b, 6) {}
  FloatBuffer x, w, bias, wide, wide_out, narrow;
};

using EdgeKernel = std::function<void(std::size_t b, EdgeBuffers&)>;

void Register(const std::string& kernel, const std::string& impl, const EdgeKernel& body) {
  for (long b : kBatchSizes) {
    benchmark::RegisterBenchmark(BenchName(kernel, impl, b).c_str(),
                                 [body, b](benchmark::State& state) {
                                   EdgeBuffers buffers{static_cast<std::size_t>(b)};
                                   for (auto _ : state) {
                                     body(std::size_t(b), buffers);
                                     benchmark::ClobberMemory();
                                   }
                                   SetFlopCounters(state, 2.0 * double(b) * kN);
                                 });
  }
}

const bool registered = [] {
  for (kernels::Isa isa : BenchIsas()) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const std::string name = kernels::IsaName(isa);
    Register("outer_bias_tanh", name, [&k](std::size_t b, EdgeBuffers& x) {
      k.outer_bias_act(Activation::kTanh, b, kN, x.x.data(), x.w.data(), x.bias.data(),
                       x.wide_out.data(), kLd);
    });
    const BenchTargetTable& eigen = BenchTargetFor(isa);
    const std::string eigen_name = "eigen_" + name;
    Register("outer_bias_tanh", eigen_name, [&eigen](std::size_t b, EdgeBuffers& x) {
      eigen.eigen_outer_bias_act(Activation::kTanh, b, kN, x.x.data(), x.w.data(), x.bias.data(),
                                 x.wide_out.data(), kLd);
    });
    Register("gemv_bias", eigen_name, [&eigen](std::size_t b, EdgeBuffers& x) {
      eigen.eigen_gemv_bias_act(Activation::kIdentity, b, kN, x.wide.data(), kLd, x.w.data(), 0.5f,
                                x.narrow.data());
    });
    Register("outer_grad_w", name, [&k](std::size_t b, EdgeBuffers& x) {
      k.outer_grad_w(b, kN, x.x.data(), x.wide.data(), kLd, x.w.data(), x.bias.data());
    });
    Register("gemv_bias", name, [&k](std::size_t b, EdgeBuffers& x) {
      k.gemv_bias_act(Activation::kIdentity, b, kN, x.wide.data(), kLd, x.w.data(), 0.5f,
                      x.narrow.data());
    });
    Register("gemv_grad_w", name, [&k](std::size_t b, EdgeBuffers& x) {
      k.gemv_grad_w(b, kN, x.wide.data(), kLd, x.narrow.data(), x.w.data(), x.bias.data());
    });
    Register("gemv_grad_x_tanh", name, [&k](std::size_t b, EdgeBuffers& x) {
      k.gemv_grad_x_act(Activation::kTanh, b, kN, x.narrow.data(), x.w.data(), x.wide.data(), kLd,
                        x.wide_out.data(), kLd);
    });
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
