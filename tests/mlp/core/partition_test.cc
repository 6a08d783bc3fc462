// mlp/core/partition.h, and the kernels' side of its bargain: on every ISA, a call split where the
// partition splits it computes exactly the bits of one whole call.
//   row kernels      rows [0, m) in one call == the BatchRows parts in one call each, their
//                    forward pieces (PieceAt), and the gradient blocks
//   weight gradients a block's dW and db in one call == in its GradientColumns, one call each,
//                    for every group size (a block shared by a group of ranks)
//   accumulate       the whole arena == its Slabs (adding the weight gradients' blocks)
//   optimizers       the whole arena == its Slabs
// If a kernel's summation order came to depend on where a row falls in its register tiles (or a
// small-m path took over inside a part), training would stop being bit-identical across thread
// counts; this test names the kernel, ISA and shape where that happens.
#include "mlp/core/partition.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/core/layout.h"
#include "mlp/training/config.h"
#include "tests/kernels/kernel_tester.h"
#include "tests/mlp/testing/helpers.h"

namespace simd_mlp::mlp {
namespace {

using kernels::Isa;
using simd_mlp::testing::RandomVector;
using testing::SameBits;

TEST(Partition, SlabsTileTheRangeOnGrainBoundariesAsEvenlyAsPossible) {
  for (std::size_t n = 1; n <= 300; ++n) {
    for (std::size_t grain : {1, 4, 16}) {
      for (int parts = 1; parts <= 6; ++parts) {
        std::size_t next = 0, largest = 0, smallest = n;
        for (int part = 0; part < parts; ++part) {
          const Range r = Slab(n, grain, parts, part);
          ASSERT_EQ(r.begin, next) << n << " " << grain << " " << parts << " " << part;
          ASSERT_LE(r.begin, r.end);
          ASSERT_TRUE((r.begin % grain == 0 || r.begin == n) && (r.end % grain == 0 || r.end == n));
          next = r.end;
          if (r.end != n) largest = std::max(largest, r.size());
          if (r.end != n) smallest = std::min(smallest, r.size());
        }
        ASSERT_EQ(next, n) << n << " " << grain << " " << parts;
        if (largest > 0) {
          EXPECT_LE(largest - smallest, grain) << n << " " << grain << " " << parts;
        }
      }
    }
  }
}

TEST(Partition, BatchRowsAreWholeBlocksAndNoPartIsShorterThanABlock) {
  for (std::size_t m = 1; m <= 700; ++m) {
    for (int ranks = 1; ranks <= 5; ++ranks) {
      std::size_t next = 0;
      int nonempty = 0;
      for (int rank = 0; rank < ranks; ++rank) {
        const Range r = BatchRows(m, ranks, rank);
        ASSERT_EQ(r.begin, next) << m << " " << ranks << " " << rank;
        next = r.end;
        if (r.empty()) continue;
        ++nonempty;
        ASSERT_EQ(r.begin % kRowBlock, 0u) << m << " " << ranks << " " << rank;
        if (m >= 2 * kRowBlock) {
          ASSERT_GE(r.size(), kRowBlock) << m << " " << ranks << " " << rank;
        }
      }
      ASSERT_EQ(next, m) << m << " " << ranks;
      EXPECT_EQ(nonempty, std::min<std::size_t>(ranks, std::max<std::size_t>(1, m / kRowBlock)));
    }
  }
}

TEST(Partition, GradientBlocksTileTheBatchInWholeRowBlocksFixedByTheBatchSize) {
  for (std::size_t m = 1; m <= 5000; ++m) {
    const std::size_t blocks = GradientBlocks(m);
    // Few blocks for a batch of up to 1024 rows (each costs an add over the arena); past that, a
    // multiple of 4 of them, none longer than the rows that stay in cache.
    if (m <= kFewBlocksMaxBatch) {
      ASSERT_EQ(blocks, std::clamp<std::size_t>(m / kMinGradientBlockRows, 1, kSmallBatchBlocks));
    } else {
      ASSERT_EQ(blocks % kSmallBatchBlocks, 0u) << m;
    }
    // The workspace holds the blocks of its capacity, and serves any batch up to it.
    ASSERT_GE(blocks, GradientBlocks(m - 1)) << m;
    ASSERT_EQ(BlockByBlockBackward(m, 1), m > kFewBlocksMaxBatch) << m;
    std::size_t next = 0;
    for (std::size_t j = 0; j < blocks; ++j) {
      const Range r = GradientBlockRows(m, j);
      ASSERT_EQ(r.begin, next) << m << " " << j;
      ASSERT_EQ(r.begin % kRowBlock, 0u) << m << " " << j;
      // Near kMinGradientBlockRows: a block is at most one 16-row block short of it.
      ASSERT_GE(r.size(), std::min(m, kMinGradientBlockRows - kRowBlock)) << m << " " << j;
      if (m > kFewBlocksMaxBatch) {
        ASSERT_LE(r.size(), kCachedRows) << m << " " << j;
      }
      next = r.end;
    }
    ASSERT_EQ(next, m) << m;
  }
}

// With more ranks than blocks, the groups tile the ranks in order, every rank in exactly one
// group, and each group's columns tile a hidden layer's 100 in whole 16-column grains.
TEST(Partition, GradientGroupsTileTheRanksAndTheirColumnsTileTheLayer) {
  for (std::size_t m : {1, 100, 127, 128, 200, 257, 1000, 1024, 1025, 2048, 8000}) {
    for (int ranks = 1; ranks <= 40; ++ranks) {
      const std::size_t blocks = GradientBlocks(m);
      ASSERT_EQ(SplitsGradientBlocks(m, ranks), std::size_t(ranks) > blocks);
      ASSERT_EQ(BlockByBlockBackward(m, ranks),
                m > kFewBlocksMaxBatch && std::size_t(ranks) <= blocks);
      if (!SplitsGradientBlocks(m, ranks)) continue;
      std::size_t next = 0;
      for (std::size_t j = 0; j < blocks; ++j) {
        const Range group = GradientGroup(m, ranks, j);
        ASSERT_EQ(group.begin, next) << m << " " << ranks << " " << j;
        ASSERT_GE(group.size(), 1u) << m << " " << ranks << " " << j;
        for (std::size_t r = group.begin; r < group.end; ++r) {
          ASSERT_EQ(GradientGroupOf(m, ranks, int(r)), j) << m << " " << ranks << " " << r;
        }
        next = group.end;
      }
      ASSERT_EQ(next, std::size_t(ranks)) << m << " " << ranks;
    }
  }
  for (int members = 1; members <= 16; ++members) {
    std::size_t next = 0;
    for (int member = 0; member < members; ++member) {
      const Range cols = GradientColumns(kHidden, members, member);
      ASSERT_EQ(cols.begin, next) << members << " " << member;
      ASSERT_TRUE(cols.begin % kVectorLanes == 0 || cols.empty()) << members << " " << member;
      next = cols.end;
    }
    ASSERT_EQ(next, kHidden) << members;
  }
}

// A rank's forward pass runs its rows in pieces that start on 16-row boundaries, and none is
// shorter than 16 rows unless the rank's whole range is.
TEST(Partition, ForwardPiecesTileEachRanksRowsInWholeRowBlocks) {
  for (std::size_t m = 1; m <= 3000; ++m) {
    for (int ranks = 1; ranks <= 5; ++ranks) {
      for (int rank = 0; rank < ranks; ++rank) {
        const Range rows = BatchRows(m, ranks, rank);
        std::size_t next = rows.begin;
        for (Range p = PieceAt(rows, rows.begin); !p.empty(); p = PieceAt(rows, p.end)) {
          ASSERT_EQ(p.begin, next) << m << " " << ranks << " " << rank;
          ASSERT_EQ(p.begin % kRowBlock, 0u) << m << " " << ranks << " " << rank;
          ASSERT_GE(p.size(), std::min(rows.size(), kRowBlock)) << m << " " << ranks << " " << rank;
          ASSERT_LT(p.size(), kCachedRows + kRowBlock) << m << " " << ranks << " " << rank;
          next = p.end;
        }
        ASSERT_EQ(next, rows.end) << m << " " << ranks << " " << rank;
      }
    }
  }
}

// ---- The kernels, split as the model splits them ------------------------------------------------

constexpr std::size_t kN = 100, kLd = kPadded;  // the MLP's hidden width and row stride
const std::size_t kBatches[] = {1, 4, 15, 16, 17, 31, 32, 33, 47, 48, 100, 257, 1000, 1100};
constexpr int kMaxRanks = 5;

// A rows×112 matrix with 100 random columns and zero pad lanes, as the model's workspace holds.
template <typename T>
std::vector<T> RandomRows(std::size_t rows, std::uint64_t seed, T lo = T(-1), T hi = T(1)) {
  std::vector<T> v = RandomVector<T>(rows * kLd, seed, lo, hi);
  for (std::size_t i = 0; i < rows; ++i)
    std::fill(v.begin() + i * kLd + kN, v.begin() + (i + 1) * kLd, T(0));
  return v;
}

class SplitTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!kernels::CpuSupports(GetParam())) {
      GTEST_SKIP() << "this CPU does not support " << kernels::IsaName(GetParam());
    }
  }
  template <typename T>
  const kernels::KernelTable<T>& K() const {
    return kernels::KernelsFor<T>(GetParam());
  }
  std::string Where(const char* kernel, std::size_t m, int ranks) const {
    return std::string(kernel) + "__" + kernels::IsaName(GetParam()) + " m=" + std::to_string(m) +
           " ranks=" + std::to_string(ranks);
  }

  // out = call(rows) over [0, m) at once, then, into a second buffer, over the parts the trainer
  // cuts the batch into: BatchRows' parts for every pool size, each also in PieceAt's pieces (the
  // forward pass), and the gradient blocks (the deltas of a batch past kFewBlocksMaxBatch).
  template <typename T, typename Call>
  void ExpectRowSplitInvariant(const char* kernel, std::size_t m, std::size_t out_size,
                               Call&& call) {
    std::vector<T> whole(out_size, T(0));
    call(Range{0, m}, whole.data());
    auto expect_same = [&](const char* how, int ranks, auto&& for_each_part) {
      std::vector<T> split(out_size, T(0));
      for_each_part([&](Range r) {
        if (!r.empty()) call(r, split.data());
      });
      EXPECT_TRUE(SameBits(whole, split)) << Where(kernel, m, ranks) << " " << how;
    };
    for (int ranks = 1; ranks <= kMaxRanks; ++ranks) {
      expect_same("batch rows", ranks, [&](auto&& part) {
        for (int rank = 0; rank < ranks; ++rank) part(BatchRows(m, ranks, rank));
      });
      expect_same("forward pieces", ranks, [&](auto&& part) {
        for (int rank = 0; rank < ranks; ++rank) {
          const Range rows = BatchRows(m, ranks, rank);
          for (Range p = PieceAt(rows, rows.begin); !p.empty(); p = PieceAt(rows, p.end)) part(p);
        }
      });
    }
    expect_same("gradient blocks", 1, [&](auto&& part) {
      for (std::size_t j = 0; j < GradientBlocks(m); ++j) part(GradientBlockRows(m, j));
    });
  }

  template <typename T>
  void RowKernels();
  template <typename T>
  void WeightGradientsInColumns();
  template <typename T>
  void AccumulateInSlabs();
  template <typename T>
  void Optimizers();
};

