// The batch-major GEMMs at the MLP's hidden-layer shape (gemm_bench.h), ours on every supported
// ISA beside Eigen compiled for the same ISA:
//   f32_gemm_bias_act__<impl>/tanh/B:<b>     forward, C = tanh(A·W + b)
//   f32_gemm_bias_act__<isa>/identity/B:<b>  forward, C = A·W + b (ours only: the product beside
//                                            libxsmm's plus a bias pass, gemm_libxsmm_bench.cc)
//   f32_gemm_grad_w__<impl>/B:<b>            dW = Aᵀ·G and db = Σ G (the batch reduction)
//   f32_gemm_grad_x_act__<impl>/tanh/B:<b>   dX = (G·Wᵀ) ⊙ (1 − A²)
// <impl> is an ISA's name or eigen_<isa>.
#include "bench/kernels/gemm_bench.h"

#include "bench/bench_targets.h"

namespace simd_mlp::bench {

using kernels::Activation;

template <>
struct KernelBenchmark<KernelId::kGemmBiasAct> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& eigen = BenchTargetFor(isa);
    for (Activation act : {Activation::kTanh, Activation::kIdentity}) {
      RegisterProduct(KernelId::kGemmBiasAct, isa, kernels::IsaName(isa),
                      kernels::ActivationName(act), [&k, act](std::size_t b, LayerBuffers& x) {
                        k.gemm_bias_act(act, b, kN, kN, x.in.data(), kLd, x.w.data(), kLd,
                                        x.bias.data(), x.out.data(), kLd);
                      });
    }
    RegisterProduct(KernelId::kGemmBiasAct, isa, BaselineName("eigen", isa), "tanh",
                    [&eigen](std::size_t b, LayerBuffers& x) {
                      eigen.eigen_gemm_bias_act(Activation::kTanh, b, kN, kN, x.in.data(), kLd,
                                                x.w.data(), kLd, x.bias.data(), x.out.data(), kLd);
                    });
  }
};

template <>
struct KernelBenchmark<KernelId::kGemmGradW> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& eigen = BenchTargetFor(isa);
    RegisterProduct(KernelId::kGemmGradW, isa, kernels::IsaName(isa), "",
                    [&k](std::size_t b, LayerBuffers& x) {
                      k.gemm_grad_w(b, kN, kN, x.in.data(), kLd, x.grad.data(), kLd, x.w.data(),
                                    kLd, x.bias.data());
                    });
    RegisterProduct(KernelId::kGemmGradW, isa, BaselineName("eigen", isa), "",
                    [&eigen](std::size_t b, LayerBuffers& x) {
                      eigen.eigen_gemm_grad_w(b, kN, kN, x.in.data(), kLd, x.grad.data(), kLd,
                                              x.w.data(), kLd, x.bias.data());
                    });
  }
};

template <>
struct KernelBenchmark<KernelId::kGemmGradXAct> {
  static void Register(kernels::Isa isa) {
    const auto& k = kernels::KernelsFor<float>(isa);
    const BenchTargetTable& eigen = BenchTargetFor(isa);
    RegisterProduct(KernelId::kGemmGradXAct, isa, kernels::IsaName(isa), "tanh",
                    [&k](std::size_t b, LayerBuffers& x) {
                      k.gemm_grad_x_act(Activation::kTanh, b, kN, kN, x.grad.data(), kLd,
                                        x.w.data(), kLd, x.act.data(), kLd, x.out.data(), kLd);
                    });
    RegisterProduct(KernelId::kGemmGradXAct, isa, BaselineName("eigen", isa), "tanh",
                    [&eigen](std::size_t b, LayerBuffers& x) {
                      eigen.eigen_gemm_grad_x_act(Activation::kTanh, b, kN, kN, x.grad.data(), kLd,
                                                  x.w.data(), kLd, x.act.data(), kLd, x.out.data(),
                                                  kLd);
                    });
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(gemm);

}  // namespace simd_mlp::bench
