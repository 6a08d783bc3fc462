// fma_peak: the machine's single-core FP32 FMA throughput, measured by a register-only loop on the
// best ISA (the denominator of every peak_frac), and fma_peak/<isa> for each supported ISA.
#include <benchmark/benchmark.h>

#include "bench/bench_targets.h"
#include "bench/bench_util.h"

namespace simd_mlp::bench {
namespace {

void BM_FmaPeak(benchmark::State& state, kernels::Isa isa) {
  const BenchTargetTable& target = BenchTargetFor(isa);
  constexpr std::int64_t kIterations = 1 << 16;
  double flops = 0;
  for (auto _ : state) flops = target.fma_peak_loop(kIterations);
  state.counters["gflops"] =
      benchmark::Counter(flops * 1e-9 * double(state.iterations()), benchmark::Counter::kIsRate);
}

const bool registered = [] {
  benchmark::RegisterBenchmark("fma_peak", BM_FmaPeak, kernels::BestSupportedIsa());
  for (kernels::Isa isa : kernels::SupportedIsas()) {
    if (isa == kernels::Isa::kRef) continue;
    benchmark::RegisterBenchmark((std::string("fma_peak/") + kernels::IsaName(isa)).c_str(),
                                 BM_FmaPeak, isa);
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
