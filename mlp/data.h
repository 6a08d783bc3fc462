// The task of the original question: fit y = cos(x) on 10,000 points x = linspace(−10, 10), with
// x normalized to (x + 10)/20 − 0.5 ∈ [−0.5, 0.5], split by a seeded permutation into 8,000
// training and 2,000 test points. Values are computed in double and rounded once to T.
#ifndef SIMD_MLP_MLP_DATA_H_
#define SIMD_MLP_MLP_DATA_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace simd_mlp::mlp {

inline constexpr std::size_t kCosPoints = 10000;
inline constexpr std::size_t kCosTrainPoints = 8000;  // 80 %

template <typename T>
struct Dataset {
  std::vector<T> train_x, train_y;  // normalized x, cos of the raw x
  std::vector<T> test_x, test_y;
};

// The split depends on split_seed only.
template <typename T>
Dataset<T> MakeCosDataset(std::uint64_t split_seed);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_DATA_H_
