// The GEMM kernels' second baseline: libxsmm 1.17 (Debian's libxsmm-dev), a JIT for small matrix
// products, computing the three products of kernels/gemm.h with the same signatures and results.
// libxsmm's kernels are column-major, so each row-major product is asked for transposed:
//   forward      C = act(A·W + b)     Cᵀ = Wᵀ·Aᵀ            (m, n, k) = (n, m, k), no transpose
//   weight grad  dW = Aᵀ·G, db = Σ G  dWᵀ = Gᵀ·(Aᵀ)ᵀ        (n, k, m), B transposed (libxsmm's
//                                                          TRANS_B, which its JIT supports)
//   input grad   dX = (G·Wᵀ) ⊙ act'(A)  dXᵀ = W·Gᵀ          (k, m, n), A transposed: libxsmm 1.17's
//                                                          JIT declines TRANS_A, so W is first
//                                                          transposed (libxsmm_otrans) into a
//                                                          buffer the object owns, as our kernel
//                                                          packs Wᵀ
// libxsmm has no epilogue: where ours fuses one (the bias and the activation, the activation's
// derivative, db) it runs after the product as a separate pass, row by row while the row is in
// L1, on our own kernels of the given table (accumulate, activate, activation_grad), so the
// difference measured is the product's and the fusion's, not the elementwise code's.
//
// Each product's kernel is dispatched (JIT-generated or found in libxsmm's registry) on the first
// call with a new shape and kept, so a call with the shape of the last one costs no registry
// lookup: the baseline at its fastest. A call throws std::runtime_error if libxsmm generates no
// kernel for its shape: the baseline never falls back to BLAS.
//
// libxsmm picks its code path for the CPU, or as LIBXSMM_TARGET forces (hsw: AVX2, skx/clx/cpx:
// AVX-512); TargetArch() says which. x86 only.
#ifndef SIMD_MLP_BENCH_LIBXSMM_GEMM_H_
#define SIMD_MLP_BENCH_LIBXSMM_GEMM_H_

#include <cstddef>
#include <vector>

#include "kernels/activation.h"
#include "kernels/kernels.h"

namespace simd_mlp::bench {

class LibxsmmGemm {
 public:
  // `epilogue`: the table whose elementwise kernels run the passes after the products.
  explicit LibxsmmGemm(const kernels::KernelTable<float>& epilogue);

  void GemmBiasAct(kernels::Activation act, std::size_t m, std::size_t n, std::size_t k,
                   const float* a, std::size_t lda, const float* w, std::size_t ldw,
                   const float* bias, float* c, std::size_t ldc);
  void GemmGradW(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                 const float* g, std::size_t ldg, float* dw, std::size_t lddw, float* db);
  // dW alone: libxsmm's product with nothing after it (the lower bound of GemmGradW).
  void GemmGradWProduct(std::size_t m, std::size_t n, std::size_t k, const float* a,
                        std::size_t lda, const float* g, std::size_t ldg, float* dw,
                        std::size_t lddw);
  void GemmGradXAct(kernels::Activation act, std::size_t m, std::size_t n, std::size_t k,
                    const float* g, std::size_t ldg, const float* w, std::size_t ldw,
                    const float* a, std::size_t lda, float* dx, std::size_t lddx);

  // libxsmm's code path: "hsw", "skx", "cpx", …
  static const char* TargetArch();

 private:
  // One dispatched kernel and the column-major shape it was generated for.
  struct Kernel {
    long m = 0, n = 0, k = 0, lda = 0, ldb = 0, ldc = 0;
    int flags = -1;
    void (*call)(const float*, const float*, float*, ...) = nullptr;  // libxsmm_smmfunction
  };
  static void Dispatch(Kernel& kernel, long m, long n, long k, long lda, long ldb, long ldc,
                       int flags);

  const kernels::KernelTable<float>& epilogue_;
  Kernel forward_, grad_w_, grad_x_;
  std::vector<float> wt_;  // Wᵀ for the input gradient
};

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_LIBXSMM_GEMM_H_
