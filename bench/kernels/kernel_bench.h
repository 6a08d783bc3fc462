// The kernels' benchmarks: each kernel of kernels/kernel_list.inc has a KernelBenchmark, which
// registers its float benchmarks on one ISA, and each family's file
// (bench/kernels/<family>_bench.cc) registers those of every kernel of the family on every ISA this
// CPU supports. Names:
//   <kernel name>/<variant>/B:<batch>     e.g. f32_gemm_bias_act__avx512/tanh/B:32
// the kernel's name as everywhere (kernel_list.inc), the variant its arguments take (an
// activation, an optimizer; none for most), and the batch (none for the optimizers, which run over
// the MLP's whole parameter arena). A baseline compiled for an ISA takes the ISA's place, named
// <baseline>_<isa>: f32_gemm_bias_act__eigen_avx512/tanh/B:32 (Eigen 3.4, bench/simd/),
// f32_activate__xsimd_avx512/tanh/B:32 (xsimd::tanh). So --benchmark_filter='__avx512/' runs one
// ISA's kernels, and 'f32_gemm_bias_act__' one kernel beside its baselines.
#ifndef SIMD_MLP_BENCH_KERNELS_KERNEL_BENCH_H_
#define SIMD_MLP_BENCH_KERNELS_KERNEL_BENCH_H_

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <string>

#include "bench/bench_util.h"
#include "kernels/kernels.h"

namespace simd_mlp::bench {

using kernels::KernelId;

// The benchmarks of kernel `id`:
//   template <> struct KernelBenchmark<KernelId::kGemmBiasAct> {
//     static void Register(kernels::Isa isa);   // its float kernel on `isa`, and baselines
//   };
// specialized in bench/kernels/<family>_bench.cc for each kernel of the family. (A kernel without
// one fails to compile there: "incomplete type KernelBenchmark<KernelId::k...>".)
template <KernelId id>
struct KernelBenchmark;

// "f32_gemm_bias_act__avx512/tanh/B:32": kernel `id` (float) on `impl`, an ISA's name or a
// baseline's, with `variant` (none if empty) at batch `batch` (none if 0).
std::string KernelBenchName(KernelId id, const std::string& impl, const std::string& variant,
                            long batch = 0);

// "eigen_avx512": a baseline compiled for `isa`, in the ISA's place in a kernel's name.
std::string BaselineName(const char* baseline, kernels::Isa isa);

// The flat kernels' benchmarks (the optimizers, accumulate): `name`, update(t, p, g, s1, s2) per
// iteration t = 1, 2, … over four arrays of the MLP's padded parameter count (kArenaParams), s1
// and s2 non-negative (mean squares must be). Memory-bound: bytes_per_second counts
// arrays_touched arrays read or written.
using ArenaUpdate =
    std::function<void(std::int64_t t, float* p, const float* g, float* s1, float* s2)>;
void RegisterArenaBenchmark(const std::string& name, int arrays_touched, const ArenaUpdate& update);

// A fused kernel against the composition it replaces, in turns: per benchmark iteration, 15
// turns of 20 calls of unfused() then 20 of fused(), each turn timed in wall time. Counters:
// unfused_over_fused (the median over the turns of the composition's time / the fused kernel's),
// fused_us and unfused_us (the medians of each side's time per call).
void CompareFusedInTurns(benchmark::State& state, const std::function<void()>& fused,
                         const std::function<void()>& unfused);

// W1 (1×112), b1, b2, b3 (112 each), W2 and W3 (100×112 each), W4 (112), b4 (16: one vector).
inline constexpr std::size_t kArenaParams = 112 + 3 * 112 + 2 * 100 * 112 + 112 + 16;

// Registers the benchmarks of kernel `id` on every ISA this CPU supports.
template <KernelId id>
void RegisterKernelBenchmarks() {
  for (kernels::Isa isa : BenchIsas()) KernelBenchmark<id>::Register(isa);
}

// At the end of bench/kernels/<family>_bench.cc: registers the benchmarks of every kernel that
// kernel_list.inc puts in `family`, each of which must have a KernelBenchmark.
#define SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(family_name)                       \
  [[maybe_unused]] const bool kKernelBenchmarksRegistered = [] {               \
    ::simd_mlp::kernels::ForEachKernel([](auto id) {                           \
      constexpr ::simd_mlp::kernels::KernelId kId = decltype(id)::value;       \
      if constexpr (::simd_mlp::kernels::Kernel(kId).family == #family_name) { \
        ::simd_mlp::bench::RegisterKernelBenchmarks<kId>();                    \
      }                                                                        \
    });                                                                        \
    return true;                                                               \
  }()

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_KERNELS_KERNEL_BENCH_H_
