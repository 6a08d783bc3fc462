// Rng's bounded draw and shuffle as they were first written, on the standard library's engine:
// the reference that tests/mlp/runtime/rng_test.cc holds mlp::Rng to (the same numbers, the same
// permutations) and the baseline bench/shuffle_bench.cc times it against.
#ifndef SIMD_MLP_TESTS_MLP_RUNTIME_RNG_REFERENCE_H_
#define SIMD_MLP_TESTS_MLP_RUNTIME_RNG_REFERENCE_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "mlp/runtime/rng.h"

namespace simd_mlp::mlp::ref {

// Whether Below keeps the draw r (Rng::Accepts): below the limit, found by a division.
inline bool Accepts(std::uint64_t r, std::uint64_t n) { return r < UINT64_MAX - UINT64_MAX % n; }

// Uniform in [0, n), n ≥ 1: r % n, drawing again while r is at or above the limit (two divisions
// per call).
inline std::uint64_t Below(std::mt19937_64& engine, std::uint64_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t r;
  do r = engine();
  while (r >= limit);
  return r % n;
}

// Fisher–Yates, as Rng::Shuffle.
template <typename U>
void Shuffle(std::mt19937_64& engine, std::vector<U>& v) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(engine, i)]);
}

// The library's engine in the state Rng(seed, stream) starts from.
inline std::mt19937_64 Engine(std::uint64_t seed, RngStream stream) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(stream)};
  return std::mt19937_64(seq);
}

}  // namespace simd_mlp::mlp::ref

#endif  // SIMD_MLP_TESTS_MLP_RUNTIME_RNG_REFERENCE_H_
