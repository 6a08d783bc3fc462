// simd_mlp kernels: the public entry point.
//
//   #include "kernels/kernels.h"
//   const auto& k = simd_mlp::kernels::Kernels<float>();   // the active ISA's table
//   k.gemm_bias_act(Activation::kTanh, m, n, kdim, a, lda, w, ldw, bias, c, ldc);
//
// Each field is a plain function pointer with exactly the signature of the reference function of
// the same name in namespace ref (declared, and specified, in the kernel's own header):
//   gemm.h        gemm_bias_act, gemm_grad_w, gemm_grad_x_act
//   dense_edge.h  outer_bias_act, outer_grad_w, gemv_bias_act, gemv_grad_w, gemv_grad_x_act
//   activation.h  activate, activation_grad
//   mse.h         mse_loss_grad
//   optimizer.h   sgd, momentum, rmsprop, adam
// Kernels never allocate, throw, print or lock; they are safe to call from many threads at once.
// T is float (training) or double (gradient checks).
#ifndef SIMD_MLP_KERNELS_KERNELS_H_
#define SIMD_MLP_KERNELS_KERNELS_H_

#include "kernels/activation.h"
#include "kernels/dense_edge.h"
#include "kernels/gemm.h"
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
