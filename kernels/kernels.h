// simd_mlp kernels: the public entry point.
//
//   #include "kernels/kernels.h"
//   const auto& k = simd_mlp::kernels::Kernels<float>();   // the active ISA's table
//   k.gemm_bias_act(Activation::kTanh, m, n, kdim, a, lda, w, ldw, bias, c, ldc);
//
// Each field is a plain function pointer with exactly the signature of the reference function of
// the same name in namespace ref (declared, and specified, in the kernel's own header):
//   gemm.h        gemm_bias_act, gemm_grad_w, gemm_grad_x_act, gemm_bias_act_fm,
//                 gemm_grad_x_act_fm, gemm_grad_w_fm
//   gemm_step.h   gemm_grad_w_fm_step (the last with an optimizer step fused)
//   dense_edge.h  outer_bias_act, outer_grad_w, gemv_bias_act, gemv_grad_w, gemv_grad_x_act
//   activation.h  activate, activation_grad
//   mse.h         mse_loss_grad
//   optimizer.h   sgd, momentum, rmsprop, adam
//   accumulate.h  accumulate
// T is float (training) or double (gradient checks).
//
// What every kernel promises (each header adds its shapes, aliasing and accuracy):
//   - Arrays are row-major with explicit leading dimensions, in elements. No padding and no
//     alignment is required, and nothing outside the shape given is read or written.
//   - Outputs are overwritten, never accumulated into (the optimizers update the parameters and
//     their state in place).
//   - No allocation, exceptions, I/O or locks: safe to call from many threads at once.
//   - Deterministic: the same ISA and inputs give bit-identical results. Different ISAs agree
//     within the bounds each header states, not bit for bit.
//   - Preconditions (sizes, strides ≥ row lengths, no overlap beyond what a header allows) are the
//     caller's: the kernels do not check them.
// ISAs (isa.h): every kernel, float and double, on ref (scalar: the specification), sse2, avx2
// (AVX2 + FMA) and avx512 (AVX-512 F/CD/DQ/BW/VL + FMA), each compiled in its own translation
// unit with its own flags; Kernels<T>() picks the best one this CPU supports, once.
//
// To use the kernels, link the whole library (the dispatcher, the references and every ISA's
// unit): Bazel @simd_mlp//kernels, CMake simd_mlp::kernels, pkg-config simd_mlp_kernels (see
// README.md, "Using the kernels"). They need xsimd to build, and nothing of simd_mlp's mlp/.
#ifndef SIMD_MLP_KERNELS_KERNELS_H_
#define SIMD_MLP_KERNELS_KERNELS_H_

#include "kernels/accumulate.h"
#include "kernels/activation.h"
#include "kernels/dense_edge.h"
#include "kernels/gemm.h"
#include "kernels/gemm_step.h"
#include "kernels/isa.h"
#include "kernels/mse.h"
#include "kernels/optimizer.h"

namespace simd_mlp::kernels {

template <typename T>
struct KernelTable {
  Isa isa;
#define SIMD_MLP_KERNEL(field, function) decltype(&ref::function<T>) field;
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
};

// The table for one ISA; `isa` must be supported by this CPU (CpuSupports): calling another ISA's
// kernels would fault on an illegal instruction.
template <typename T>
const KernelTable<T>& KernelsFor(Isa isa);

// The table for ActiveIsa(): the best ISA this CPU supports, or the one SIMD_MLP_ISA forces.
template <typename T>
const KernelTable<T>& Kernels() {
  return KernelsFor<T>(ActiveIsa());
}

// One optimizer step (optimizer.h's OptimizerStep) over n elements through a table's flat
// kernels: g is their gradient, and target's arrays start at the first of them.
template <typename T>
void ApplyStep(const KernelTable<T>& k, std::size_t n, const OptimizerStep<T>& step, const T* g,
               UpdateTarget<T> target) {
  if (const auto* sgd = std::get_if<SgdParams<T>>(&step)) {
    k.sgd(n, sgd->lr, g, target.params);
  } else if (const auto* momentum = std::get_if<MomentumParams<T>>(&step)) {
    k.momentum(n, *momentum, g, target.state1, target.params);
  } else if (const auto* rmsprop = std::get_if<RmspropParams<T>>(&step)) {
    k.rmsprop(n, *rmsprop, g, target.state1, target.params);
  } else {
    const auto& adam = std::get<AdamStepParams<T>>(step);
    k.adam(n, adam.params, adam.step, g, target.state1, target.state2, target.params);
  }
}

// Per-ISA tables, each defined in its own translation unit compiled with that ISA's flags
// (kernels/target_*.cc). Call through KernelsFor, which knows which ones this CPU can run.
#define SIMD_MLP_DECLARE_TARGET_TABLE(target) \
  namespace target {                          \
  template <typename T>                       \
  const KernelTable<T>& Table();              \
  }
SIMD_MLP_DECLARE_TARGET_TABLE(sse2)
SIMD_MLP_DECLARE_TARGET_TABLE(avx2fma)
SIMD_MLP_DECLARE_TARGET_TABLE(avx512)
#undef SIMD_MLP_DECLARE_TARGET_TABLE

}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_KERNELS_H_
