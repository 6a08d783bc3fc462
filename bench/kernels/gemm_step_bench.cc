// gemm_grad_w_fm_step (kernels/gemm_step.h) at the MLP's hidden-layer shape (100 × 100 weights,
// rows of 112 floats) and the feature-major batches the trainer runs it at, with the `keras`
// recipe's RMSprop and with Adam:
//   f32_gemm_grad_w_fm_step__<isa>/<optimizer>/B:<b>              the kernel
//   f32_gemm_grad_w_fm_step__<isa>/<optimizer>/B:<b>/vs_unfused   against the composition
// The composition is gemm_grad_w_fm and then the flat optimizer kernel over the tensor as the
// trainer's pass over its arena covers it (W's 100 × 112 floats, pad lanes included, and b's 112).
// In vs_unfused the two take turns (CompareFusedInTurns, kernel_bench.h). Both
// sides keep updating the same weights, so every turn sees the same kind of values.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "bench/kernels/kernel_bench.h"

namespace simd_mlp::bench {
namespace {

constexpr std::size_t kN = kHidden, kLd = kPaddedHidden;
const long kFeatureMajorBatches[] = {16, 32, 64};

// One hidden layer's backward inputs and its parameters, gradients and optimizer state.
struct StepBuffers {
  explicit StepBuffers(std::size_t ld)
      : at(kN * ld, 1),
        gt(kN * ld, 2),
        dw(kN * kLd, 3),
        db(kLd, 4),
        w(kN * kLd, 5),
        w1(kN * kLd, 6),
        w2(kN * kLd, 7),
        b(kLd, 8),
        b1(kLd, 9),
        b2(kLd, 10) {
    // Mean squares are ≥ 0 (a negative one would make RMSprop's weights NaN); gradients small.
    for (std::size_t i = 0; i < kN * kLd; ++i) {
      w1.data()[i] = std::abs(w1.data()[i]);
      w2.data()[i] = std::abs(w2.data()[i]);
    }
    for (std::size_t i = 0; i < kLd; ++i) {
      b1.data()[i] = std::abs(b1.data()[i]);
      b2.data()[i] = std::abs(b2.data()[i]);
    }
    for (std::size_t i = 0; i < kN * ld; ++i) gt.data()[i] *= 1e-3f;
  }
  FloatBuffer at, gt, dw, db, w, w1, w2, b, b1, b2;
};

using StepFor = kernels::OptimizerStep<float> (*)(std::int64_t t);

// One layer's weight gradient and step on `isa` at `batch`, fused or composed, the step's t
// counting the calls of both.
class StepRunner {
 public:
  StepRunner(kernels::Isa isa, std::size_t batch, StepFor step_for)
      : k_(kernels::KernelsFor<float>(isa)),
        batch_(batch),
        // Whole vectors (the trainer's stride, mlp::FeatureMajorLd, has one more at 64 samples).
        ld_((batch + 15) / 16 * 16),
        step_for_(step_for),
        x_(ld_),
        w_{x_.w.data(), x_.w1.data(), x_.w2.data()},
        b_{x_.b.data(), x_.b1.data(), x_.b2.data()} {}

  void Fused() {
    k_.gemm_grad_w_fm_step(batch_, kN, kN, x_.at.data(), ld_, x_.gt.data(), ld_, x_.dw.data(), kLd,
                           x_.db.data(), step_for_(++t_), w_, b_);
  }

  void Unfused() {
    k_.gemm_grad_w_fm(batch_, kN, kN, x_.at.data(), ld_, x_.gt.data(), ld_, x_.dw.data(), kLd,
                      x_.db.data());
    const kernels::OptimizerStep<float> step = step_for_(++t_);
    kernels::ApplyStep(k_, kN * kLd, step, x_.dw.data(), w_);
    kernels::ApplyStep(k_, kLd, step, x_.db.data(), b_);
  }

 private:
  const kernels::KernelTable<float>& k_;
  std::size_t batch_, ld_;
  StepFor step_for_;
  StepBuffers x_;
  kernels::UpdateTarget<float> w_, b_;
  std::int64_t t_ = 0;
};

// The fused kernel, once per iteration.
void Fused(benchmark::State& state, kernels::Isa isa, std::size_t batch, StepFor step_for) {
  StepRunner runner(isa, batch, step_for);
  for (auto _ : state) {
    runner.Fused();
    benchmark::ClobberMemory();
  }
}

void Compare(benchmark::State& state, kernels::Isa isa, std::size_t batch, StepFor step_for) {
  StepRunner runner(isa, batch, step_for);
  CompareFusedInTurns(
      state, [&] { runner.Fused(); }, [&] { runner.Unfused(); });
}

kernels::OptimizerStep<float> Rmsprop(std::int64_t) {
  return kernels::RmspropParams<float>{1e-3f, 0.9f, 1e-7f};  // the keras recipe's
}

kernels::OptimizerStep<float> Adam(std::int64_t t) {
  return kernels::AdamStepParams<float>{{1e-3f, 0.9f, 0.999f, 1e-7f}, t};
}

}  // namespace

template <>
struct KernelBenchmark<KernelId::kGemmGradWFmStep> {
  static void Register(kernels::Isa isa) {
    for (const auto& [name, step_for] :
         {std::pair<const char*, StepFor>{"rmsprop", &Rmsprop}, {"adam", &Adam}}) {
      for (long b : kFeatureMajorBatches) {
        const std::string kernel =
            KernelBenchName(KernelId::kGemmGradWFmStep, kernels::IsaName(isa), name, b);
        benchmark::RegisterBenchmark(kernel.c_str(), Fused, isa, std::size_t(b), step_for);
        benchmark::RegisterBenchmark((kernel + "/vs_unfused").c_str(), Compare, isa, std::size_t(b),
                                     step_for);
      }
    }
  }
};

SIMD_MLP_REGISTER_KERNEL_BENCHMARKS(gemm_step);

}  // namespace simd_mlp::bench
