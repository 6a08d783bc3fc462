// mlp::Mt19937_64 is std::mt19937_64's sequence, and mlp::Rng's draws and shuffles are those of
// its reference form on the library's engine (mlp/rng_reference.h, how Rng was first written):
// every seeded run, and every checkpoint's saved shuffle state, depends on both.
#include "mlp/rng.h"

#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "gtest/gtest.h"
#include "mlp/mersenne_twister.h"
#include "mlp/rng_reference.h"

namespace simd_mlp::mlp {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::mt19937_64 LibraryEngine(std::initializer_list<std::uint32_t> seeds) {
  std::seed_seq seq(seeds);
  return std::mt19937_64(seq);
}

TEST(Mt19937_64, IsTheLibrarysSequence) {
  // Each seed's first 20,000 numbers: 64 refills of the 312-word state.
  for (std::uint32_t seed : {0u, 1u, 42u, 0xFFFFFFFFu}) {
    for (std::uint32_t stream : {1u, 3u}) {
      std::mt19937_64 expected = LibraryEngine({seed, 0u, stream});
      Mt19937_64 ours({seed, 0u, stream});
      for (int i = 0; i < 20000; ++i) {
        ASSERT_EQ(ours(), expected()) << "seed " << seed << " stream " << stream << " draw " << i;
      }
    }
  }
}

TEST(Mt19937_64, StateIsTheWordsThenThePosition) {
  Mt19937_64 ours({7u, 0u, 3u});
  std::mt19937_64 library = LibraryEngine({7u, 0u, 3u});
  for (int draws : {0, 1, 311, 1}) {  // positions 312 (fresh), 1, 312, 1
    for (int i = 0; i < draws; ++i) ASSERT_EQ(ours(), library());
    const std::vector<std::uint64_t> state = ours.State();
    ASSERT_EQ(state.size(), Mt19937_64::kStateSize);
#ifdef __GLIBCXX__
    // libstdc++ prints the same numbers in the same order: the checkpoints written when Rng
    // saved the library's state hold exactly these.
    std::ostringstream text;
    text << library;
    std::istringstream words(text.str());
    std::vector<std::uint64_t> printed;
    for (std::uint64_t word; words >> word;) printed.push_back(word);
    EXPECT_EQ(state, printed) << "after " << draws << " more draws";
#endif
  }
}

TEST(Mt19937_64, SetStateContinuesTheSequence) {
  Mt19937_64 source({9u, 0u, 3u});
  for (int i = 0; i < 500; ++i) source();
  Mt19937_64 copy({1u, 0u, 1u});
  ASSERT_TRUE(copy.SetState(source.State()));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(copy(), source()) << "draw " << i;
}

TEST(Mt19937_64, SetStateRejectsWhatStateCannotReturn) {
  Mt19937_64 engine({5u, 0u, 3u});
  const std::vector<std::uint64_t> good = engine.State();
  const std::uint64_t first = engine();
  Mt19937_64 fresh({5u, 0u, 3u});

  std::vector<std::uint64_t> short_state(good.begin(), good.end() - 1);
  EXPECT_FALSE(fresh.SetState(short_state));
  std::vector<std::uint64_t> long_state = good;
  long_state.push_back(0);
  EXPECT_FALSE(fresh.SetState(long_state));
  std::vector<std::uint64_t> past_the_end = good;
  past_the_end.back() = Mt19937_64::kStateWords + 1;
  EXPECT_FALSE(fresh.SetState(past_the_end));
  EXPECT_EQ(fresh(), first) << "a rejected state changed the engine";
}

TEST(Rng, BelowIsTheLibraryFormsDraw) {
  // Small bounds (the fast path nearly always), and bounds near 2⁶⁴ where the top partial range
  // is rejected: for n = 2⁶³ + 1 nearly half of all draws.
  const std::vector<std::uint64_t> bounds = {
      1, 2, 3, 7, 8000, 1u << 31, kMax / 3, kMax / 2, kMax / 2 + 1, kMax / 2 + 2, kMax - 1, kMax};
  const std::uint64_t seed = 0x1234567890ABCDEFu;  // both halves enter the seed sequence
  Rng rng(seed, RngStream::kShuffle);
  std::mt19937_64 library = ref::Engine(seed, RngStream::kShuffle);
  for (int round = 0; round < 2000; ++round) {
    for (std::uint64_t n : bounds) {
      ASSERT_EQ(rng.Below(n), ref::Below(library, n)) << "n = " << n << ", round " << round;
    }
  }
}

TEST(Rng, ShuffleIsTheLibraryFormsShuffle) {
  std::vector<std::uint32_t> ours(8000), expected(8000);
  std::iota(ours.begin(), ours.end(), 0u);
  std::iota(expected.begin(), expected.end(), 0u);
  Rng rng(3, RngStream::kShuffle);
  std::mt19937_64 library = ref::Engine(3, RngStream::kShuffle);
  for (int epoch = 0; epoch < 3; ++epoch) {
    rng.Shuffle(ours);
    ref::Shuffle(library, expected);
    ASSERT_EQ(ours, expected) << "epoch " << epoch;
  }
}

}  // namespace
}  // namespace simd_mlp::mlp
