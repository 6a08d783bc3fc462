// Optimizer updates over the MLP's flat parameter arena, <optimizer>/<isa>, at the padded size of
// W1, b1, …, W4, b4 (kParams below); and accumulate/<isa>, the y += x that adds one block's
// gradients into the batch's sum (mlp/core/model.cc), over the same size.
// Memory-bound: bytes_per_second counts every array read and written.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "bench/bench_util.h"
#include "kernels/kernels.h"

namespace simd_mlp::bench {
namespace {

// W1 (1×112), b1, b2, b3 (112 each), W2 and W3 (100×112 each), W4 (112), b4 (16: one vector).
constexpr std::size_t kParams = 112 + 3 * 112 + 2 * 100 * 112 + 112 + 16;

template <typename Update>
void Register(const std::string& name, kernels::Isa isa, int arrays_touched, Update update) {
  benchmark::RegisterBenchmark((name + "/" + kernels::IsaName(isa)).c_str(),
                               [update, arrays_touched](benchmark::State& state) {
                                 FloatBuffer p(kParams, 1), g(kParams, 2), s1(kParams, 3),
                                     s2(kParams, 4);
                                 // Mean squares are ≥ 0: a negative one would turn RMSprop's
                                 // parameters into NaN after one step.
                                 for (std::size_t i = 0; i < kParams; ++i) {
                                   s1.data()[i] = std::abs(s1.data()[i]);
                                   s2.data()[i] = std::abs(s2.data()[i]);
                                 }
                                 std::int64_t step = 0;
                                 for (auto _ : state) {
                                   update(++step, p.data(), g.data(), s1.data(), s2.data());
                                   benchmark::ClobberMemory();
                                 }
                                 state.SetBytesProcessed(state.iterations() * arrays_touched *
                                                         std::int64_t(kParams * sizeof(float)));
                               });
}

const bool registered = [] {
  for (kernels::Isa isa : BenchIsas()) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    // arrays touched: reads and writes of p, g and state, counted once each way.
    Register("sgd", isa, 3, [k](std::int64_t, float* p, const float* g, float*, float*) {
      k->sgd(kParams, 1e-2f, g, p);
    });
    Register("momentum", isa, 5, [k](std::int64_t, float* p, const float* g, float* v, float*) {
      k->momentum(kParams, {1e-2f, 0.9f, false}, g, v, p);
    });
    Register("nesterov", isa, 5, [k](std::int64_t, float* p, const float* g, float* v, float*) {
      k->momentum(kParams, {1e-2f, 0.9f, true}, g, v, p);
    });
    Register("rmsprop", isa, 5, [k](std::int64_t, float* p, const float* g, float* s, float*) {
      k->rmsprop(kParams, {1e-3f, 0.9f, 1e-7f}, g, s, p);
    });
    Register("adam", isa, 7, [k](std::int64_t t, float* p, const float* g, float* m, float* v) {
      k->adam(kParams, {1e-3f, 0.9f, 0.999f, 1e-7f}, t, g, m, v, p);
    });
    Register("accumulate", isa, 3, [k](std::int64_t, float* p, const float* g, float*, float*) {
      k->accumulate(kParams, g, p);
    });
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
