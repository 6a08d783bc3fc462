// The three GEMM kernels at the MLP's hidden-layer shape (B×100 · 100×100, rows padded to 112
// floats), ours on every supported ISA beside Eigen compiled for the same ISA:
//   gemm_bias_tanh/<impl>/B:n     forward, C = tanh(A·W + b)
//   gemm_grad_w/<impl>/B:n        dW = Aᵀ·G and db = Σ G (the batch reduction)
//   gemm_grad_x_tanh/<impl>/B:n   dX = (G·Wᵀ) ⊙ (1 − A²)
// and the feature-major forms (one column per sample, rows RoundUp(B, 16) floats apart), ours only:
//   gemm_bias_tanh_fm/<isa>/B:n   Ct = tanh(Wᵀ·At + b)
//   gemm_grad_x_tanh_fm/<isa>/B:n dXt = (W·Gt) ⊙ (1 − At²)
//   gemm_grad_w_fm/<isa>/B:n      dW = At·Gtᵀ and db = Σ Gt
// <impl> is an ISA name or eigen_<isa>. gflops counts the useful 2·B·100·100 FLOPs of the product.
#include <benchmark/benchmark.h>

#include <functional>

#include "bench/bench_targets.h"
#include "bench/bench_util.h"
#include "kernels/kernels.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;
constexpr std::size_t kN = kHidden, kLd = kPaddedHidden;

// Rows of a feature-major matrix at batch b: whole vectors, as the batch-major rows are. (The
// trainer adds one more where that is a multiple of 64 floats, mlp::FeatureMajorLd; it runs
// feature-major from 16 to 127 samples, and of the batches here only 32, whose stride is the same.)
std::size_t PackedFmLd(std::size_t b) { return (b + 15) / 16 * 16; }

// Buffers for one hidden layer at batch b: activations in, weights, bias, and an output; every
// matrix padded to rows of 112 floats (batch-major) or of PackedFmLd(b) (feature-major: 112
// rows), so that either layout fits.
struct LayerBuffers {
  explicit LayerBuffers(std::size_t b)
      : in(Size(b), 1),
        w(kN * kLd, 2),
        bias(kLd, 3),
        out(Size(b), 4),
        act(Size(b), 5),
        grad(Size(b), 6) {}
  static std::size_t Size(std::size_t b) { return PackedFmLd(b) * kLd; }
  FloatBuffer in, w, bias, out, act, grad;
};

using Product = std::function<void(std::size_t b, LayerBuffers&)>;

void RunProduct(benchmark::State& state, std::size_t b, const Product& product) {
  LayerBuffers buffers(b);
  for (auto _ : state) {
    product(b, buffers);
    benchmark::ClobberMemory();
  }
  SetFlopCounters(state, 2.0 * double(b) * kN * kN);
}

void Register(const std::string& kernel, const std::string& impl, const Product& product) {
  for (long b : kBatchSizes) {
    benchmark::RegisterBenchmark(
        BenchName(kernel, impl, b).c_str(),
        [product, b](benchmark::State& state) { RunProduct(state, std::size_t(b), product); });
  }
}

const bool registered = [] {
  for (kernels::Isa isa : BenchIsas()) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& eigen = BenchTargetFor(isa);
    const std::string ours = kernels::IsaName(isa), theirs = std::string("eigen_") + ours;

    Register("gemm_bias_tanh", ours, [&k](std::size_t b, LayerBuffers& x) {
      k.gemm_bias_act(Activation::kTanh, b, kN, kN, x.in.data(), kLd, x.w.data(), kLd,
                      x.bias.data(), x.out.data(), kLd);
    });
    Register("gemm_bias_tanh", theirs, [&eigen](std::size_t b, LayerBuffers& x) {
      eigen.eigen_gemm_bias_act(Activation::kTanh, b, kN, kN, x.in.data(), kLd, x.w.data(), kLd,
                                x.bias.data(), x.out.data(), kLd);
    });
    Register("gemm_grad_w", ours, [&k](std::size_t b, LayerBuffers& x) {
      k.gemm_grad_w(b, kN, kN, x.in.data(), kLd, x.grad.data(), kLd, x.w.data(), kLd,
                    x.bias.data());
    });
    Register("gemm_grad_w", theirs, [&eigen](std::size_t b, LayerBuffers& x) {
      eigen.eigen_gemm_grad_w(b, kN, kN, x.in.data(), kLd, x.grad.data(), kLd, x.w.data(), kLd,
                              x.bias.data());
    });
    Register("gemm_grad_x_tanh", ours, [&k](std::size_t b, LayerBuffers& x) {
      k.gemm_grad_x_act(Activation::kTanh, b, kN, kN, x.grad.data(), kLd, x.w.data(), kLd,
                        x.act.data(), kLd, x.out.data(), kLd);
    });
    Register("gemm_bias_tanh_fm", ours, [&k](std::size_t b, LayerBuffers& x) {
      const std::size_t ld = PackedFmLd(b);
      k.gemm_bias_act_fm(Activation::kTanh, b, kN, kN, x.in.data(), ld, x.w.data(), kLd,
                         x.bias.data(), x.out.data(), ld);
    });
    Register("gemm_grad_x_tanh_fm", ours, [&k](std::size_t b, LayerBuffers& x) {
      const std::size_t ld = PackedFmLd(b);
      k.gemm_grad_x_act_fm(Activation::kTanh, b, kN, kN, x.grad.data(), ld, x.w.data(), kLd,
                           x.act.data(), ld, x.out.data(), ld);
    });
    Register("gemm_grad_w_fm", ours, [&k](std::size_t b, LayerBuffers& x) {
      const std::size_t ld = PackedFmLd(b);
      k.gemm_grad_w_fm(b, kN, kN, x.in.data(), ld, x.grad.data(), ld, x.w.data(), kLd,
                       x.bias.data());
    });
    Register("gemm_grad_x_tanh", theirs, [&eigen](std::size_t b, LayerBuffers& x) {
      eigen.eigen_gemm_grad_x_act(Activation::kTanh, b, kN, kN, x.grad.data(), kLd, x.w.data(), kLd,
                                  x.act.data(), kLd, x.out.data(), kLd);
    });
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
