// How a training step's work is divided among the ranks of a thread pool so that the result does
// not depend on how many there are: every output element is computed by exactly one rank, by the
// same kernel arithmetic it would get from a single call over the whole output, and every sum
// over the batch is cut into parts by the batch size alone, never by the number of ranks.
// tests/mlp/partition_test.cc checks the kernels' side of this bargain (splitting a call's rows
// or a flat range at these boundaries changes no bit, on every ISA).
//
//   batch rows      (forward)                   BatchRows: chunks of whole 16-row blocks
//   gradient blocks (deltas of the backward     GradientBlockRows: blocks of ≤ 256 rows, fixed
//                    pass, weight gradients)    by the batch size; each rank the blocks of Slab
//   flat ranges     (adding the blocks, the     Slab over the arena, in 16-element blocks
//                    optimizer update)
#ifndef SIMD_MLP_MLP_PARTITION_H_
#define SIMD_MLP_MLP_PARTITION_H_

#include <algorithm>
#include <cstddef>

#include "mlp/layout.h"

namespace simd_mlp::mlp {

struct Range {
  std::size_t begin = 0, end = 0;
  constexpr std::size_t size() const { return end - begin; }
  constexpr bool empty() const { return begin == end; }
};

// Part `part` of [0, n) cut into `parts` contiguous slabs whose boundaries fall on multiples of
// `grain`: the ⌈n/grain⌉ grains are dealt out as evenly as possible, one more to the first slabs
// when they do not divide, and slabs past the number of grains are empty.
constexpr Range Slab(std::size_t n, std::size_t grain, int parts, int part) {
  const std::size_t grains = (n + grain - 1) / grain, p = std::size_t(parts), i = std::size_t(part);
  const std::size_t base = grains / p, extra = grains % p;
  const std::size_t first = i * base + std::min(i, extra);
  const std::size_t last = first + base + (i < extra ? 1 : 0);
  return {std::min(first * grain, n), std::min(last * grain, n)};
}

// Rows of a batch are divided in blocks of this many. It keeps ranks off each other's cache
// lines in the one-value-per-sample columns (x, y, ŷ, g4: 16 floats = 64 bytes; the 112-float
// rows of the hidden matrices are whole cache lines already), and gives every non-empty part at
// least 16 rows, well above the 4 below which gemm_grad_x_act takes a dot-product path that
// sums in another order.
inline constexpr std::size_t kRowBlock = 16;

// The rows of an m-sample batch that rank `rank` of `ranks` computes: contiguous whole blocks,
// the last part also taking the m mod 16 rows left over. A batch of fewer than 2 blocks is not
// split (one part), so no part is ever shorter than a block.
constexpr Range BatchRows(std::size_t m, int ranks, int rank) {
  const std::size_t blocks = m / kRowBlock;
  const int parts =
      int(std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(ranks), blocks)));
  if (rank >= parts) return {m, m};
  const Range b = Slab(blocks, 1, parts, rank);
  return {b.begin * kRowBlock, rank == parts - 1 ? m : b.end * kRowBlock};
}

// Rows of a batch whose activations and deltas stay in a core's L2 cache between the passes that
// write and read them: 6 matrices of 112 floats per row, 690 KiB for 256 rows (L2 is 1 MiB per
// core on Zen 4, 2 MiB on an Intel Xeon of Emerald Rapids). The forward pass runs in pieces of
// this many rows, and no gradient block (below) is longer.
inline constexpr std::size_t kCachedRows = 256;

// The weight gradients sum over the batch in blocks of rows that the batch size alone fixes: each
// block's gradient (every dW and db, over that block's rows) is computed whole by one rank, and
// the blocks' gradients are then added in block order (kernels/accumulate.h), so the sum's order
// depends on m, never on the number of ranks. The ranks take the blocks in order, as they take
// the batch rows, and each computes its blocks' deltas just before their weight gradients, so
// what a block's products read was written by the same core moments before, and is still in its
// L2. (When each rank instead summed a slab of dW over the whole batch, half of what it read came
// from the other core: the two-thread B = 512 epoch took 9.5 ms against 7.95 with per-rank sums on
// an Intel Xeon, README; when the deltas of all of a rank's rows came first, at B = 8000 they had
// left L2 before the weight gradients read them, README "Cached blocks".)
// Each block past the first costs a gradient-sized buffer (92 KiB) and an add over the arena
// (3 µs on AVX-512), so small batches have few: blocks of about kMinGradientBlockRows rows or
// more, at most kSmallBatchBlocks (1 block below B = 128, 2 to 191, 3 to 255, 4 to 1024); larger
// batches have as many as keep every block within kCachedRows rows (32 at B = 8000).
inline constexpr std::size_t kSmallBatchBlocks = 4;
inline constexpr std::size_t kMinGradientBlockRows = 64;

constexpr std::size_t GradientBlocks(std::size_t m) {
  const std::size_t few = std::clamp<std::size_t>(m / kMinGradientBlockRows, 1, kSmallBatchBlocks);
  return std::max(few, (m + kCachedRows - 1) / kCachedRows);
}

// Rows of block `block` < GradientBlocks(m) of an m-sample batch: whole 16-row blocks but in the
// last, dealt as evenly as Slab deals them.
constexpr Range GradientBlockRows(std::size_t m, std::size_t block) {
  return Slab(m, kRowBlock, int(GradientBlocks(m)), int(block));
}

// Elements of the flat arena per grain (adding the gradient blocks, the optimizer update): one
// cache line of floats, so that no two ranks write the same line.
inline constexpr std::size_t kVectorGrain = kAlignment / sizeof(float);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_PARTITION_H_
