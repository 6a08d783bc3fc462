// simd_mlp kernels: the public entry point.
//
//   #include "kernels/kernels.h"
//   const auto& k = simd_mlp::kernels::Kernels<float>();   // the active ISA's table
//   k.gemm_bias_act(Activation::kTanh, m, n, kdim, a, lda, w, ldw, bias, c, ldc);
//
// Each field is a plain function pointer with exactly the signature of the reference function of
// the same name in namespace ref (declared, and specified, in the kernel's own header); the list
// of kernels is kernel_list.inc, which also says how kernels are named (f32_gemm_bias_act__avx512):
//   gemm.h        gemm_bias_act, gemm_grad_w, gemm_grad_x_act, gemm_bias_act_fm,
//                 gemm_grad_x_act_fm, gemm_grad_w_fm
//   gemm_step.h   gemm_grad_w_fm_step (the weight gradient with an optimizer step fused)
//   dense_step.h  dense_backward_step (a small batch's layer backward and optimizer step in one
//                 pass over W)
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
//   - Outputs are overwritten, never accumulated into (except accumulate's y += x, and the
//     optimizers and fused steps, which update the parameters and their state in place).
//   - No allocation, exceptions, I/O or locks: safe to call from many threads at once.
//   - Deterministic: the same ISA and inputs give bit-identical results. Different ISAs agree
//     within the bounds each header states, not bit for bit.
//   - Preconditions (sizes, strides ≥ row lengths, no overlap beyond what a header allows) are the
//     caller's: the kernels do not check them (beyond assert()s in builds without NDEBUG).
// ISAs (isa.h): every kernel, float and double, on ref (scalar: the specification), on x86-64
// sse2, avx2 (AVX2 + FMA) and avx512 (AVX-512 F/CD/DQ/BW/VL + FMA), on aarch64 neon (Advanced
// SIMD), each compiled in its own translation units with its own flags; Kernels<T>() picks the
// best one this build includes and this CPU supports, once.
//
// To use the kernels, link the whole library (the dispatcher, the references and every ISA's
// units): Bazel @simd_mlp//kernels, CMake simd_mlp::kernels, pkg-config simd_mlp_kernels (see
// docs/kernels.md, "Embedding"). They need xsimd to build, and nothing of simd_mlp's mlp/. A CMake
// build may leave out ISAs or an element type (SIMD_MLP_KERNELS_ISAS, SIMD_MLP_KERNELS_ELEMENTS):
// the dispatcher never chooses an ISA that was left out, and a program that uses an element type
// that was left out fails to link, on an undefined KernelsFor<double> (or <float>).
#ifndef SIMD_MLP_KERNELS_KERNELS_H_
#define SIMD_MLP_KERNELS_KERNELS_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "kernels/accumulate.h"
#include "kernels/activation.h"
#include "kernels/dense_edge.h"
#include "kernels/dense_step.h"
#include "kernels/gemm.h"
#include "kernels/gemm_step.h"
#include "kernels/isa.h"
#include "kernels/mse.h"
#include "kernels/optimizer.h"

namespace simd_mlp::kernels {

// The kernels of kernel_list.inc, in its order: KernelId::kGemmBiasAct, ...
enum class KernelId : int {
#define SIMD_MLP_KERNEL(family, field, function) k##function,
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
};

struct KernelInfo {
  std::string_view family;  // kernel_list.inc: where its parts live
  std::string_view field;   // its KernelTable entry, and the core of its name
};

inline constexpr KernelInfo kKernels[] = {
#define SIMD_MLP_KERNEL(family, field, function) {#family, #field},
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
};

inline constexpr int kKernelCount = static_cast<int>(sizeof kKernels / sizeof kKernels[0]);

constexpr const KernelInfo& Kernel(KernelId id) { return kKernels[static_cast<int>(id)]; }

// "f32" for float, "f64" for double: the first part of a kernel's name.
template <typename T>
inline constexpr std::string_view kElementName = std::is_same_v<T, float> ? "f32" : "f64";

// A kernel's name, <element>_<field>__<impl>: "f32_gemm_bias_act__avx512". impl is an ISA's name
// (IsaName), or a benchmark baseline's in its place ("eigen_avx512").
inline std::string KernelName(KernelId id, std::string_view element, std::string_view impl) {
  return std::string(element) + "_" + std::string(Kernel(id).field) + "__" + std::string(impl);
}

// Calls f(std::integral_constant<KernelId, id>{}) for each kernel of the list, in its order.
template <typename F>
void ForEachKernel(F&& f) {
#define SIMD_MLP_KERNEL(family, field, function) \
  f(std::integral_constant<KernelId, KernelId::k##function>{});
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
}

// The type of kernel `id` for element type T: a pointer to a function with the reference's
// signature.
template <KernelId id, typename T>
struct KernelPointerOf;
#define SIMD_MLP_KERNEL(family, field, function)     \
  template <typename T>                              \
  struct KernelPointerOf<KernelId::k##function, T> { \
    using type = decltype(&ref::function<T>);        \
  };
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL
template <KernelId id, typename T>
using KernelPointer = typename KernelPointerOf<id, T>::type;

// One ISA's kernels for element type T.
template <typename T>
struct KernelTable {
  Isa isa;
#define SIMD_MLP_KERNEL(family, field, function) KernelPointer<KernelId::k##function, T> field;
#include "kernels/kernel_list.inc"
#undef SIMD_MLP_KERNEL

  // The name of entry `id` on this table's ISA: Name(KernelId::kGemmBiasAct) on the AVX-512 float
  // table is "f32_gemm_bias_act__avx512".
  std::string Name(KernelId id) const { return KernelName(id, kElementName<T>, IsaName(isa)); }
};

// The table for one ISA; `isa` must be included in this build and supported by this CPU
// (IsaSupported): calling another ISA's kernels would fault on an illegal instruction. Defined for
// each element type the library was built with (kernels/kernels.cc).
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

}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_KERNELS_H_