template <typename T>
void SplitTest::RowKernels() {
  const auto& k = K<T>();
  const std::vector<T> w1 = RandomVector<T>(kLd, 1), b1 = RandomVector<T>(kLd, 2),
                       w = RandomRows<T>(kN, 3), b = RandomVector<T>(kLd, 4),
                       w4 = RandomVector<T>(kLd, 5);
  for (std::size_t m : kBatches) {
    const std::vector<T> x = RandomVector<T>(m, 10 + m),
                         a = RandomRows<T>(m, 20 + m, T(-0.9), T(0.9)),
                         g = RandomRows<T>(m, 30 + m), g4 = RandomVector<T>(m, 40 + m);
    for (kernels::Activation act : kernels::kAllActivations) {
      ExpectRowSplitInvariant<T>("outer_bias_act", m, m * kLd, [&](Range r, T* out) {
        k.outer_bias_act(act, r.size(), kN, x.data() + r.begin, w1.data(), b1.data(),
                         out + r.begin * kLd, kLd);
      });
      ExpectRowSplitInvariant<T>("gemm_bias_act", m, m * kLd, [&](Range r, T* out) {
        k.gemm_bias_act(act, r.size(), kN, kN, a.data() + r.begin * kLd, kLd, w.data(), kLd,
                        b.data(), out + r.begin * kLd, kLd);
      });
      ExpectRowSplitInvariant<T>("gemv_bias_act", m, m, [&](Range r, T* out) {
        k.gemv_bias_act(act, r.size(), kN, a.data() + r.begin * kLd, kLd, w4.data(), T(0.25),
                        out + r.begin);
      });
      ExpectRowSplitInvariant<T>("gemm_grad_x_act", m, m * kLd, [&](Range r, T* out) {
        k.gemm_grad_x_act(act, r.size(), kN, kN, g.data() + r.begin * kLd, kLd, w.data(), kLd,
                          a.data() + r.begin * kLd, kLd, out + r.begin * kLd, kLd);
      });
      ExpectRowSplitInvariant<T>("gemv_grad_x_act", m, m * kLd, [&](Range r, T* out) {
        k.gemv_grad_x_act(act, r.size(), kN, g4.data() + r.begin, w4.data(),
                          a.data() + r.begin * kLd, kLd, out + r.begin * kLd, kLd);
      });
      ExpectRowSplitInvariant<T>("activation_grad", m, m, [&](Range r, T* out) {
        k.activation_grad(act, r.size(), x.data() + r.begin, g4.data() + r.begin, out + r.begin);
      });
    }
  }
}

