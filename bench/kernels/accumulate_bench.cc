// f32_accumulate__<isa>: y += x over the MLP's parameter arena (kArenaParams floats), the step
// that adds one block's gradients into the batch's sum (mlp/core/model.cc). Memory-bound:
// bytes_per_second counts the two arrays read and the one written.
#include "bench/kernels/kernel_bench.h"

namespace simd_mlp::bench {

template <>
struct KernelBenchmark<KernelId::kAccumulate> {
  static void Register(kernels::Isa isa) {
    const auto* k = &kernels::KernelsFor<float>(isa);
    RegisterArenaBenchmark(KernelBenchName(KernelId::kAccumulate, kernels::IsaName(isa), ""), 3,
                           [k](std::int64_t, float* p, const float* g, float*, float*) {
                             k->accumulate(kArenaParams, g, p);
                           });
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(accumulate);

}  // namespace simd_mlp::bench
