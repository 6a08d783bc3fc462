#include "mlp/data.h"

#include <cassert>
#include <cmath>
#include <numeric>

#include "mlp/rng.h"

namespace simd_mlp::mlp {

template <typename T>
Dataset<T> MakeCosDataset(std::uint64_t split_seed) {
  std::vector<std::size_t> order(kCosPoints);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng rng(split_seed, RngStream::kDataSplit);
  rng.Shuffle(order);

  Dataset<T> data;
  for (std::size_t rank = 0; rank < kCosPoints; ++rank) {
    const std::size_t i = order[rank];
    // numpy.linspace(-10, 10, 10000): both ends included.
    const double x = kCosXMin + (kCosXMax - kCosXMin) * static_cast<double>(i) /
                                    static_cast<double>(kCosPoints - 1);
    const T x_normalized = static_cast<T>(NormalizeCosInput(x));
    const T y = static_cast<T>(std::cos(x));
    const bool train = rank < kCosTrainPoints;
    (train ? data.train_x : data.test_x).push_back(x_normalized);
    (train ? data.train_y : data.test_y).push_back(y);
  }
  return data;
}

template <typename T>
Samples<T> SplitOffValidation(Dataset<T>* data, std::size_t count) {
  assert(count < data->train_x.size());
  const std::size_t keep = data->train_x.size() - count;
  Samples<T> validation;
  validation.x.assign(data->train_x.begin() + keep, data->train_x.end());
  validation.y.assign(data->train_y.begin() + keep, data->train_y.end());
  data->train_x.resize(keep);
  data->train_y.resize(keep);
  return validation;
}

template Dataset<float> MakeCosDataset<float>(std::uint64_t);
template Dataset<double> MakeCosDataset<double>(std::uint64_t);
template Samples<float> SplitOffValidation<float>(Dataset<float>*, std::size_t);
template Samples<double> SplitOffValidation<double>(Dataset<double>*, std::size_t);

}  // namespace simd_mlp::mlp
