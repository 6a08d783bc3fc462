// The benchmarks' code that must be compiled once per ISA (see bench/bench_targets.h): compiled
// with that ISA's flags and -DSIMD_MLP_TARGET=<isa> (kernels/simd/target.h), as the kernels'
// units are (bench/BUILD).
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/simd/target.h"

// Eigen's templates would get the same symbol names in every ISA's unit, and the linker would
// keep one copy, perhaps the AVX-512 one, for all of them. Renaming its namespace per ISA
// (Eigen_sse2, Eigen_avx512, ...) keeps each ISA's Eigen apart; tests/kernels/isa_symbols_test.sh
// checks these objects too.
#define SIMD_MLP_CONCAT_INNER(a, b) a##b
#define SIMD_MLP_CONCAT(a, b) SIMD_MLP_CONCAT_INNER(a, b)
#define Eigen SIMD_MLP_CONCAT(Eigen_, SIMD_MLP_TARGET)
#include <Eigen/Core>

#include "bench/bench_targets.h"
#include "bench/simd/eigen_mlp-inl.h"

namespace simd_mlp::bench::SIMD_MLP_TARGET {

using Arch = SIMD_MLP_TARGET_ARCH;

// 12 independent accumulator chains: more than FMA latency × FMA pipes on current x86 cores, so the
// loop is bound by throughput, not latency (docs/performance.md, "Kernel constants").
double FmaPeakLoop(std::int64_t iterations) {
  using V = xsimd::batch<float, Arch>;
  constexpr int kChains = 12;
  const V a(0.999999f), b(1e-7f);
  V acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = V(1.0f + 0.01f * c);
  for (std::int64_t i = 0; i < iterations; ++i) {
    // Fully unrolled so every chain lives in a register (at -O2 the loop is not, and the
    // accumulators round-trip through memory, far below peak).
#pragma GCC unroll 12
    for (int c = 0; c < kChains; ++c) acc[c] = xsimd::fma(acc[c], a, b);
  }
  V sum = acc[0];
  for (int c = 1; c < kChains; ++c) sum += acc[c];
  // Keep the result live so the loop cannot be removed.
  volatile float sink = xsimd::hadd(sum);
  (void)sink;
  return 2.0 * V::size * kChains * static_cast<double>(iterations);
}

// The loads and stores must happen although nothing uses the values: an empty asm statement that
// claims to read and change each register keeps the compiler from dropping either (no
// instruction is emitted for it).
template <typename V>
inline void KeepLive(V& v) {
  typename V::register_type r = v;
  asm volatile("" : "+x"(r));
  v = r;
}

void MemoryFloorStep(std::size_t n, float* params, float* state) {
  using V = xsimd::batch<float, Arch>;
  for (std::size_t i = 0; i < n; i += V::size) {  // forward: the parameters, read
    V p = V::load_aligned(params + i);
    KeepLive(p);
  }
  for (std::size_t i = 0; i < n; i += V::size) {  // backward and update: both, read and written
    V p = V::load_aligned(params + i), s = V::load_aligned(state + i);
    KeepLive(p);
    KeepLive(s);
    p.store_aligned(params + i);
    s.store_aligned(state + i);
  }
}

void MemoryUpdatePass(std::size_t n, const float* grads, float* params, float* state) {
  using V = xsimd::batch<float, Arch>;
  for (std::size_t i = 0; i < n; i += V::size) {
    V g = V::load_aligned(grads + i), p = V::load_aligned(params + i),
      s = V::load_aligned(state + i);
    KeepLive(g);
    KeepLive(p);
    KeepLive(s);
    p.store_aligned(params + i);
    s.store_aligned(state + i);
  }
}

void XsimdTanh(std::size_t n, const float* x, float* y) {
  using V = xsimd::batch<float, Arch>;
  std::size_t i = 0;
  for (; i + V::size <= n; i += V::size)
    xsimd::tanh(V::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = xsimd::tanh(xsimd::batch<float, Arch>(x[i])).get(0);
}

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;
using MutMap = Eigen::Map<RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;
using ConstRowVec = Eigen::Map<const Eigen::RowVectorXf>;
using MutRowVec = Eigen::Map<Eigen::RowVectorXf>;

template <typename Expr>
void EigenActivateInPlace(kernels::Activation act, Expr&& z) {
  switch (act) {
    case kernels::Activation::kIdentity:
      break;
    case kernels::Activation::kTanh:
      z = z.array().tanh().matrix();
      break;
    case kernels::Activation::kRelu:
      z = z.array().max(0.0f).matrix();
      break;
  }
}

void EigenGemmBiasAct(kernels::Activation act, std::size_t m, std::size_t n, std::size_t k,
                      const float* a, std::size_t lda, const float* w, std::size_t ldw,
                      const float* bias, float* c, std::size_t ldc) {
  const ConstMap A(a, m, k, Eigen::OuterStride<>(lda));
  const ConstMap W(w, k, n, Eigen::OuterStride<>(ldw));
  MutMap C(c, m, n, Eigen::OuterStride<>(ldc));
  C.noalias() = A * W;
  C.rowwise() += ConstRowVec(bias, n);
  EigenActivateInPlace(act, C);
}

void EigenGemmGradW(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                    const float* g, std::size_t ldg, float* dw, std::size_t lddw, float* db) {
  const ConstMap A(a, m, k, Eigen::OuterStride<>(lda));
  const ConstMap G(g, m, n, Eigen::OuterStride<>(ldg));
  MutMap dW(dw, k, n, Eigen::OuterStride<>(lddw));
  dW.noalias() = A.transpose() * G;
  MutRowVec(db, n) = G.colwise().sum();
}

void EigenGemmGradXAct(kernels::Activation act, std::size_t m, std::size_t n, std::size_t k,
                       const float* g, std::size_t ldg, const float* w, std::size_t ldw,
                       const float* a, std::size_t lda, float* dx, std::size_t lddx) {
  const ConstMap G(g, m, n, Eigen::OuterStride<>(ldg));
  const ConstMap W(w, k, n, Eigen::OuterStride<>(ldw));
  const ConstMap A(a, m, k, Eigen::OuterStride<>(lda));
  MutMap dX(dx, m, k, Eigen::OuterStride<>(lddx));
  dX.noalias() = G * W.transpose();
  switch (act) {
    case kernels::Activation::kIdentity:
      break;
    case kernels::Activation::kTanh:
      dX.array() *= 1.0f - A.array().square();
      break;
    case kernels::Activation::kRelu:
      dX.array() *= (A.array() > 0.0f).cast<float>();
      break;
  }
}

void EigenOuterBiasAct(kernels::Activation act, std::size_t m, std::size_t n, const float* x,
                       const float* w, const float* bias, float* c, std::size_t ldc) {
  MutMap C(c, m, n, Eigen::OuterStride<>(ldc));
  C.noalias() = Eigen::Map<const Eigen::VectorXf>(x, m) * ConstRowVec(w, n);
  C.rowwise() += ConstRowVec(bias, n);
  EigenActivateInPlace(act, C);
}

void EigenGemvBiasAct(kernels::Activation act, std::size_t m, std::size_t k, const float* a,
                      std::size_t lda, const float* w, float bias, float* y) {
  const ConstMap A(a, m, k, Eigen::OuterStride<>(lda));
  Eigen::Map<Eigen::VectorXf> Y(y, m);
  Y.noalias() = A * Eigen::Map<const Eigen::VectorXf>(w, k);
  Y.array() += bias;
  EigenActivateInPlace(act, Y);
}

const BenchTargetTable& Table() {
  static const BenchTargetTable table = {
      &FmaPeakLoop,    &MemoryFloorStep,   &MemoryUpdatePass,  &XsimdTanh,        &EigenGemmBiasAct,
      &EigenGemmGradW, &EigenGemmGradXAct, &EigenOuterBiasAct, &EigenGemvBiasAct, &EigenMlpTrain,
  };
  return table;
}

}  // namespace simd_mlp::bench::SIMD_MLP_TARGET
