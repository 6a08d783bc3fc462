// std::mt19937_64, output for output: the C++ standard specifies the engine to the bit
// ([rand.eng.mers]), and tests/mlp/runtime/rng_test.cc holds this one to the library's.
//
// Why not the library's: libstdc++'s twist (g++ 12, -O2) branches on each state word's low bit, a
// coin flip that the branch predictor loses half the time. The twist below selects the constant
// with a mask instead, which measured twice as fast (bench/shuffle_bench.cc; docs/performance.md).
//
// Its state as numbers (State, SetState) is the 312 words followed by the position, the order in
// which libstdc++'s operator<< prints them, so shuffle states saved in checkpoints by builds that
// used the library's engine restore to the same sequence; and unlike that text, it is the same
// whatever the standard library.
#ifndef SIMD_MLP_MLP_RUNTIME_MERSENNE_TWISTER_H_
#define SIMD_MLP_MLP_RUNTIME_MERSENNE_TWISTER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <vector>

namespace simd_mlp::mlp {

class Mt19937_64 {
 public:
  static constexpr std::size_t kStateWords = 312;
  static constexpr std::size_t kStateSize = kStateWords + 1;  // State(): the words, the position

  // As std::mt19937_64 seeded with std::seed_seq(seeds): two of the sequence's 32-bit values per
  // word, low half first.
  explicit Mt19937_64(std::initializer_list<std::uint32_t> seeds) {
    std::array<std::uint32_t, 2 * kStateWords> halves;
    std::seed_seq(seeds).generate(halves.begin(), halves.end());
    for (std::size_t i = 0; i < kStateWords; ++i) {
      x_[i] = halves[2 * i] | std::uint64_t{halves[2 * i + 1]} << 32;
    }
    // Only word 0's top 33 bits enter the recurrence: if they and every other word are zero, the
    // engine would stay at zero, and the standard sets the top bit instead.
    bool all_zero = (x_[0] & kUpperBits) == 0;
    for (std::size_t i = 1; i < kStateWords; ++i) all_zero = all_zero && x_[i] == 0;
    if (all_zero) x_[0] = std::uint64_t{1} << 63;
    position_ = kStateWords;
  }

  std::uint64_t operator()() {
    if (position_ >= kStateWords) Refill();
    std::uint64_t z = x_[position_++];
    z ^= (z >> 29) & 0x5555555555555555u;
    z ^= (z << 17) & 0x71D67FFFEDA60000u;
    z ^= (z << 37) & 0xFFF7EEE000000000u;
    return z ^ (z >> 43);
  }

  std::vector<std::uint64_t> State() const {
    std::vector<std::uint64_t> state(x_.begin(), x_.end());
    state.push_back(position_);
    return state;
  }

  // False (and the engine unchanged) unless `state` is kStateSize numbers ending in a position
  // no greater than kStateWords.
  bool SetState(const std::vector<std::uint64_t>& state) {
    if (state.size() != kStateSize || state.back() > kStateWords) return false;
    for (std::size_t i = 0; i < kStateWords; ++i) x_[i] = state[i];
    position_ = static_cast<std::size_t>(state.back());
    return true;
  }

 private:
  static constexpr std::size_t kShift = 156;  // the recurrence's middle term: word i + 156
  static constexpr std::uint64_t kUpperBits = ~std::uint64_t{0} << 31;

  // The new word i from words i, i + 1 and i + kShift (mod kStateWords).
  static std::uint64_t Twist(std::uint64_t word, std::uint64_t next, std::uint64_t shifted) {
    const std::uint64_t y = (word & kUpperBits) | (next & ~kUpperBits);
    const std::uint64_t matrix_a = (std::uint64_t{0} - (y & 1)) & 0xB5026F5AA96619E9u;
    return shifted ^ (y >> 1) ^ matrix_a;
  }

  // All 312 words at once, in place: a word past the end wraps to the start, which is already
  // the next generation's, as the recurrence wants.
  void Refill() {
    std::size_t i = 0;
    for (; i < kStateWords - kShift; ++i) x_[i] = Twist(x_[i], x_[i + 1], x_[i + kShift]);
    for (; i < kStateWords - 1; ++i) {
      x_[i] = Twist(x_[i], x_[i + 1], x_[i + kShift - kStateWords]);
    }
    x_[i] = Twist(x_[i], x_[0], x_[kShift - 1]);
    position_ = 0;
  }

  std::array<std::uint64_t, kStateWords> x_;
  std::size_t position_;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_RUNTIME_MERSENNE_TWISTER_H_
