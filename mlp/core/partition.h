// How a training step's work is divided among the ranks of a thread pool so that the result does
// not depend on how many there are: every output element is computed by exactly one rank, by the
// same kernel arithmetic it would get from a single call over the whole output, and every sum
// over the batch is cut into parts by the batch size alone, never by the number of ranks.
// tests/mlp/core/partition_test.cc checks the kernels' side of this bargain (splitting a call's
// rows or a flat range at these boundaries changes no bit, on every ISA).
//
//   batch rows      (forward; deltas of the     BatchRows: chunks of whole 16-row blocks
//                    backward pass to 1024 rows)
//   gradient blocks (weight gradients; deltas   GradientBlockRows: blocks of rows fixed by the
//                    past 1024 rows)            batch size; each rank the blocks of Slab, or
//                                               with more ranks than blocks, a GradientGroup
//                                               of ranks each block, each rank its
//                                               GradientColumns of the block's gradient
//   flat ranges     (adding the blocks, the     Slab over the arena, in 16-element blocks
//                    optimizer update)
#ifndef SIMD_MLP_MLP_CORE_PARTITION_H_
#define SIMD_MLP_MLP_CORE_PARTITION_H_

#include <algorithm>
#include <cstddef>

#include "mlp/core/layout.h"

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
// write and read them (6 matrices of 112 floats per row: 672 KiB for 256 rows). A rank's forward
// pass runs in pieces of about this many rows (PieceAt), and no gradient block of a large batch
// is longer. Chosen by measurement against longer blocks (docs/performance.md).
inline constexpr std::size_t kCachedRows = 256;

// The piece of `rows` that starts at `begin`, a piece boundary (rows.begin, then each piece's
// end): kCachedRows rows, or all that are left when fewer than kCachedRows + kRowBlock are, so no
// piece but a whole short range is under 16 rows. Empty at rows.end.
constexpr Range PieceAt(Range rows, std::size_t begin) {
  return {begin, rows.end - begin < kCachedRows + kRowBlock ? rows.end : begin + kCachedRows};
}

// The weight gradients sum over the batch in blocks of rows that the batch size alone fixes: each
// block's gradient (every dW and db, over that block's rows) is computed whole by one rank, and
// the blocks' gradients are then added in block order (kernels/accumulate.h), so the sum's order
// depends on m, never on the number of ranks. The ranks take the blocks in order, as they take
// the batch rows, so a rank mostly reads activations and deltas its own core wrote (rather than
// slabs of dW over the whole batch, half of whose inputs another core wrote: measured slower,
// docs/performance.md). Each block past the first costs a gradient-sized buffer (90 KiB) and an
// add over the arena, so a batch of up to kFewBlocksMaxBatch rows has few: blocks of about
// kMinGradientBlockRows rows or more, at most kSmallBatchBlocks (1 block below B = 128, 2 to 191,
// 3 to 255, 4 to 1024). A larger batch has as many as keep each within kCachedRows rows, rounded
// up to a multiple of 4 so that 2 or 4 ranks get equal shares (8 from 1025 rows, 32 at B = 8000),
// and its backward pass runs block by block (BlockByBlockBackward).
inline constexpr std::size_t kSmallBatchBlocks = 4;
inline constexpr std::size_t kMinGradientBlockRows = 64;
inline constexpr std::size_t kFewBlocksMaxBatch = kSmallBatchBlocks * kCachedRows;

constexpr std::size_t GradientBlocks(std::size_t m) {
  if (m <= kFewBlocksMaxBatch) {
    return std::clamp<std::size_t>(m / kMinGradientBlockRows, 1, kSmallBatchBlocks);
  }
  return kSmallBatchBlocks * ((m + kFewBlocksMaxBatch - 1) / kFewBlocksMaxBatch);
}

// Rows of block `block` < GradientBlocks(m) of an m-sample batch: whole 16-row blocks but in the
// last, dealt as evenly as Slab deals them.
constexpr Range GradientBlockRows(std::size_t m, std::size_t block) {
  return Slab(m, kRowBlock, int(GradientBlocks(m)), int(block));
}

// How the ranks share the blocks. With at least as many blocks as ranks, each block's gradient is
// computed whole by one rank: rank r takes blocks Slab(blocks, 1, ranks, r), in order. With more
// ranks than blocks (a batch of up to 1,024 rows has at most 4 blocks), block j is computed by
// its group of ranks, GradientGroup: contiguous ranks, dealt as Slab deals them, so that the
// group's batch rows (BatchRows) are about the block's own; each member computes the dW and db
// of its GradientColumns of every hidden layer (the first member also the one-output last
// layer's). Every element of dW and db is still one sum over the block's rows, which no split of
// the columns changes (tests/mlp/core/partition_test.cc), so the bits are those of one rank
// computing the whole block: the blocks depend on the batch alone, and only the work of each is
// shared. Without the groups, ranks past the blocks sat idle while the others computed the
// weight gradients: a third of a step's FLOPs on at most 4 cores (bench/scaling_model.cc, and
// docs/performance.md "Scaling beyond two cores").
constexpr bool SplitsGradientBlocks(std::size_t m, int ranks) {
  return std::size_t(ranks) > GradientBlocks(m);
}

// The ranks of block `block`'s group, where SplitsGradientBlocks(m, ranks).
constexpr Range GradientGroup(std::size_t m, int ranks, std::size_t block) {
  return Slab(std::size_t(ranks), 1, int(GradientBlocks(m)), int(block));
}

// The block whose group holds `rank`, where SplitsGradientBlocks(m, ranks).
constexpr std::size_t GradientGroupOf(std::size_t m, int ranks, int rank) {
  std::size_t block = 0;
  while (GradientGroup(m, ranks, block).end <= std::size_t(rank)) ++block;
  return block;
}

// The columns (outputs) of a layer n wide that member `member` of a group of `members` computes
// the gradient of: whole 16-column grains, so that no two members write one cache line of a row
// of dW and every call's vectors start where a single call's would. With more members than
// grains (7 for the hidden layers' 100 columns), the last ones have none.
constexpr Range GradientColumns(std::size_t n, int members, int member) {
  return Slab(n, kVectorLanes, members, member);
}

// Whether each rank computes the deltas of its gradient blocks' rows just before their weight
// gradients, so that what those read is still in its L2 (docs/performance.md), rather than the
// deltas of its batch rows (BatchRows), then a barrier, then the blocks. Only for batches past
// kFewBlocksMaxBatch: with fewer, larger blocks the deltas would be split as unevenly as the
// blocks (3 blocks on 2 ranks: 2 to 1); and only where each block is one rank's (a group would
// need every delta of its block before any member could start).
constexpr bool BlockByBlockBackward(std::size_t m, int ranks) {
  return m > kFewBlocksMaxBatch && !SplitsGradientBlocks(m, ranks);
}

// Elements of the flat arena per grain (adding the gradient blocks, the optimizer update): one
// cache line of floats, so that no two ranks write the same line.
inline constexpr std::size_t kVectorGrain = kAlignment / sizeof(float);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CORE_PARTITION_H_