// A block's weight gradients, whole and in every group size's GradientColumns (model.cc's
// WeightGradients: the hidden layers' columns of dW and db, batch-major and feature-major; the
// last layer, with its one output, whole on the first member). Over the rows of a block, m as in
// kBatches; feature-major at the batch's own stride.
template <typename T>
void SplitTest::WeightGradientsInColumns() {
  const auto& k = K<T>();
  constexpr std::size_t kGrad = kN * kLd + kLd;  // dW (k × 112), then db
  for (std::size_t m : kBatches) {
    const std::size_t ld = m + 3;  // feature-major rows: any stride ≥ m
    const std::vector<T> x = RandomVector<T>(m, 60 + m), a = RandomRows<T>(m, 61 + m),
                         g = RandomRows<T>(m, 62 + m), at = RandomVector<T>(kN * ld, 63 + m),
                         gt = RandomVector<T>(kN * ld, 64 + m), xt = RandomVector<T>(ld, 65 + m);
    struct Product {
      const char* name;
      std::size_t k_in;  // rows of dW
      std::function<void(Range cols, T* dw, T* db)> call;
    };
    const Product products[] = {
        {"gemm_grad_w", kN,
         [&](Range c, T* dw, T* db) {
           k.gemm_grad_w(m, c.size(), kN, a.data(), kLd, g.data() + c.begin, kLd, dw + c.begin, kLd,
                         db + c.begin);
         }},
        {"outer_grad_w", 1,
         [&](Range c, T* dw, T* db) {
           k.outer_grad_w(m, c.size(), x.data(), g.data() + c.begin, kLd, dw + c.begin,
                          db + c.begin);
         }},
        {"gemm_grad_w_fm", kN,
         [&](Range c, T* dw, T* db) {
           k.gemm_grad_w_fm(m, c.size(), kN, at.data(), ld, gt.data() + c.begin * ld, ld,
                            dw + c.begin, kLd, db + c.begin);
         }},
        {"gemm_grad_w_fm (k = 1)", 1,
         [&](Range c, T* dw, T* db) {
           k.gemm_grad_w_fm(m, c.size(), 1, xt.data(), ld, gt.data() + c.begin * ld, ld,
                            dw + c.begin, kLd, db + c.begin);
         }},
    };
    for (const Product& p : products) {
      std::vector<T> whole(kGrad, T(0));
      p.call({0, kN}, whole.data(), whole.data() + kN * kLd);
      for (int members = 2; members <= 8; ++members) {
        std::vector<T> split(kGrad, T(0));
        for (int member = 0; member < members; ++member) {
          const Range cols = GradientColumns(kN, members, member);
          if (!cols.empty()) p.call(cols, split.data(), split.data() + kN * kLd);
        }
        EXPECT_TRUE(SameBits(whole, split)) << Where(p.name, m, members) << " columns";
      }
    }
  }
}

