#include "bench/kernels/kernel_bench.h"

#include <cstdlib>
#include <vector>

#include "bench/median.h"

namespace simd_mlp::bench {

std::string KernelBenchName(KernelId id, const std::string& impl, const std::string& variant,
                            long batch) {
  std::string name = kernels::KernelName(id, kernels::kElementName<float>, impl);
  if (!variant.empty()) name += "/" + variant;
  if (batch != 0) name += "/B:" + std::to_string(batch);
  return name;
}

std::string BaselineName(const char* baseline, kernels::Isa isa) {
  return std::string(baseline) + "_" + kernels::IsaName(isa);
}

void CompareFusedInTurns(benchmark::State& state, const std::function<void()>& fused,
                         const std::function<void()>& unfused) {
  constexpr int kCallsPerTurn = 20, kTurns = 15;
  auto time_us = [](const std::function<void()>& call) {
    const double start = WallSeconds();
    for (int i = 0; i < kCallsPerTurn; ++i) {
      call();
      benchmark::ClobberMemory();
    }
    return (WallSeconds() - start) * 1e6 / kCallsPerTurn;
  };
  std::vector<double> fused_us, unfused_us, ratios;
  for (auto _ : state) {
    for (int turn = 0; turn < kTurns; ++turn) {
      unfused_us.push_back(time_us(unfused));
      fused_us.push_back(time_us(fused));
      ratios.push_back(unfused_us.back() / fused_us.back());
    }
  }
  state.counters["unfused_over_fused"] = Median(ratios);
  state.counters["fused_us"] = Median(fused_us);
  state.counters["unfused_us"] = Median(unfused_us);
}

void RegisterArenaBenchmark(const std::string& name, int arrays_touched,
                            const ArenaUpdate& update) {
  benchmark::RegisterBenchmark(name.c_str(), [update, arrays_touched](benchmark::State& state) {
    FloatBuffer p(kArenaParams, 1), g(kArenaParams, 2), s1(kArenaParams, 3), s2(kArenaParams, 4);
    // Mean squares are ≥ 0: a negative one would turn RMSprop's parameters into NaN after
    // one step.
    for (std::size_t i = 0; i < kArenaParams; ++i) {
      s1.data()[i] = std::abs(s1.data()[i]);
      s2.data()[i] = std::abs(s2.data()[i]);
    }
    std::int64_t step = 0;
    for (auto _ : state) {
      update(++step, p.data(), g.data(), s1.data(), s2.data());
      benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * arrays_touched *
                            std::int64_t(kArenaParams * sizeof(float)));
  });
}

}  // namespace simd_mlp::bench
