// mlp::Mt19937_64 is std::mt19937_64's sequence, and mlp::Rng's draws and shuffles are those of
// its reference form on the library's engine (rng_reference.h, how Rng was first written):
// every seeded run, and every checkpoint's saved shuffle state, depends on both.
#include "mlp/runtime/rng.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "mlp/runtime/mersenne_twister.h"
#include "tests/mlp/runtime/rng_reference.h"

namespace simd_mlp::mlp {
namespace {

constexpr std::uint64_t kMax = UINT64_MAX;

std::mt19937_64 LibraryEngine(std::initializer_list<std::uint32_t> seeds) {
  std::seed_seq seq(seeds);
  return std::mt19937_64(seq);
}

TEST(Mt19937_64, IsTheLibrarysSequence) {
  // Each seed's first 20,000 numbers: 65 refills of the 312-word state.
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

// The numbers libstdc++'s operator<< prints for the engine's state.
std::vector<std::uint64_t> PrintedState(const std::mt19937_64& engine) {
  std::ostringstream text;
  text << engine;
  std::istringstream words(text.str());
  std::vector<std::uint64_t> printed;
  for (std::uint64_t word; words >> word;) printed.push_back(word);
  return printed;
}

TEST(Mt19937_64, StateIsWhatLibstdcxxPrints) {
#ifndef __GLIBCXX__
  GTEST_SKIP() << "checkpoints' state words are libstdc++'s print-out; this is another library";
#endif
  // The checkpoints written when Rng saved the library's state hold exactly these numbers.
  Mt19937_64 ours({7u, 0u, 3u});
  std::mt19937_64 library = LibraryEngine({7u, 0u, 3u});
  for (int draws : {0, 1, 311, 1}) {  // positions 312 (fresh), 1, 312, 1
    for (int i = 0; i < draws; ++i) ASSERT_EQ(ours(), library());
    const std::vector<std::uint64_t> state = ours.State();
    ASSERT_EQ(state.size(), Mt19937_64::kStateSize);
    EXPECT_EQ(state, PrintedState(library)) << "after " << draws << " more draws";
  }
}

TEST(Mt19937_64, RestoresWhatLibstdcxxPrinted) {
#ifndef __GLIBCXX__
  GTEST_SKIP() << "checkpoints' state words are libstdc++'s print-out; this is another library";
#endif
  for (int draws : {0, 1, 312, 500}) {  // positions 312 (as the corpus checkpoints), 1, 312, 188
    std::mt19937_64 library = LibraryEngine({21u, 0u, 3u});
    for (int i = 0; i < draws; ++i) library();
    Mt19937_64 ours({1u, 0u, 1u});
    ASSERT_TRUE(ours.SetState(PrintedState(library))) << "after " << draws << " draws";
    for (int i = 0; i < 1000; ++i) {
      ASSERT_EQ(ours(), library()) << "draw " << i << " after restoring at " << draws;
    }
  }
}

TEST(Mt19937_64, SetStateContinuesTheSequence) {
  Mt19937_64 source({9u, 0u, 3u});
  for (int i = 0; i < 500; ++i) source();
  Mt19937_64 copy({1u, 0u, 1u});
  ASSERT_TRUE(copy.SetState(source.State()));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(copy(), source()) << "draw " << i;
}

TEST(Mt19937_64, SetStateRejectsAWrongLengthOrAPositionPastTheWords) {
  // Each rejected state is another engine's, so that taking any part of it would show.
  Mt19937_64 other({5u, 0u, 3u});
  for (int i = 0; i < 100; ++i) other();
  const std::vector<std::uint64_t> good = other.State();
  std::vector<std::uint64_t> short_state(good.begin(), good.end() - 1);
  std::vector<std::uint64_t> long_state = good;
  long_state.push_back(0);
  std::vector<std::uint64_t> past_the_end = good;
  past_the_end.back() = Mt19937_64::kStateWords + 1;

  Mt19937_64 engine({8u, 0u, 3u}), twin({8u, 0u, 3u});
  for (const auto* bad : {&short_state, &long_state, &past_the_end}) {
    EXPECT_FALSE(engine.SetState(*bad)) << bad->size() << " numbers, last " << bad->back();
    for (int i = 0; i < 400; ++i) ASSERT_EQ(engine(), twin()) << "a rejected state changed it";
  }
}

TEST(Rng, AcceptsWhatTheLibraryFormAccepts) {
  // At the edges of the fast test (r ≤ 2⁶⁴ − 1 − n) and of the limit, where a random draw lands
  // with probability about 2⁻⁶⁴: n = 1 and powers of two (which divide 2⁶⁴), and bounds near 2⁶⁴.
  std::vector<std::uint64_t> bounds = {
      1, 2, 3, 7, 8000, kMax / 3, kMax / 2, kMax / 2 + 1, kMax / 2 + 2, kMax - 1, kMax};
  for (int k = 2; k < 64; ++k) {
    const std::uint64_t power = std::uint64_t{1} << k;
    bounds.insert(bounds.end(), {power - 1, power, power + 1});
  }
  for (std::uint64_t n : bounds) {
    const std::uint64_t limit = kMax - kMax % n;
    for (std::uint64_t r : {std::uint64_t{0}, std::uint64_t{1}, n - 1, n, kMax - n - 1, kMax - n,
                            kMax - n + 1, limit - 1, limit, limit + 1, kMax - 1, kMax}) {
      EXPECT_EQ(Rng::Accepts(r, n), ref::Accepts(r, n)) << "r = " << r << ", n = " << n;
    }
  }
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
