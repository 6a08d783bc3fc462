// f32_mse_loss_grad__<isa>/B:<b>: the loss and its per-sample gradient over a batch of B
// predictions. Memory-bound: bytes_per_second counts the two inputs read and the gradient written.
#include "bench/kernels/kernel_bench.h"

namespace simd_mlp::bench {

template <>
struct KernelBenchmark<KernelId::kMseLossGrad> {
  static void Register(kernels::Isa isa) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    for (long b : kBatchSizes) {
      benchmark::RegisterBenchmark(
          KernelBenchName(KernelId::kMseLossGrad, kernels::IsaName(isa), "", b).c_str(),
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
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(mse);

}  // namespace simd_mlp::bench
