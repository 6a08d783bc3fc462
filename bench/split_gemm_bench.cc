// The three GEMMs of a hidden layer on a thread pool, split the way the trainer splits them
// (mlp/partition.h, mlp/model.cc): the kernel-level view of data-parallel training.
//   gemm_bias_tanh/<isa>/B:<b>/T:<t>     forward: each rank its BatchRows
//   gemm_grad_x_tanh/<isa>/B:<b>/T:<t>   input gradient: each rank its BatchRows
//   gemm_grad_w/<isa>/B:<b>/T:<t>        weight gradient: each rank a Slab of dW's rows over the
//                                        whole batch, and db (into its own scratch but on one rank)
// on the active ISA, for the batches the epoch benchmark splits (32 … 8000) and t = 1, 2 and all
// cores. T:1 runs the same job on a pool of one, so T:2 / T:1 is the split's speed-up; the plain
// <kernel>/<isa>/B:<b> benchmarks (gemm_bench.cc) call the kernel directly. Counters on wall
// time (SetWallFlopCounters); gflops counts the 2·B·100·100 FLOPs of the product, peak_frac is
// relative to one core's peak.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "kernels/kernels.h"
#include "mlp/partition.h"
#include "mlp/thread_pool.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;
using mlp::Range;
constexpr std::size_t kN = kHidden, kLd = kPaddedHidden;

enum class Product { kForward, kGradX, kGradW };

void BM_SplitGemm(benchmark::State& state, Product product, std::size_t b, int threads) {
  const auto& k = kernels::Kernels<float>();
  mlp::ThreadPool pool(threads);
  FloatBuffer in(b * kLd, 1), w(kN * kLd, 2), bias(kLd, 3), out(b * kLd, 4), act(b * kLd, 5),
      grad(b * kLd, 6), dw(kN * kLd, 7), scratch(std::size_t(threads) * kLd, 8);
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
        const Range s = mlp::Slab(kN, mlp::kWeightRowGrain, threads, rank);
        if (s.empty()) return;
        float* db = s.begin == 0 ? bias.data() : scratch.data() + std::size_t(rank) * kLd;
        k.gemm_grad_w(b, kN, s.size(), in.data() + s.begin, kLd, grad.data(), kLd,
                      dw.data() + s.begin * kLd, kLd, db);
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
  std::vector<int> thread_counts = {1};
  const int cores = mlp::AvailableCores();
  if (cores >= 2) thread_counts.push_back(2);
  if (cores > 2) thread_counts.push_back(cores);
  for (const auto& [name, product] :
       {std::pair{"gemm_bias_tanh", Product::kForward}, std::pair{"gemm_grad_w", Product::kGradW},
        std::pair{"gemm_grad_x_tanh", Product::kGradX}}) {
    for (long b : kBatchSizes) {
      if (b < 32) continue;  // not split: fewer than two 16-row blocks
      for (int threads : thread_counts) {
        benchmark::RegisterBenchmark(
            (BenchName(name, isa, b) + "/T:" + std::to_string(threads)).c_str(), BM_SplitGemm,
            product, std::size_t(b), threads);
      }
    }
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
