// dense_backward_step (kernels/dense_step.h) at the MLP's hidden-layer shape (100 × 100 weights,
// rows of 112 floats) and the small batches the trainer runs it at, with the `keras` recipe's
// RMSprop:
//   f32_dense_backward_step__<isa>/rmsprop/B:<b>              the kernel
//   f32_dense_backward_step__<isa>/rmsprop/B:<b>/vs_unfused   against the composition
// The composition is what a step did before it: gemm_grad_x_act (dX from W), gemm_grad_w (dW and
// db into a gradient arena) and the flat rmsprop kernel over W's 100 × 112 floats and b's 112.
// In vs_unfused the two take turns (CompareFusedInTurns, kernel_bench.h).
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

#include "bench/kernels/kernel_bench.h"

namespace simd_mlp::bench {
namespace {

constexpr std::size_t kN = kHidden, kLd = kPaddedHidden;
const long kSmallBatches[] = {1, 8};

class DenseStepRunner {
 public:
  DenseStepRunner(kernels::Isa isa, std::size_t batch)
      : k_(kernels::KernelsFor<float>(isa)),
        batch_(batch),
        a_(batch * kLd, 1),
        g_(batch * kLd, 2),
        dx_(batch * kLd, 3),
        dw_(kN * kLd, 4),
        db_(kLd, 5),
        w_(kN * kLd, 6),
        s_(kN * kLd, 7),
        b_(kLd, 8),
        bs_(kLd, 9) {
    // Mean squares are ≥ 0; deltas small, as in training.
    for (std::size_t i = 0; i < kN * kLd; ++i) s_.data()[i] = std::abs(s_.data()[i]);
    for (std::size_t i = 0; i < kLd; ++i) bs_.data()[i] = std::abs(bs_.data()[i]);
    for (std::size_t i = 0; i < batch * kLd; ++i) g_.data()[i] *= 1e-3f;
  }

  void Fused() {
    k_.dense_backward_step(kernels::Activation::kTanh, batch_, kN, kN, a_.data(), kLd, g_.data(),
                           kLd, dx_.data(), kLd, kStep, {w_.data(), s_.data(), nullptr}, kLd,
                           {b_.data(), bs_.data(), nullptr});
  }

  void Unfused() {
    k_.gemm_grad_x_act(kernels::Activation::kTanh, batch_, kN, kN, g_.data(), kLd, w_.data(), kLd,
                       a_.data(), kLd, dx_.data(), kLd);
    k_.gemm_grad_w(batch_, kN, kN, a_.data(), kLd, g_.data(), kLd, dw_.data(), kLd, db_.data());
    kernels::ApplyStep(k_, kN * kLd, kStep, dw_.data(), {w_.data(), s_.data(), nullptr});
    kernels::ApplyStep(k_, kLd, kStep, db_.data(), {b_.data(), bs_.data(), nullptr});
  }

 private:
  static inline const kernels::OptimizerStep<float> kStep =
      kernels::RmspropParams<float>{1e-3f, 0.9f, 1e-7f};  // the keras recipe's
  const kernels::KernelTable<float>& k_;
  std::size_t batch_;
  FloatBuffer a_, g_, dx_, dw_, db_, w_, s_, b_, bs_;
};

void Fused(benchmark::State& state, kernels::Isa isa, std::size_t batch) {
  DenseStepRunner runner(isa, batch);
  for (auto _ : state) {
    runner.Fused();
    benchmark::ClobberMemory();
  }
}

void Compare(benchmark::State& state, kernels::Isa isa, std::size_t batch) {
  DenseStepRunner runner(isa, batch);
  CompareFusedInTurns(
      state, [&] { runner.Fused(); }, [&] { runner.Unfused(); });
}

}  // namespace

template <>
struct KernelBenchmark<KernelId::kDenseBackwardStep> {
  static void Register(kernels::Isa isa) {
    for (long b : kSmallBatches) {
      const std::string kernel =
          KernelBenchName(KernelId::kDenseBackwardStep, kernels::IsaName(isa), "rmsprop", b);
      benchmark::RegisterBenchmark(kernel.c_str(), Fused, isa, std::size_t(b));
      benchmark::RegisterBenchmark((kernel + "/vs_unfused").c_str(), Compare, isa, std::size_t(b));
    }
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(dense_step);

}  // namespace simd_mlp::bench
