// The task of the original question: fit y = cos(x) on 10,000 points x = linspace(−10, 10), with
// x normalized to (x + 10)/20 − 0.5 ∈ [−0.5, 0.5], split by a seeded permutation into 8,000
// training and 2,000 test points. Values are computed in double and rounded once to T.
#ifndef SIMD_MLP_MLP_TRAINING_DATA_H_
#define SIMD_MLP_MLP_TRAINING_DATA_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace simd_mlp::mlp {

inline constexpr std::size_t kCosPoints = 10000;
inline constexpr std::size_t kCosTrainPoints = 8000;  // 80 %

// The most points a data set may have (67,108,864): as many rows as the largest CSV file read
// (mlp/io/csv.h) can hold, and what bounds a checkpoint's shuffle order (mlp/io/checkpoint.h).
inline constexpr std::size_t kMaxPoints = std::size_t{1} << 26;

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

// The number of validation points a fraction of a training set of n points makes (rounded to
// nearest).
inline std::size_t ValidationPoints(double fraction, std::size_t n) {
  return static_cast<std::size_t>(std::llround(fraction * double(n)));
}

// The affine maps between the user's units and the network's: x_net = (x − x_center) / x_scale,
// y = y_net · y_scale + y_center; and the x range they were fitted on. A checkpoint stores them,
// so a model predicts in the units it was trained in, and knows where it extrapolates.
struct Normalization {
  double x_center = 0, x_scale = 1;
  double y_center = 0, y_scale = 1;
  // The training points' x range ([−10, 10] for the cos task): predictions inside it interpolate,
  // outside it extrapolate. NaN where not known: a checkpoint saved before checkpoints kept it
  // (x_norm gives it only up to rounding, and not at all for a constant column).
  double x_min = NAN, x_max = NAN;

  float NormalizeX(double x) const { return static_cast<float>((x - x_center) / x_scale); }
  float NormalizeY(double y) const { return static_cast<float>((y - y_center) / y_scale); }
  double DenormalizeY(float y) const { return double(y) * y_scale + y_center; }
  double DenormalizeX(float x) const { return double(x) * x_scale + x_center; }

  bool KnowsXRange() const { return !std::isnan(x_min) && !std::isnan(x_max); }

  // An MSE of the network's, on y as normalized, in the units of y (squared): what a run reports.
  // One multiplication by a constant, so it keeps the order of MSEs; exact for the cos task
  // (y_scale 1). Finite and normal for every MSE a float can hold, given kMinYSpan ≤ the span of
  // the y values ≤ kMaxYSpan.
  double MseInDataUnits(double normalized_mse) const {
    return normalized_mse * (y_scale * y_scale);
  }
};

// The span of y values (max − min over the training points; or 0, a constant column) that --data
// may have. An MSE in y's units is the normalized one times (span / 2)²; within these bounds that
// factor keeps every MSE a float can hold (1.4e-45 to 3.4e38) a normal double, so a run never
// reports an MSE of inf or 0 that is neither.
inline constexpr double kMinYSpan = 1e-130, kMaxYSpan = 1e130;

// The cos task's maps: x ∈ [−10, 10] → [−0.5, 0.5], y as it is.
Normalization CosNormalization();

// The user's (x, y) pairs (--data), treated as the cos task is: a seeded permutation puts the
// first 80 % (rounded down) in the training set and the rest in the test set; the normalization is
// fitted on the training part alone, min–max, so its x spans [−0.5, 0.5] as the cos task's does
// and its y spans [−1, 1] as cos does (a constant column is only centred); its x range is the
// training points'. Returns false with *error set when a range is too wide for double (max − min
// overflows), when the y values span less than kMinYSpan (but more than 0) or more than
// kMaxYSpan, when a test point lies so far outside the training range that it normalizes beyond
// float, or when there are fewer than 2 points (the test set would be empty) or more than
// kMaxPoints. `lines`, if given, names each
// point's source line in messages.
bool MakeXyDataset(const std::vector<double>& x, const std::vector<double>& y,
                   std::uint64_t split_seed, Dataset<float>* data, Normalization* normalization,
                   std::string* error, const std::vector<std::size_t>* lines = nullptr);

// A 64-bit FNV-1a hash of the four arrays' values and lengths: what a checkpoint keeps to refuse
// resuming on other data, another split or another normalization.
std::uint64_t Fingerprint(const Dataset<float>& data);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINING_DATA_H_
