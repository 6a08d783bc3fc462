#include "mlp/data.h"

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
    const double x = -10.0 + 20.0 * static_cast<double>(i) / static_cast<double>(kCosPoints - 1);
    const T x_normalized = static_cast<T>((x + 10.0) / 20.0 - 0.5);
    const T y = static_cast<T>(std::cos(x));
    const bool train = rank < kCosTrainPoints;
    (train ? data.train_x : data.test_x).push_back(x_normalized);
    (train ? data.train_y : data.test_y).push_back(y);
  }
  return data;
}

template Dataset<float> MakeCosDataset<float>(std::uint64_t);
template Dataset<double> MakeCosDataset<double>(std::uint64_t);

}  // namespace simd_mlp::mlp
