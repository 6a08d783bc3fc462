// shuffle/<impl>/n:8000: each epoch's reshuffle of the 8,000 training samples' order, which both
// trainers in epoch_vs_eigen pay. impl `ours` is mlp::Rng::Shuffle; `std_mt19937_64` is its
// reference form on the standard library's engine (tests/mlp/runtime/rng_reference.h), the same
// permutation. The time is per shuffle; items_per_second counts elements.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "mlp/runtime/rng.h"
#include "mlp/training/data.h"
#include "tests/mlp/runtime/rng_reference.h"

namespace simd_mlp::bench {
namespace {

constexpr std::size_t kElements = mlp::kCosTrainPoints;

template <typename ShuffleFn>
void Shuffles(benchmark::State& state, ShuffleFn shuffle) {
  std::vector<std::uint32_t> order(kElements);
  std::iota(order.begin(), order.end(), 0u);
  for (auto _ : state) {
    shuffle(order);
    benchmark::DoNotOptimize(order.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(kElements));
}

const bool registered = [] {
  const std::string suffix = "/n:" + std::to_string(kElements);
  benchmark::RegisterBenchmark(("shuffle/ours" + suffix).c_str(), [](benchmark::State& state) {
    mlp::Rng rng(1, mlp::RngStream::kShuffle);
    Shuffles(state, [&rng](std::vector<std::uint32_t>& v) { rng.Shuffle(v); });
  });
  benchmark::RegisterBenchmark(
      ("shuffle/std_mt19937_64" + suffix).c_str(), [](benchmark::State& state) {
        std::mt19937_64 engine = mlp::ref::Engine(1, mlp::RngStream::kShuffle);
        Shuffles(state, [&engine](std::vector<std::uint32_t>& v) { mlp::ref::Shuffle(engine, v); });
      });
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
