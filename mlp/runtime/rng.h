// A seeded random source whose output is bit-identical for the same seed on every standard
// library: std::mt19937_64 and std::seed_seq are specified to the bit by the C++ standard, while
// std::uniform_real_distribution and std::normal_distribution are not (libstdc++ and libc++ give
// different numbers), so the transforms below are our own. The engine is std::mt19937_64's
// sequence from our own faster code (mersenne_twister.h).
#ifndef SIMD_MLP_MLP_RUNTIME_RNG_H_
#define SIMD_MLP_MLP_RUNTIME_RNG_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "mlp/runtime/mersenne_twister.h"

namespace simd_mlp::mlp {

// Independent streams from one user seed: the data split, the initial weights and the per-epoch
// shuffle each take their own, so changing the batch size does not change the weights.
enum class RngStream : std::uint32_t { kDataSplit = 1, kInit = 2, kShuffle = 3, kTest = 4 };

class Rng {
 public:
  Rng(std::uint64_t seed, RngStream stream)
      : engine_({static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                 static_cast<std::uint32_t>(stream)}) {}

  std::uint64_t Next() { return engine_(); }

  // Uniform in [0, 1) with 53 random bits: exact in double.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

  // Standard normal by Box–Muller (one value per call; the sine half is dropped for simplicity).
  // log/cos/sqrt come from this machine's libm: bit-identical on the same machine, as promised.
  double Normal() {
    const double u1 = 1.0 - Uniform();  // (0, 1]: log stays finite
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Uniform in [0, n), n ≥ 1, without modulo bias: r % n for the first draw r that Accepts.
  std::uint64_t Below(std::uint64_t n) {
    for (;;) {
      const std::uint64_t r = Next();
      if (Accepts(r, n)) return r % n;
    }
  }

  // Whether Below keeps the draw r: r below limit = (2⁶⁴ − 1) − (2⁶⁴ − 1) % n, from which on the
  // values would give some remainders once more than others. (Where n divides 2⁶⁴ that drops n
  // values needlessly; it stays, because every seeded shuffle depends on exactly these draws.)
  // The limit exceeds 2⁶⁴ − 1 − n, so an r up to that needs no division to be found below it:
  // nearly every r, for the n of a shuffle.
  static bool Accepts(std::uint64_t r, std::uint64_t n) {
    return r <= UINT64_MAX - n || r < UINT64_MAX - UINT64_MAX % n;
  }

  // The engine's state as numbers, for a checkpoint (Mt19937_64::State).
  std::vector<std::uint64_t> State() const { return engine_.State(); }

  // Restores a state State() returned, so that the next draws continue that sequence. False
  // (and the engine unchanged) if `state` has the wrong length or a position past the words.
  bool SetState(const std::vector<std::uint64_t>& state) { return engine_.SetState(state); }

  // Fisher–Yates; no allocation.
  template <typename U>
  void Shuffle(std::vector<U>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  Mt19937_64 engine_;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_RUNTIME_RNG_H_
