// y += x over flat arrays: the reduction step of a sum computed in parts. The trainer sums its
// weight gradients over blocks of the batch, each block's on one thread, and adds the blocks'
// gradients in block order with this kernel (mlp/core/model.cc), so the sum's order never depends
// on the number of threads.
//
//   Accumulate(n, x, y)   y[i] = y[i] + x[i] for i < n
//
// x and y have n entries each, contiguous; any n ≥ 0, no padding or alignment required; x and y
// must not overlap.
//
// Accuracy: exact agreement with the reference. Each element is one correctly rounded addition
// on every ISA (no fusion is possible), so the result is bit-identical across ISAs as well;
// tests/kernels/accumulate_test.cc asserts equality.
//
// ISAs: ref, sse2, avx2 and avx512 (x86-64), neon (aarch64), for float and double (kernels.h).
#ifndef SIMD_MLP_KERNELS_ACCUMULATE_H_
#define SIMD_MLP_KERNELS_ACCUMULATE_H_

#include <cstddef>

namespace simd_mlp::kernels::ref {

template <typename T>
void Accumulate(std::size_t n, const T* x, T* y);

}  // namespace simd_mlp::kernels::ref

#endif  // SIMD_MLP_KERNELS_ACCUMULATE_H_
