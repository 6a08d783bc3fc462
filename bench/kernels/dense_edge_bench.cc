// The edge layers at the MLP's shapes, on every supported ISA, and Eigen's versions of the two
// forward products (eigen_<isa>, compiled for that ISA):
//   f32_outer_bias_act__<impl>/tanh/B:<b>       first layer forward, B×1 → B×100, tanh
//   f32_outer_grad_w__<isa>/B:<b>               its weight and bias gradients (a batch reduction)
//   f32_gemv_bias_act__<impl>/identity/B:<b>    last layer forward, B×100 → B×1
//   f32_gemv_grad_w__<isa>/B:<b>                its weight and bias gradients
//   f32_gemv_grad_x_act__<isa>/tanh/B:<b>       its input gradient ⊙ (1 − A²)
// gflops counts 2·B·100 FLOPs (one multiply-add per weight and sample).
#include <functional>

#include "bench/bench_targets.h"
#include "bench/kernels/kernel_bench.h"

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

void RegisterEdge(KernelId id, kernels::Isa isa, const std::string& impl,
                  const std::string& variant, const EdgeKernel& body) {
  for (long b : kBatchSizes) {
    benchmark::RegisterBenchmark(KernelBenchName(id, impl, variant, b).c_str(),
                                 [body, b, isa](benchmark::State& state) {
                                   EdgeBuffers buffers{static_cast<std::size_t>(b)};
                                   for (auto _ : state) {
                                     body(std::size_t(b), buffers);
                                     benchmark::ClobberMemory();
                                   }
                                   SetFlopCounters(state, 2.0 * double(b) * kN, isa);
                                 });
  }
}

}  // namespace

template <>
struct KernelBenchmark<KernelId::kOuterBiasAct> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& eigen = BenchTargetFor(isa);
    RegisterEdge(KernelId::kOuterBiasAct, isa, kernels::IsaName(isa), "tanh",
                 [&k](std::size_t b, EdgeBuffers& x) {
                   k.outer_bias_act(Activation::kTanh, b, kN, x.x.data(), x.w.data(), x.bias.data(),
                                    x.wide_out.data(), kLd);
                 });
    RegisterEdge(KernelId::kOuterBiasAct, isa, BaselineName("eigen", isa), "tanh",
                 [&eigen](std::size_t b, EdgeBuffers& x) {
                   eigen.eigen_outer_bias_act(Activation::kTanh, b, kN, x.x.data(), x.w.data(),
                                              x.bias.data(), x.wide_out.data(), kLd);
                 });
  }
};

template <>
struct KernelBenchmark<KernelId::kOuterGradW> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    RegisterEdge(KernelId::kOuterGradW, isa, kernels::IsaName(isa), "",
                 [&k](std::size_t b, EdgeBuffers& x) {
                   k.outer_grad_w(b, kN, x.x.data(), x.wide.data(), kLd, x.w.data(), x.bias.data());
                 });
  }
};

template <>
struct KernelBenchmark<KernelId::kGemvBiasAct> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& eigen = BenchTargetFor(isa);
    RegisterEdge(KernelId::kGemvBiasAct, isa, kernels::IsaName(isa), "identity",
                 [&k](std::size_t b, EdgeBuffers& x) {
                   k.gemv_bias_act(Activation::kIdentity, b, kN, x.wide.data(), kLd, x.w.data(),
                                   0.5f, x.narrow.data());
                 });
    RegisterEdge(KernelId::kGemvBiasAct, isa, BaselineName("eigen", isa), "identity",
                 [&eigen](std::size_t b, EdgeBuffers& x) {
                   eigen.eigen_gemv_bias_act(Activation::kIdentity, b, kN, x.wide.data(), kLd,
                                             x.w.data(), 0.5f, x.narrow.data());
                 });
  }
};

template <>
struct KernelBenchmark<KernelId::kGemvGradW> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    RegisterEdge(
        KernelId::kGemvGradW, isa, kernels::IsaName(isa), "", [&k](std::size_t b, EdgeBuffers& x) {
          k.gemv_grad_w(b, kN, x.wide.data(), kLd, x.narrow.data(), x.w.data(), x.bias.data());
        });
  }
};

template <>
struct KernelBenchmark<KernelId::kGemvGradXAct> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    RegisterEdge(KernelId::kGemvGradXAct, isa, kernels::IsaName(isa), "tanh",
                 [&k](std::size_t b, EdgeBuffers& x) {
                   k.gemv_grad_x_act(Activation::kTanh, b, kN, x.narrow.data(), x.w.data(),
                                     x.wide.data(), kLd, x.wide_out.data(), kLd);
                 });
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(dense_edge);

}  // namespace simd_mlp::bench