// The weight gradients' blocks are summed into the gradient arena in slabs (model.cc): adding a
// block whole and in the slabs of every pool size gives the same bits.
template <typename T>
void SplitTest::AccumulateInSlabs() {
  const auto& k = K<T>();
  constexpr std::size_t n = kArenaSize;
  const std::vector<T> x = RandomVector<T>(n, 50), y0 = RandomVector<T>(n, 51);
  std::vector<T> whole = y0;
  k.accumulate(n, x.data(), whole.data());
  for (int ranks = 2; ranks <= kMaxRanks; ++ranks) {
    std::vector<T> split = y0;
    for (int part = 0; part < ranks; ++part) {
      const Range r = Slab(n, kVectorGrain, ranks, part);
      k.accumulate(r.size(), x.data() + r.begin, split.data() + r.begin);
    }
    ASSERT_TRUE(SameBits(whole, split)) << Where("accumulate", n, ranks);
  }
}

// One step of each optimizer over an arena-sized array, whole and in slabs.
template <typename T>
void SplitTest::Optimizers() {
  const auto& k = K<T>();
  constexpr std::size_t n = kArenaSize;
  const std::vector<T> g = RandomVector<T>(n, 90), p0 = RandomVector<T>(n, 91),
                       s0 = RandomVector<T>(n, 92, T(0)), v0 = RandomVector<T>(n, 93, T(0));
  struct State {
    std::vector<T> p, s, v;
  };
  auto step = [&](Optimizer optimizer, Range r, State& st) {
    const std::size_t c = r.size(), o = r.begin;
    switch (optimizer) {
      case Optimizer::kSgd:
        k.sgd(c, T(0.01), g.data() + o, st.p.data() + o);
        break;
      case Optimizer::kMomentum:
      case Optimizer::kNesterov:
        k.momentum(c, {T(0.01), T(0.9), optimizer == Optimizer::kNesterov}, g.data() + o,
                   st.s.data() + o, st.p.data() + o);
        break;
      case Optimizer::kRmsprop:
        k.rmsprop(c, {T(1e-3), T(0.9), T(1e-7)}, g.data() + o, st.s.data() + o, st.p.data() + o);
        break;
      case Optimizer::kAdam:
        k.adam(c, {T(1e-3), T(0.9), T(0.999), T(1e-7)}, 3, g.data() + o, st.s.data() + o,
               st.v.data() + o, st.p.data() + o);
        break;
    }
  };
  for (const auto& [optimizer, name] : kOptimizerNames) {
    State whole{p0, s0, v0};
    step(optimizer, Range{0, n}, whole);
    for (int ranks = 2; ranks <= kMaxRanks; ++ranks) {
      State split{p0, s0, v0};
      for (int part = 0; part < ranks; ++part) {
        step(optimizer, Slab(n, kVectorGrain, ranks, part), split);
      }
      ASSERT_TRUE(SameBits(whole.p, split.p) && SameBits(whole.s, split.s) &&
                  SameBits(whole.v, split.v))
          << Where(name, n, ranks);
    }
  }
}

TEST_P(SplitTest, RowKernelsFloat) { RowKernels<float>(); }
TEST_P(SplitTest, RowKernelsDouble) { RowKernels<double>(); }
TEST_P(SplitTest, WeightGradientsFloat) { WeightGradientsInColumns<float>(); }
TEST_P(SplitTest, WeightGradientsDouble) { WeightGradientsInColumns<double>(); }
TEST_P(SplitTest, AccumulateFloat) { AccumulateInSlabs<float>(); }
TEST_P(SplitTest, AccumulateDouble) { AccumulateInSlabs<double>(); }
TEST_P(SplitTest, OptimizersFloat) { Optimizers<float>(); }
TEST_P(SplitTest, OptimizersDouble) { Optimizers<double>(); }

INSTANTIATE_TEST_SUITE_P(Isa, SplitTest, ::testing::ValuesIn(kernels::kAllIsas),
                         [](const ::testing::TestParamInfo<Isa>& info) {
                           return std::string(kernels::IsaName(info.param));
                         });

}  // namespace
}  // namespace simd_mlp::mlp
