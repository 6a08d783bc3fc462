// mse_loss_grad/<isa>/B:n: the loss and its per-sample gradient over a batch of B predictions.
// Memory-bound: bytes_per_second counts the two inputs read and the gradient written.
#include <benchmark/benchmark.h>

#include "bench/bench_util.h"
#include "kernels/kernels.h"

namespace simd_mlp::bench {
namespace {

const bool registered = [] {
  for (kernels::Isa isa : BenchIsas()) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    for (long b : kBatchSizes) {
      benchmark::RegisterBenchmark(
          BenchName("mse_loss_grad", kernels::IsaName(isa), b).c_str(),
          [k, b](benchmark::State& state) {
            FloatBuffer yhat(std::size_t(b), 1), y(std::size_t(b), 2), grad(std::size_t(b), 3);
            for (auto _ : state) {
              benchmark::DoNotOptimize(
                  k->mse_loss_grad(std::size_t(b), yhat.data(), y.data(), grad.data()));
              benchmark::ClobberMemory();
            }
            state.SetBytesProcessed(state.iterations() * b * 3 * std::int64_t(sizeof(float)));
          });
    }
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
