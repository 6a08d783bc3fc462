// `bazel run //bench:scaling_model`: a model of one training step on N cores, built from the
// costs of its phases measured on one core of this machine, and the speed-ups over one core it
// predicts for N = 2 … 16 (docs/performance.md, "Scaling beyond two cores").
//
// The step is the one mlp/core/model.h describes, divided as mlp/core/partition.h divides it:
//   forward      each rank its BatchRows, in pieces of kCachedRows rows
//   ─ barrier ─  loss on rank 0 ─ barrier ─
//   deltas       each rank its BatchRows (below 1,025 rows; past them, block by block below)
//   ─ barrier ─
//   gradients    each rank the blocks Slab deals it: dW and db over each block's rows
//   ─ barrier ─  (more than one block)
//   block sum    each rank its Slab of the arena: grads += blocks 1, 2, …
//   ─ barrier ─
//   update       each rank its Slab of the arena: RMSprop
// A phase takes as long as its slowest rank; a rank's time in a phase is the one-core time of
// its work plus the time to read what other cores wrote, at the rate two cores of this machine
// move data between them. What another core wrote: the weights (each rank updated its slab of
// them in the last step, and every rank's forward pass reads them all), the rows of activations
// and deltas another rank computed, the gradient blocks another rank summed. A barrier of N costs
// N/2 times a two-thread barrier here (mlp/runtime/thread_pool.cc: each arrival is one atomic
// increment of the same cache line, taken in turn), and so do the start and the end of the
// step's job. Not modelled: memory bandwidth
// shared among the cores (every phase but the update works on data in a core's own L2 at the
// batch sizes modelled), and frequency changes with the number of busy cores.
//
// Each rule for the weight gradients' blocks is modelled as written in partition.h, or as the
// alternatives compared there: the blocks of a batch never depend on N (that is what makes the
// bits independent of the thread count), only how the ranks share them does.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/median.h"
#include "kernels/kernels.h"
#include "mlp/core/layout.h"
#include "mlp/core/partition.h"
#include "mlp/runtime/thread_pool.h"

namespace simd_mlp::bench {
namespace {

using kernels::Activation;
using mlp::Range;
constexpr std::size_t kN = kHidden, kLd = kPaddedHidden, kRow = mlp::kRowBlock;

// Largest range of rows whose costs are measured: a rank's deltas below BlockByBlockBackward run
// over all its batch rows in one call, up to kFewBlocksMaxBatch (partition.h).
constexpr std::size_t kMaxRows = mlp::kFewBlocksMaxBatch;

// Bytes per row of the batch that each phase reads: x, y and ŷ are one float per row, the hidden
// activations and deltas a padded row (kLd floats) per layer.
constexpr double kActivationBytes = 4.0 * (3 * kLd + 1);  // x, a1, a2, a3
constexpr double kDeltaBytes = 4.0 * (3 * kLd + 1);       // g1, g2, g3, g4
constexpr double kArenaBytes = 4.0 * mlp::kArenaSize;

// Seconds of one core, measured: the step's phases on r rows (r a multiple of 16 up to kMaxRows),
// the loss per row, an add of one arena into another and an RMSprop update per element, a
// two-thread barrier, and the rate at which a core reads what the other core wrote.
struct Costs {
  std::vector<double> forward, deltas, gradient;  // [r / 16]
  double loss_per_row = 0, sum_per_float = 0, update_per_float = 0;
  double barrier = 0, remote_bytes_per_second = 0;

