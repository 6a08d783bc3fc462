// The feature-major GEMMs at the MLP's hidden-layer shape (gemm_bench.h; one column per sample,
// rows PackedFmLd(B) floats apart), ours on every supported ISA:
//   f32_gemm_bias_act_fm__<isa>/tanh/B:<b>     Ct = tanh(Wᵀ·At + b)
//   f32_gemm_grad_x_act_fm__<isa>/tanh/B:<b>   dXt = (W·Gt) ⊙ (1 − At²)
//   f32_gemm_grad_w_fm__<isa>/B:<b>            dW = At·Gtᵀ and db = Σ Gt
#include "bench/kernels/gemm_bench.h"

namespace simd_mlp::bench {

using kernels::Activation;

template <>
struct KernelBenchmark<KernelId::kGemmBiasActFm> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    RegisterProduct(KernelId::kGemmBiasActFm, isa, kernels::IsaName(isa), "tanh",
                    [&k](std::size_t b, LayerBuffers& x) {
                      const std::size_t ld = PackedFmLd(b);
                      k.gemm_bias_act_fm(Activation::kTanh, b, kN, kN, x.in.data(), ld, x.w.data(),
                                         kLd, x.bias.data(), x.out.data(), ld);
                    });
  }
};

template <>
struct KernelBenchmark<KernelId::kGemmGradXActFm> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    RegisterProduct(KernelId::kGemmGradXActFm, isa, kernels::IsaName(isa), "tanh",
                    [&k](std::size_t b, LayerBuffers& x) {
                      const std::size_t ld = PackedFmLd(b);
                      k.gemm_grad_x_act_fm(Activation::kTanh, b, kN, kN, x.grad.data(), ld,
                                           x.w.data(), kLd, x.act.data(), ld, x.out.data(), ld);
                    });
  }
};

template <>
struct KernelBenchmark<KernelId::kGemmGradWFm> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    RegisterProduct(KernelId::kGemmGradWFm, isa, kernels::IsaName(isa), "",
                    [&k](std::size_t b, LayerBuffers& x) {
                      const std::size_t ld = PackedFmLd(b);
                      k.gemm_grad_w_fm(b, kN, kN, x.in.data(), ld, x.grad.data(), ld, x.w.data(),
                                       kLd, x.bias.data());
                    });
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(gemm_fm);

}  // namespace simd_mlp::bench
