// The task of the original question: fit y = cos(x) on 10,000 points x = linspace(−10, 10), with
// x normalized to (x + 10)/20 − 0.5 ∈ [−0.5, 0.5], split by a seeded permutation into 8,000
// training and 2,000 test points. Values are computed in double and rounded once to T.
#ifndef SIMD_MLP_MLP_DATA_H_
#define SIMD_MLP_MLP_DATA_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace simd_mlp::mlp {

inline constexpr std::size_t kCosPoints = 10000;
inline constexpr std::size_t kCosTrainPoints = 8000;  // 80 %
inline constexpr double kCosXMin = -10, kCosXMax = 10;

// The network's input for x ∈ [−10, 10]: (x + 10)/20 − 0.5 ∈ [−0.5, 0.5].
inline double NormalizeCosInput(double x) { return (x - kCosXMin) / (kCosXMax - kCosXMin) - 0.5; }
inline double DenormalizeCosInput(double x) { return (x + 0.5) * (kCosXMax - kCosXMin) + kCosXMin; }

template <typename T>
struct Dataset {
  std::vector<T> train_x, train_y;  // normalized x, cos of the raw x
  std::vector<T> test_x, test_y;
};

// The split depends on split_seed only.
template <typename T>
Dataset<T> MakeCosDataset(std::uint64_t split_seed);

template <typename T>
struct Samples {
  std::vector<T> x, y;
};

// Moves the last `count` training points into a validation set and returns it (count must be
// less than the training set's size). The training points are in the order of the seeded split,
// so this is a random subset fixed by the split seed alone: disjoint from the test set, the same
// for every weight seed, and the same points whatever the batch size.
template <typename T>
Samples<T> SplitOffValidation(Dataset<T>* data, std::size_t count);

// The number of validation points a fraction of the training set makes (rounded to nearest).
inline std::size_t ValidationPoints(double fraction) {
  return static_cast<std::size_t>(std::llround(fraction * double(kCosTrainPoints)));
}

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_DATA_H_