  static double At(const std::vector<double>& v, std::size_t rows) {
    if (rows == 0) return 0;
    const std::size_t q = (rows + kRow - 1) / kRow;  // whole 16-row blocks: a tail costs one
    return v[q];
  }
  double Forward(std::size_t rows) const { return At(forward, rows); }
  double Deltas(std::size_t rows) const { return At(deltas, rows); }
  double Gradient(std::size_t rows) const { return At(gradient, rows); }
};

// Pins the calling thread to CPU `cpu` (of those it may run on), or back to all of them.
void PinToCpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void UnpinCpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// The median over 9 trials of the thread CPU time of one call of `f`, each trial long enough
// (≥ 2 ms) for the clock.
template <typename F>
double TimeCall(F&& f) {
  std::size_t reps = 1;
  while (true) {
    const double start = ThreadCpuSeconds();
    for (std::size_t i = 0; i < reps; ++i) f();
    if (ThreadCpuSeconds() - start > 2e-3) break;
    reps *= 2;
  }
  std::vector<double> trials;
  for (int t = 0; t < 9; ++t) {
    const double start = ThreadCpuSeconds();
    for (std::size_t i = 0; i < reps; ++i) f();
    trials.push_back((ThreadCpuSeconds() - start) / double(reps));
  }
  return Median(trials);
}

Costs MeasureCosts() {
  const auto& k = kernels::Kernels<float>();
  Costs c;
  // Weights, one batch's activations and deltas, a gradient and its state: batch-major, as
  // model.cc's BatchMajor passes lay them out.
  FloatBuffer params(mlp::kArenaSize, 1), grads(mlp::kArenaSize, 2), block(mlp::kArenaSize, 3),
      state(mlp::kArenaSize, 4), x(kMaxRows, 5), y(kMaxRows, 6), yhat(kMaxRows, 7), g4(kMaxRows, 8);
  std::vector<FloatBuffer> hidden;
  for (int i = 0; i < 6; ++i) hidden.emplace_back(kMaxRows * kLd, 10 + i);
  float *a1 = hidden[0].data(), *a2 = hidden[1].data(), *a3 = hidden[2].data(),
        *g1 = hidden[3].data(), *g2 = hidden[4].data(), *g3 = hidden[5].data();
  for (std::size_t i = 0; i < mlp::kArenaSize; ++i) state.data()[i] = std::abs(state.data()[i]);
  float* p = params.data();
  float* d = grads.data();
  using mlp::Offset;
  const auto t = [](mlp::Tensor tensor) { return Offset(tensor); };
  c.forward.assign(kMaxRows / kRow + 1, 0);
  c.deltas = c.gradient = c.forward;
  for (std::size_t q = 1; q <= kMaxRows / kRow; ++q) {
    const std::size_t m = q * kRow;
    c.forward[q] = TimeCall([&] {
      k.outer_bias_act(Activation::kTanh, m, kN, x.data(), p + t(mlp::kW1), p + t(mlp::kB1), a1,
                       kLd);
      k.gemm_bias_act(Activation::kTanh, m, kN, kN, a1, kLd, p + t(mlp::kW2), kLd, p + t(mlp::kB2),
                      a2, kLd);
      k.gemm_bias_act(Activation::kTanh, m, kN, kN, a2, kLd, p + t(mlp::kW3), kLd, p + t(mlp::kB3),
                      a3, kLd);
      k.gemv_bias_act(Activation::kIdentity, m, kN, a3, kLd, p + t(mlp::kW4), p[t(mlp::kB4)],
                      yhat.data());
    });
    c.deltas[q] = TimeCall([&] {
      k.activation_grad(Activation::kIdentity, m, yhat.data(), g4.data(), g4.data());
      k.gemv_grad_x_act(Activation::kTanh, m, kN, g4.data(), p + t(mlp::kW4), a3, kLd, g3, kLd);
      k.gemm_grad_x_act(Activation::kTanh, m, kN, kN, g3, kLd, p + t(mlp::kW3), kLd, a2, kLd, g2,
                        kLd);
      k.gemm_grad_x_act(Activation::kTanh, m, kN, kN, g2, kLd, p + t(mlp::kW2), kLd, a1, kLd, g1,
                        kLd);
    });
    c.gradient[q] = TimeCall([&] {
      k.gemv_grad_w(m, kN, a3, kLd, g4.data(), d + t(mlp::kW4), d + t(mlp::kB4));
      k.gemm_grad_w(m, kN, kN, a2, kLd, g3, kLd, d + t(mlp::kW3), kLd, d + t(mlp::kB3));
      k.gemm_grad_w(m, kN, kN, a1, kLd, g2, kLd, d + t(mlp::kW2), kLd, d + t(mlp::kB2));
      k.outer_grad_w(m, kN, x.data(), g1, kLd, d + t(mlp::kW1), d + t(mlp::kB1));
    });
  }
  c.loss_per_row =
      TimeCall([&] { k.mse_loss_grad(kMaxRows, yhat.data(), y.data(), g4.data()); }) / kMaxRows;
  c.sum_per_float =
      TimeCall([&] { k.accumulate(mlp::kArenaSize, block.data(), d); }) / mlp::kArenaSize;
  c.update_per_float = TimeCall([&] {
                         k.rmsprop(mlp::kArenaSize, {1e-3f, 0.9f, 1e-7f}, d, state.data(), p);
                       }) /
                       mlp::kArenaSize;

  // A barrier of two threads that arrive together, and a core reading an arena the other core
  // has just written, each thread pinned to a CPU of its own (unpinned, the scheduler of a busy
  // host may run both on one, where nothing crosses between cores): the best of many short
  // trials, the cost without another tenant in the way.
  mlp::ThreadPool pool(2);
  constexpr int kBarriers = 50, kTrials = 200;
  std::vector<double> barrier, remote;
  const double local_add = c.sum_per_float * mlp::kArenaSize;
  pool.Run([&](int rank) {
    PinToCpu(rank);
    for (int trial = 0; trial < kTrials; ++trial) {
      pool.Barrier();
      const double start = WallSeconds();
      for (int i = 0; i < kBarriers; ++i) pool.Barrier();
      if (rank == 0) barrier.push_back((WallSeconds() - start) / kBarriers);
      if (rank == 1) k.accumulate(mlp::kArenaSize, state.data(), block.data());  // writes it
      pool.Barrier();
      if (rank == 0) {
        const double read_start = WallSeconds();
        k.accumulate(mlp::kArenaSize, block.data(), grads.data());  // reads it
        // The add also reads and writes grads, in this core's L2: the remote arena's bytes take
        // the time of the whole add less that of an add of local arenas.
        remote.push_back(kArenaBytes / std::max(WallSeconds() - read_start - local_add, 1e-9));
      }
    }
    UnpinCpu();
  });
  c.barrier = *std::min_element(barrier.begin(), barrier.end());
  c.remote_bytes_per_second = Median(remote);
  return c;
}

// How many blocks a batch's weight gradients have, and how the ranks share them.
struct BlockRule {
  const char* name;
  std::size_t (*blocks)(std::size_t m);
  // partition.h's: with more ranks than blocks, each block's columns shared by a group of ranks
  // (GradientGroup, GradientColumns). Otherwise each block whole on the rank Slab deals it to,
  // and ranks past the blocks idle in that phase.
  bool groups;
};

// Whole blocks of at least 64 rows, as many as 16 of them up to 1,024 rows (partition.h allows
// 4): the other way to give more cores a share of the weight gradients, at the price of an add
// over the arena per block on every number of cores.
std::size_t SixteenBlocks(std::size_t m) {
  if (m <= mlp::kFewBlocksMaxBatch) {
    return std::clamp<std::size_t>(m / mlp::kMinGradientBlockRows, 1, 16);
  }
  return mlp::GradientBlocks(m);
}

// Bytes of rows [rows) that rank `rank` of `ranks` did not compute itself (it computed its
// BatchRows), at `bytes_per_row`.
double RemoteRowBytes(std::size_t m, int ranks, int rank, Range rows, double bytes_per_row) {
  const Range own = mlp::BatchRows(m, ranks, rank);
  const std::size_t lo = std::max(own.begin, rows.begin), hi = std::min(own.end, rows.end);
  const std::size_t shared = hi > lo ? hi - lo : 0;
  return double(rows.size() - shared) * bytes_per_row;
}

struct PhaseTimes {
  double forward = 0, loss = 0, deltas = 0, gradients = 0, sum = 0, update = 0, barriers = 0;
  double Total() const { return forward + loss + deltas + gradients + sum + update + barriers; }
};

PhaseTimes ModelStep(const Costs& c, const BlockRule& rule, std::size_t m, int ranks) {
  PhaseTimes t;
  const double remote = ranks > 1 ? 1.0 / c.remote_bytes_per_second : 0.0;
  const double barrier = ranks > 1 ? c.barrier * double(ranks) / 2 : 0.0;
  const std::size_t blocks = rule.blocks(m);
  const bool groups = rule.groups && mlp::SplitsGradientBlocks(m, ranks);
  const bool by_block =
      rule.groups ? mlp::BlockByBlockBackward(m, ranks) : m > mlp::kFewBlocksMaxBatch;
  // forward | loss | backward …, and before the update; the job's start and end (ThreadPool::Run
  // posts it and joins it, each about a barrier's work).
  int barriers = 5;
  for (int r = 0; r < ranks; ++r) {
    const Range rows = mlp::BatchRows(m, ranks, r);
    double forward = 0;
    for (Range piece = mlp::PieceAt(rows, rows.begin); !piece.empty();
         piece = mlp::PieceAt(rows, piece.end)) {
      forward += c.Forward(piece.size());
    }
    // The weights, of which every other rank updated a slab in the last step.
    const Range slab = mlp::Slab(mlp::kArenaSize, mlp::kVectorGrain, ranks, r);
    if (!rows.empty()) forward += (kArenaBytes - 4.0 * double(slab.size())) * remote;
    t.forward = std::max(t.forward, forward);
    if (!by_block) t.deltas = std::max(t.deltas, c.Deltas(rows.size()));
  }
  if (!by_block) ++barriers;
  t.loss = c.loss_per_row * double(m);

  // Which rank computes which part of which block, and from whose rows.
  std::vector<double> gradient(std::size_t(ranks), 0.0);
  std::vector<int> owner(blocks,
                         0);  // the rank that wrote block j's gradient (the first of a group)
  for (std::size_t j = 0; j < blocks; ++j) {
    const Range rows = mlp::Slab(m, kRow, int(blocks), int(j));  // GradientBlockRows's rule
    if (groups) {
      const Range group = mlp::GradientGroup(m, ranks, j);
      owner[j] = int(group.begin);
      for (std::size_t i = 0; i < group.size(); ++i) {
        const int r = int(group.begin + i);
        const Range columns = mlp::GradientColumns(kN, int(group.size()), int(i));
        const double share = double(columns.size()) / double(kN);
        // Its share of the block's work, from all of the block's inputs and its columns of the
        // block's deltas.
        gradient[r] +=
            c.Gradient(rows.size()) * share +
            RemoteRowBytes(m, ranks, r, rows, kActivationBytes + share * kDeltaBytes) * remote;
      }
    } else {
      // Slab deals blocks to ranks in order: the rank whose Slab holds j.
      int rank = 0;
      while (mlp::Slab(blocks, 1, ranks, rank).end <= j) ++rank;
      owner[j] = rank;
      gradient[rank] += c.Gradient(rows.size());
      if (by_block) {
        gradient[rank] +=
            c.Deltas(rows.size()) + RemoteRowBytes(m, ranks, rank, rows, kActivationBytes) * remote;
      } else {
        gradient[rank] +=
            RemoteRowBytes(m, ranks, rank, rows, kActivationBytes + kDeltaBytes) * remote;
      }
    }
  }
  t.gradients = *std::max_element(gradient.begin(), gradient.end());

  for (int r = 0; r < ranks; ++r) {
    const Range slab = mlp::Slab(mlp::kArenaSize, mlp::kVectorGrain, ranks, r);
    const double bytes = 4.0 * double(slab.size());
    if (blocks > 1) {
      double sum = double(blocks - 1) * c.sum_per_float * double(slab.size());
      for (std::size_t j = 0; j < blocks; ++j) {
        if (owner[j] != r) sum += bytes * remote;  // block j's slab (block 0: grads itself)
      }
      t.sum = std::max(t.sum, sum);
    }
    // After a block sum the rank's slab of grads is its own; with one block, rank 0's.
    const double update = c.update_per_float * double(slab.size()) +
                          (blocks == 1 && owner[0] != r ? bytes * remote : 0.0);
    t.update = std::max(t.update, update);
  }
  if (blocks > 1) ++barriers;
  t.barriers = barrier * barriers;
  return t;
}

void Print(const Costs& c) {
  std::printf("Costs on one core (thread CPU time, median of 9; rows of the batch):\n");
  std::printf("%6s %12s %12s %12s\n", "rows", "forward us", "deltas us", "gradient us");
  for (std::size_t q = 1; q < c.forward.size(); ++q) {
    if (q > 4 && q % 8 != 0 && q != 12 && q != 17) continue;
    std::printf("%6zu %12.2f %12.2f %12.2f\n", q * kRow, c.forward[q] * 1e6, c.deltas[q] * 1e6,
                c.gradient[q] * 1e6);
  }
  std::printf(
      "loss %.2f ns/row; block sum %.3f us and RMSprop %.3f us per arena of %zu floats;\n"
      "two-thread barrier %.3f us; a core reads what the other wrote at %.1f GB/s\n\n",
      c.loss_per_row * 1e9, c.sum_per_float * mlp::kArenaSize * 1e6,
      c.update_per_float * mlp::kArenaSize * 1e6, mlp::kArenaSize, c.barrier * 1e6,
      c.remote_bytes_per_second * 1e-9);
}

}  // namespace
}  // namespace simd_mlp::bench

