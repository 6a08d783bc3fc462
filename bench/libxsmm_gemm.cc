#include "bench/libxsmm_gemm.h"

#include <libxsmm.h>

#include <stdexcept>
#include <string>

namespace simd_mlp::bench {

LibxsmmGemm::LibxsmmGemm(const kernels::KernelTable<float>& epilogue) : epilogue_(epilogue) {
  libxsmm_init();
}

const char* LibxsmmGemm::TargetArch() {
  libxsmm_init();
  return libxsmm_get_target_arch();
}

void LibxsmmGemm::Dispatch(Kernel& kernel, long m, long n, long k, long lda, long ldb, long ldc,
                           int flags) {
  if (kernel.call != nullptr && kernel.m == m && kernel.n == n && kernel.k == k &&
      kernel.lda == lda && kernel.ldb == ldb && kernel.ldc == ldc && kernel.flags == flags) {
    return;
  }
  const libxsmm_blasint lda_x = lda, ldb_x = ldb, ldc_x = ldc;
  const float alpha = 1.0f, beta = 0.0f;
  const int prefetch = LIBXSMM_GEMM_PREFETCH_NONE;
  const libxsmm_smmfunction call =
      libxsmm_smmdispatch(m, n, k, &lda_x, &ldb_x, &ldc_x, &alpha, &beta, &flags, &prefetch);
  if (call == nullptr) {
    throw std::runtime_error("libxsmm generated no kernel for m=" + std::to_string(m) +
                             " n=" + std::to_string(n) + " k=" + std::to_string(k) + " flags=" +
                             std::to_string(flags) + " on " + libxsmm_get_target_arch());
  }
  kernel = Kernel{m, n, k, lda, ldb, ldc, flags, call};
}

void LibxsmmGemm::GemmBiasAct(kernels::Activation act, std::size_t m, std::size_t n, std::size_t k,
                              const float* a, std::size_t lda, const float* w, std::size_t ldw,
                              const float* bias, float* c, std::size_t ldc) {
  // Cᵀ (n×m) = Wᵀ (n×k, W's rows as columns) · Aᵀ (k×m).
  Dispatch(forward_, long(n), long(m), long(k), long(ldw), long(lda), long(ldc),
           LIBXSMM_GEMM_FLAG_NONE);
  forward_.call(w, a, c);
  for (std::size_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    epilogue_.accumulate(n, bias, row);
    if (act != kernels::Activation::kIdentity) epilogue_.activate(act, n, row, row);
  }
}

void LibxsmmGemm::GemmGradWProduct(std::size_t m, std::size_t n, std::size_t k, const float* a,
                                   std::size_t lda, const float* g, std::size_t ldg, float* dw,
                                   std::size_t lddw) {
  // dWᵀ (n×k) = Gᵀ (n×m) · (Aᵀ)ᵀ, Aᵀ (k×m) being A's rows as columns.
  Dispatch(grad_w_, long(n), long(k), long(m), long(ldg), long(lda), long(lddw),
           LIBXSMM_GEMM_FLAG_TRANS_B);
  grad_w_.call(g, a, dw);
}

void LibxsmmGemm::GemmGradW(std::size_t m, std::size_t n, std::size_t k, const float* a,
                            std::size_t lda, const float* g, std::size_t ldg, float* dw,
                            std::size_t lddw, float* db) {
  GemmGradWProduct(m, n, k, a, lda, g, ldg, dw, lddw);
  for (std::size_t j = 0; j < n; ++j) db[j] = 0.0f;
  for (std::size_t i = 0; i < m; ++i) epilogue_.accumulate(n, g + i * ldg, db);
}

void LibxsmmGemm::GemmGradXAct(kernels::Activation act, std::size_t m, std::size_t n, std::size_t k,
                               const float* g, std::size_t ldg, const float* w, std::size_t ldw,
                               const float* a, std::size_t lda, float* dx, std::size_t lddx) {
  // Wᵀ row-major (n×k): rows of whole 64-byte lines, as our kernel's packed panel.
  const std::size_t ldwt = (k + 15) / 16 * 16;
  if (wt_.size() < n * ldwt) wt_.resize(n * ldwt);
  // Column-major, W is n×k (ld ldw); its transpose k×n (ld ldwt) is Wᵀ row-major.
  libxsmm_otrans(wt_.data(), w, sizeof(float), libxsmm_blasint(n), libxsmm_blasint(k),
                 libxsmm_blasint(ldw), libxsmm_blasint(ldwt));
  // dXᵀ (k×m) = W (k×n: Wᵀ's rows as columns) · Gᵀ (n×m).
  Dispatch(grad_x_, long(k), long(m), long(n), long(ldwt), long(ldg), long(lddx),
           LIBXSMM_GEMM_FLAG_NONE);
  grad_x_.call(wt_.data(), g, dx);
  for (std::size_t i = 0; i < m; ++i) {
    float* row = dx + i * lddx;
    epilogue_.activation_grad(act, k, a + i * lda, row, row);
  }
}

}  // namespace simd_mlp::bench
