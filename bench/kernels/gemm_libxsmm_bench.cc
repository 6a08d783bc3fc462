// libxsmm (bench/libxsmm_gemm.h) beside our batch-major GEMMs at the MLP's hidden-layer shape
// (gemm_bench.h), with `libxsmm` in the ISA's place of the kernels' names:
//   f32_gemm_bias_act__libxsmm/identity/B:<b>   libxsmm's product, then the bias pass
//   f32_gemm_bias_act__libxsmm/tanh/B:<b>       … then the bias and tanh pass
//   f32_gemm_grad_w__libxsmm/B:<b>              dW, then db's pass: the outputs of ours
//   f32_gemm_grad_w__libxsmm/product/B:<b>      dW alone
//   f32_gemm_grad_x_act__libxsmm/tanh/B:<b>     Wᵀ transposed, the product, then the tanh' pass
// with gflops and peak_frac (2·B·100·100 FLOPs, as ours), and the label libxsmm:<its code path>.
// The passes run on our elementwise kernels of the active ISA (SIMD_MLP_ISA); LIBXSMM_TARGET
// forces libxsmm's path (hsw for AVX2), so `SIMD_MLP_ISA=avx2 LIBXSMM_TARGET=hsw` compares on AVX2.
//
// In turns, each of ours on the active ISA against its libxsmm counterpart (the same buffers,
// kCallsPerTurn calls each, kTurns turns per iteration):
//   f32_gemm_bias_act__<isa>/identity/B:<b>/vs_libxsmm, …/tanh/…, f32_gemm_grad_w__<isa>/B:<b>/…,
//   f32_gemm_grad_w__<isa>/product/B:<b>/vs_libxsmm (ours, db included, against libxsmm's dW
//   alone), f32_gemm_grad_x_act__<isa>/tanh/B:<b>/vs_libxsmm
// counters: libxsmm_over_ours (the median over the turns of libxsmm's time / ours; above 1, ours
// is faster), ours_us and libxsmm_us (each side's median time per call), in the thread's CPU time
// as the other benchmarks' counters.
//
// x86 only: a library of its own (bench/BUILD: :libxsmm_bench), which //bench links on x86-64.
#include <benchmark/benchmark.h>
#include <time.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/kernels/gemm_bench.h"
#include "bench/libxsmm_gemm.h"
#include "bench/median.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;

constexpr int kCallsPerTurn = 10, kTurns = 15;

// The calling thread's CPU time: on a shared machine the wall clock of a 40 µs turn also counts
// the time other processes held the core.
double ThreadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// One product of each side over the same buffers.
struct Pair {
  KernelId id;
  std::string variant;
  Product ours, libxsmm;
};

std::vector<Pair> Pairs(const kernels::KernelTable<float>& k, LibxsmmGemm& x) {
  auto forward_ours = [&k](Activation act) {
    return [&k, act](std::size_t b, LayerBuffers& l) {
      k.gemm_bias_act(act, b, kN, kN, l.in.data(), kLd, l.w.data(), kLd, l.bias.data(),
                      l.out.data(), kLd);
    };
  };
  auto forward_libxsmm = [&x](Activation act) {
    return [&x, act](std::size_t b, LayerBuffers& l) {
      x.GemmBiasAct(act, b, kN, kN, l.in.data(), kLd, l.w.data(), kLd, l.bias.data(), l.out.data(),
                    kLd);
    };
  };
  const Product grad_w_ours = [&k](std::size_t b, LayerBuffers& l) {
    k.gemm_grad_w(b, kN, kN, l.in.data(), kLd, l.grad.data(), kLd, l.w.data(), kLd, l.bias.data());
  };
  return {
      {KernelId::kGemmBiasAct, "identity", forward_ours(Activation::kIdentity),
       forward_libxsmm(Activation::kIdentity)},
      {KernelId::kGemmBiasAct, "tanh", forward_ours(Activation::kTanh),
       forward_libxsmm(Activation::kTanh)},
      {KernelId::kGemmGradW, "", grad_w_ours,
       [&x](std::size_t b, LayerBuffers& l) {
         x.GemmGradW(b, kN, kN, l.in.data(), kLd, l.grad.data(), kLd, l.w.data(), kLd,
                     l.bias.data());
       }},
      {KernelId::kGemmGradW, "product", grad_w_ours,
       [&x](std::size_t b, LayerBuffers& l) {
         x.GemmGradWProduct(b, kN, kN, l.in.data(), kLd, l.grad.data(), kLd, l.w.data(), kLd);
       }},
      {KernelId::kGemmGradXAct, "tanh",
       [&k](std::size_t b, LayerBuffers& l) {
         k.gemm_grad_x_act(Activation::kTanh, b, kN, kN, l.grad.data(), kLd, l.w.data(), kLd,
                           l.act.data(), kLd, l.out.data(), kLd);
       },
       [&x](std::size_t b, LayerBuffers& l) {
         x.GemmGradXAct(Activation::kTanh, b, kN, kN, l.grad.data(), kLd, l.w.data(), kLd,
                        l.act.data(), kLd, l.out.data(), kLd);
       }},
  };
}

void Compare(benchmark::State& state, const Product& ours, const Product& libxsmm, std::size_t b) {
  LayerBuffers buffers(b);
  auto time_us = [&](const Product& product) {
    const double start = ThreadSeconds();
    for (int i = 0; i < kCallsPerTurn; ++i) {
      product(b, buffers);
      benchmark::ClobberMemory();
    }
    return (ThreadSeconds() - start) * 1e6 / kCallsPerTurn;
  };
  std::vector<double> ours_us, libxsmm_us, ratios;
  for (auto _ : state) {
    for (int turn = 0; turn < kTurns; ++turn) {
      libxsmm_us.push_back(time_us(libxsmm));
      ours_us.push_back(time_us(ours));
      ratios.push_back(libxsmm_us.back() / ours_us.back());
    }
  }
  state.counters["libxsmm_over_ours"] = Median(ratios);
  state.counters["ours_us"] = Median(ours_us);
  state.counters["libxsmm_us"] = Median(libxsmm_us);
  state.SetLabel(std::string("libxsmm:") + LibxsmmGemm::TargetArch());
}

[[maybe_unused]] const bool kRegistered = [] {
  const kernels::KernelTable<float>& k = kernels::Kernels<float>();
  // Lives as long as the benchmarks that call it: to the end of the process.
  static LibxsmmGemm* const libxsmm = new LibxsmmGemm(k);
  const std::string isa = kernels::IsaName(kernels::ActiveIsa());
  for (const Pair& pair : Pairs(k, *libxsmm)) {
    RegisterProduct(pair.id, kernels::ActiveIsa(), "libxsmm", pair.variant, pair.libxsmm,
                    std::string("libxsmm:") + LibxsmmGemm::TargetArch());
    for (long b : kBatchSizes) {
      benchmark::RegisterBenchmark(
          (KernelBenchName(pair.id, isa, pair.variant, b) + "/vs_libxsmm").c_str(),
          [pair, b](benchmark::State& state) {
            Compare(state, pair.ours, pair.libxsmm, std::size_t(b));
          });
    }
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
