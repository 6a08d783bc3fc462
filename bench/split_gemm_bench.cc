// The three GEMMs of a hidden layer on a thread pool, split the way the trainer splits them
// (mlp/core/partition.h, mlp/core/model.cc): the kernel-level view of data-parallel training.
//   f32_gemm_bias_act__<isa>/tanh/B:<b>/T:<t>     forward: each rank its BatchRows
//   f32_gemm_grad_x_act__<isa>/tanh/B:<b>/T:<t>   input gradient: each rank its BatchRows
//   f32_gemm_grad_w__<isa>/B:<b>/T:<t>            weight gradient: each rank dW and db of its
//                                                 gradient blocks of the batch, then its slab of
//                                                 their sum
// on the active ISA, for the batches the epoch benchmark splits (32 … 8000) and t = 1, 2 and all
// cores. T:1 runs the same job on a pool of one, so T:2 / T:1 is the split's speed-up; the same
// names without /T: (bench/kernels/gemm_bench.cc) call the kernel directly. Counters on wall
// time (SetWallFlopCounters); gflops counts the 2·B·100·100 FLOPs of the product, peak_frac is
// relative to one core's peak.
// (The trainer also runs each rank's forward rows in pieces of about 256, and past 1,024 rows the
// input gradients by gradient blocks, between the other kernels of a step: this measures each
// product split across the ranks, on its own.)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/kernels/kernel_bench.h"
#include "kernels/kernels.h"
#include "mlp/core/partition.h"
#include "mlp/runtime/cores.h"
#include "mlp/runtime/thread_pool.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;
using mlp::Range;
constexpr std::size_t kN = kHidden, kLd = kPaddedHidden;

enum class Product { kForward, kGradX, kGradW };

void BM_SplitGemm(benchmark::State& state, Product product, std::size_t b, int threads) {
  const auto& k = kernels::Kernels<float>();
  mlp::ThreadPool pool(threads);
  // A weight gradient's dW and db, one after the other: block 0's, then the other blocks'.
  constexpr std::size_t kGradSize = kN * kLd + kLd;
  FloatBuffer in(b * kLd, 1), w(kN * kLd, 2), bias(kLd, 3), out(b * kLd, 4), act(b * kLd, 5),
      grad(b * kLd, 6), dw(kGradSize, 7),
      blocks_dw(std::max<std::size_t>(1, mlp::GradientBlocks(b) - 1) * kGradSize, 8);
  auto job = [&](int rank) {
    const Range rows = mlp::BatchRows(b, threads, rank);
    const std::size_t r = rows.begin;
    switch (product) {
      case Product::kForward:
        if (rows.empty()) return;
        k.gemm_bias_act(Activation::kTanh, rows.size(), kN, kN, in.data() + r * kLd, kLd, w.data(),
                        kLd, bias.data(), out.data() + r * kLd, kLd);
        break;
      case Product::kGradX:
        if (rows.empty()) return;
        k.gemm_grad_x_act(Activation::kTanh, rows.size(), kN, kN, grad.data() + r * kLd, kLd,
                          w.data(), kLd, act.data() + r * kLd, kLd, out.data() + r * kLd, kLd);
        break;
      case Product::kGradW: {
        // Each rank the dW and db of its blocks of the batch, then its slab of their sum.
        const std::size_t blocks = mlp::GradientBlocks(b);
        const Range mine = mlp::Slab(blocks, 1, threads, rank);
        for (std::size_t j = mine.begin; j < mine.end; ++j) {
          const Range block_rows = mlp::GradientBlockRows(b, j);
          float* const sum = j == 0 ? dw.data() : blocks_dw.data() + (j - 1) * kGradSize;
          k.gemm_grad_w(block_rows.size(), kN, kN, in.data() + block_rows.begin * kLd, kLd,
                        grad.data() + block_rows.begin * kLd, kLd, sum, kLd, sum + kN * kLd);
        }
        if (blocks == 1) break;
        pool.Barrier();
        const Range slab = mlp::Slab(kGradSize, mlp::kVectorGrain, threads, rank);
        for (std::size_t j = 1; j < blocks && !slab.empty(); ++j) {
          k.accumulate(slab.size(), blocks_dw.data() + (j - 1) * kGradSize + slab.begin,
                       dw.data() + slab.begin);
        }
        break;
      }
    }
  };
  const double start = WallSeconds();
  for (auto _ : state) {
    pool.Run(job);
    benchmark::ClobberMemory();
  }
  SetWallFlopCounters(state, 2.0 * double(b) * kN * kN, WallSeconds() - start);
}

const bool registered = [] {
  const std::string isa = kernels::IsaName(kernels::ActiveIsa());
  using kernels::KernelId;
  std::vector<int> thread_counts = {1};
  const int cores = mlp::AvailableCores();
  if (cores >= 2) thread_counts.push_back(2);
  if (cores > 2) thread_counts.push_back(cores);
  struct Split {
    KernelId kernel;
    const char* variant;
    Product product;
  };
  for (const auto& [kernel, variant, product] :
       {Split{KernelId::kGemmBiasAct, "tanh", Product::kForward},
        Split{KernelId::kGemmGradW, "", Product::kGradW},
        Split{KernelId::kGemmGradXAct, "tanh", Product::kGradX}}) {
    for (long b : kBatchSizes) {
      if (b < 32) continue;  // not split: fewer than two 16-row blocks
      for (int threads : thread_counts) {
        benchmark::RegisterBenchmark(
            (KernelBenchName(kernel, isa, variant, b) + "/T:" + std::to_string(threads)).c_str(),
            BM_SplitGemm, product, std::size_t(b), threads);
      }
    }
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
