// Optimizer updates over a flat array of parameters: one pass, no allocation. The trainer keeps
// parameters, gradients and optimizer state in arenas of identical layout, so one call updates the
// whole model and never sees its layers.
//
// Semantics follow Keras 3 (keras/src/optimizers), so the recipes that name Keras behave as Keras:
//   Sgd        p −= lr·g
//   Momentum   v = μ·v − lr·g;  p += v                        (nesterov = false)
//              v = μ·v − lr·g;  p += μ·v − lr·g               (nesterov = true)
//   Rmsprop    s = ρ·s + (1 − ρ)·g²;  p −= lr·g / sqrt(s + ε)    (ε inside the root, as Keras)
//   Adam       m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
//              p −= α·m / (sqrt(v) + ε),  α = lr·sqrt(1 − β2^t) / (1 − β1^t)
//              (bias correction folded into the step size; t ≥ 1 counts updates, first is 1)
// One departure, the same on every ISA and in the reference: a state value (v, s, m) whose
// magnitude falls below the smallest normal number (FLT_MIN, DBL_MIN) is stored as 0. A ReLU
// network's dead units have zero gradients, so their state decays geometrically, and on Intel
// cores every operation that reads or writes a subnormal takes a microcode assist, which tripled
// the `keras` recipe's epochs (docs/performance.md, "Kernel constants"). TensorFlow runs its CPU
// kernels with subnormals flushed to zero altogether; here only the state is, which changes no
// parameter update of any consequence (a subnormal s is far below ε in sqrt(s + ε), and a
// subnormal v or m moves p by less than a subnormal).
//
// Calls: Sgd(n, lr, g, p), Momentum(n, params, g, v, p), Rmsprop(n, params, g, s, p),
// Adam(n, params, step = t, g, m, v, p). Every array has n entries, contiguous; p and the state
// arrays are updated in place, and the state arrays (v, s, m) start at zero, as in Keras. Any
// n ≥ 0, no padding or alignment required; arrays must not overlap.
//
// Accuracy against the reference (same T, u the unit roundoff as in gemm.h): each element is a
// few roundings; the optimized kernels fuse multiply-adds, update a mean square (RMSprop's s,
// Adam's v) as s + (1 − ρ)·(g² − s), use the hardware square root and, for float on AVX-512, a
// reciprocal (square-root) estimate refined by one Newton step (≤ 2 ULP) instead of a divide. The
// difference from the reference grows, per update t (t = 1, 2, …) and element, by at most
//   parameter:  4·u·(|p_before| + |p_after|) + 16·u·t·|p_after − p_before|
//               (the add, and the update's own roundings plus the state's error carried into it)
//   state:      8·u·(|s_before| + |s_after|)
// with p and s the reference's values before and after that update. tests/kernels/optimizer_test.cc
// asserts exactly this, over several updates, on every ISA.
//
// ISAs: ref, sse2, avx2 and avx512 (x86-64), neon (aarch64), for float and double (kernels.h).
//
// One step as a value, OptimizerStep (which update, its hyper-parameters and, for Adam, t), is
// what a kernel takes to apply the update in its own epilogue, on a gradient it has just computed
// (gemm_step.h); UpdateTarget says where the parameters and their state are.
#ifndef SIMD_MLP_KERNELS_OPTIMIZER_H_
#define SIMD_MLP_KERNELS_OPTIMIZER_H_

#include <cstddef>
#include <cstdint>
#include <variant>

namespace simd_mlp::kernels {

template <typename T>
struct SgdParams {
  T lr;
};

template <typename T>
struct MomentumParams {
  T lr;
  T mu;
  bool nesterov;
};

template <typename T>
struct RmspropParams {
  T lr;
  T rho;
  T eps;
};

template <typename T>
struct AdamParams {
  T lr;
  T beta1;
  T beta2;
  T eps;
};

// The parameters a step updates and their state, in the layout of their gradient (element i of
// each belongs with element i of the gradient): momentum's v and RMSprop's s in state1, Adam's m
// in state1 and v in state2; a state the optimizer does not use may be null.
template <typename T>
struct UpdateTarget {
  T* params;
  T* state1;
  T* state2;
};

namespace ref {

template <typename T>
void Sgd(std::size_t n, T lr, const T* g, T* p);

template <typename T>
void Momentum(std::size_t n, MomentumParams<T> params, const T* g, T* v, T* p);

template <typename T>
void Rmsprop(std::size_t n, RmspropParams<T> params, const T* g, T* s, T* p);

template <typename T>
void Adam(std::size_t n, AdamParams<T> params, std::int64_t step, const T* g, T* m, T* v, T* p);

// α of step t, computed in double once per update (not per element). Every ISA's Adam uses it:
// a non-inline function compiled for baseline x86-64, safe to call from any ISA's code.
template <typename T>
T AdamStepSize(AdamParams<T> params, std::int64_t step);

}  // namespace ref

// Adam's hyper-parameters at update t ≥ 1, with that update's α (ref::AdamStepSize) computed once
// here: a fused kernel builds the update for each tensor it touches, and α costs two pow calls.
template <typename T>
struct AdamStepParams {
  AdamStepParams(AdamParams<T> p, std::int64_t t)
      : params(p), step(t), step_size(ref::AdamStepSize(p, t)) {}
  AdamParams<T> params;
  std::int64_t step;
  T step_size;
};

template <typename T>
using OptimizerStep =
    std::variant<SgdParams<T>, MomentumParams<T>, RmspropParams<T>, AdamStepParams<T>>;

}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_OPTIMIZER_H_
