// What the benchmarks of both GEMM families share (gemm_bench.cc, gemm_fm_bench.cc): one hidden
// layer of the MLP (B×100 · 100×100, rows padded to 112 floats) at every batch of kBatchSizes.
// gflops counts the useful 2·B·100·100 FLOPs of the product.
#ifndef SIMD_MLP_BENCH_KERNELS_GEMM_BENCH_H_
#define SIMD_MLP_BENCH_KERNELS_GEMM_BENCH_H_

#include <functional>
#include <string>

#include "bench/kernels/kernel_bench.h"

namespace simd_mlp::bench {

inline constexpr std::size_t kN = kHidden, kLd = kPaddedHidden;

// Rows of a feature-major matrix at batch b: whole vectors, as the batch-major rows are. (The
// trainer adds one more where that is a multiple of 64 floats, mlp::FeatureMajorLd; it runs
// feature-major from 16 to 127 samples, and of the batches here only 32, whose stride is the same.)
inline std::size_t PackedFmLd(std::size_t b) { return (b + 15) / 16 * 16; }

// Buffers for one hidden layer at batch b: activations in, weights, bias, and an output; every
// matrix padded to rows of 112 floats (batch-major) or of PackedFmLd(b) (feature-major: 112
// rows), so that either layout fits.
struct LayerBuffers {
  explicit LayerBuffers(std::size_t b)
      : in(Size(b), 1),
        w(kN * kLd, 2),
        bias(kLd, 3),
        out(Size(b), 4),
        act(Size(b), 5),
        grad(Size(b), 6) {}
  static std::size_t Size(std::size_t b) { return PackedFmLd(b) * kLd; }
  FloatBuffer in, w, bias, out, act, grad;
};

using Product = std::function<void(std::size_t b, LayerBuffers&)>;

// <kernel `id` on impl>/<variant>/B:<b> for every batch b: product(b, buffers) per iteration;
// impl is `isa` or a baseline compiled for it (or, as libxsmm, running on it), whose peak
// peak_frac is of; labelled `label` if it is not empty.
inline void RegisterProduct(KernelId id, kernels::Isa isa, const std::string& impl,
                            const std::string& variant, const Product& product,
                            const std::string& label = "") {
  for (long b : kBatchSizes) {
    benchmark::RegisterBenchmark(KernelBenchName(id, impl, variant, b).c_str(),
                                 [product, b, isa, label](benchmark::State& state) {
                                   LayerBuffers buffers(static_cast<std::size_t>(b));
                                   for (auto _ : state) {
                                     product(std::size_t(b), buffers);
                                     benchmark::ClobberMemory();
                                   }
                                   SetFlopCounters(state, 2.0 * double(b) * kN * kN, isa);
                                   if (!label.empty()) state.SetLabel(label);
                                 });
  }
}

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_KERNELS_GEMM_BENCH_H_