int main() {
  using namespace simd_mlp::bench;
  const Costs costs = MeasureCosts();
  Print(costs);
  const BlockRule rules[] = {
      {"partition.h's blocks, each whole on one rank (before issue 27)",
       &simd_mlp::mlp::GradientBlocks, false},
      {"up to 16 blocks of at least 64 rows, each whole on one rank", &SixteenBlocks, false},
      {"partition.h (its blocks, shared by groups of ranks where ranks outnumber them)",
       &simd_mlp::mlp::GradientBlocks, true},
  };
  const int cores[] = {1, 2, 4, 8, 16};
  for (const BlockRule& rule : rules) {
    std::printf("Rule: %s\n%6s %6s %10s %9s %9s %9s %9s %9s %9s %9s %8s\n", rule.name, "batch",
                "cores", "step us", "forward", "loss", "deltas", "grads", "sum", "update",
                "barriers", "speedup");
    for (std::size_t m : {128, 512, 8000}) {
      const double one = ModelStep(costs, rule, m, 1).Total();
      for (int n : cores) {
        const PhaseTimes t = ModelStep(costs, rule, m, n);
        std::printf("%6zu %6d %10.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %7.2fx\n", m, n,
                    t.Total() * 1e6, t.forward * 1e6, t.loss * 1e6, t.deltas * 1e6,
                    t.gradients * 1e6, t.sum * 1e6, t.update * 1e6, t.barriers * 1e6,
                    one / t.Total());
      }
    }
    std::printf("\n");
  }
  return 0;
}
