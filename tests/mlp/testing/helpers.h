// What the trainer's tests share: the cos task's data, built once, and comparisons bit for bit
// (training is deterministic to the bit, so the tests compare bits, not values within a
// tolerance).
#ifndef SIMD_MLP_TESTS_MLP_TESTING_HELPERS_H_
#define SIMD_MLP_TESTS_MLP_TESTING_HELPERS_H_

#include <cstring>
#include <vector>

#include "mlp/core/arena.h"
#include "mlp/training/data.h"

namespace simd_mlp::mlp::testing {

// The cos task split with data seed 0, as //mlp:train's default run sees it.
inline const Dataset<float>& CosData() {
  static const auto* data = new Dataset<float>(MakeCosDataset<float>(0));
  return *data;
}

// Every element, pad lanes included.
template <typename T>
bool SameBits(const Arena<T>& a, const Arena<T>& b) {
  return std::memcmp(a.data(), b.data(), kArenaSize * sizeof(T)) == 0;
}

template <typename T>
bool SameBits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

}  // namespace simd_mlp::mlp::testing

#endif  // SIMD_MLP_TESTS_MLP_TESTING_HELPERS_H_
