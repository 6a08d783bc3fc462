// The optimizer updates over the MLP's flat parameter arena (kArenaParams floats), on every
// supported ISA: f32_sgd__<isa>, f32_momentum__<isa> and f32_momentum__<isa>/nesterov,
// f32_rmsprop__<isa>, f32_adam__<isa>. Memory-bound: bytes_per_second counts every array read
// and written, once each way.
#include "bench/kernels/kernel_bench.h"

namespace simd_mlp::bench {

template <>
struct KernelBenchmark<KernelId::kSgd> {
  static void Register(kernels::Isa isa) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    RegisterArenaBenchmark(KernelBenchName(KernelId::kSgd, kernels::IsaName(isa), ""), 3,
                           [k](std::int64_t, float* p, const float* g, float*, float*) {
                             k->sgd(kArenaParams, 1e-2f, g, p);
                           });
  }
};

template <>
struct KernelBenchmark<KernelId::kMomentum> {
  static void Register(kernels::Isa isa) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    for (bool nesterov : {false, true}) {
      RegisterArenaBenchmark(
          KernelBenchName(KernelId::kMomentum, kernels::IsaName(isa), nesterov ? "nesterov" : ""),
          5, [k, nesterov](std::int64_t, float* p, const float* g, float* v, float*) {
            k->momentum(kArenaParams, {1e-2f, 0.9f, nesterov}, g, v, p);
          });
    }
  }
};

template <>
struct KernelBenchmark<KernelId::kRmsprop> {
  static void Register(kernels::Isa isa) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    RegisterArenaBenchmark(KernelBenchName(KernelId::kRmsprop, kernels::IsaName(isa), ""), 5,
                           [k](std::int64_t, float* p, const float* g, float* s, float*) {
                             k->rmsprop(kArenaParams, {1e-3f, 0.9f, 1e-7f}, g, s, p);
                           });
  }
};

template <>
struct KernelBenchmark<KernelId::kAdam> {
  static void Register(kernels::Isa isa) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    RegisterArenaBenchmark(KernelBenchName(KernelId::kAdam, kernels::IsaName(isa), ""), 7,
                           [k](std::int64_t t, float* p, const float* g, float* m, float* v) {
                             k->adam(kArenaParams, {1e-3f, 0.9f, 0.999f, 1e-7f}, t, g, m, v, p);
                           });
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(optimizer);

}  // namespace simd_mlp::bench
