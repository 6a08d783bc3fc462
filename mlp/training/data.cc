#include "mlp/training/data.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <numeric>

#include "mlp/runtime/rng.h"
#include "mlp/text/number.h"

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

// (x + 10)/20 − 0.5 = (x − 0)/20: MakeCosDataset's map in the form Normalization stores.
Normalization CosNormalization() { return {0.0, 20.0, 0.0, 1.0, -10.0, 10.0}; }

namespace {

// Centre and scale such that (v − centre)/scale spans [−half_width, half_width] over [lo, hi].
bool FitRange(double lo, double hi, double half_width, double* center, double* scale) {
  const double range = hi - lo;
  if (!std::isfinite(range)) return false;
  *center = lo + range / 2;
  *scale = range > 0 ? range / (2 * half_width) : 1.0;
  return true;
}

}  // namespace

bool MakeXyDataset(const std::vector<double>& x, const std::vector<double>& y,
                   std::uint64_t split_seed, Dataset<float>* data, Normalization* normalization,
                   std::string* error, const std::vector<std::size_t>* lines) {
  const std::size_t n = x.size();
  static_assert(kMaxPoints <= UINT32_MAX, "the trainer's shuffle order holds 32-bit indices");
  if (n > kMaxPoints) {
    *error =
        std::to_string(n) + " points, more than the " + std::to_string(kMaxPoints) + " supported";
    return false;
  }
  if (n < 2 || y.size() != n) {
    *error = std::to_string(n) + " points, need at least 2 (one to train on, one to test)";
    return false;
  }
  // 32-bit indices (n ≤ kMaxPoints) hold memory to 4 bytes a point; the shuffle's draws do not
  // depend on the element type.
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  Rng rng(split_seed, RngStream::kDataSplit);
  rng.Shuffle(order);
  const std::size_t train_points = std::max<std::size_t>(1, n * 4 / 5);

  double x_lo = x[order[0]], x_hi = x_lo, y_lo = y[order[0]], y_hi = y_lo;
  for (std::size_t rank = 0; rank < train_points; ++rank) {
    x_lo = std::min(x_lo, x[order[rank]]);
    x_hi = std::max(x_hi, x[order[rank]]);
    y_lo = std::min(y_lo, y[order[rank]]);
    y_hi = std::max(y_hi, y[order[rank]]);
  }
  Normalization norm;
  if (!FitRange(x_lo, x_hi, 0.5, &norm.x_center, &norm.x_scale)) {
    *error = "the x values span more than a double can hold";
    return false;
  }
  if (!FitRange(y_lo, y_hi, 1.0, &norm.y_center, &norm.y_scale)) {
    *error = "the y values span more than a double can hold";
    return false;
  }
  if (const double span = y_hi - y_lo; span > kMaxYSpan || (span > 0 && span < kMinYSpan)) {
    const bool wide = span > kMaxYSpan;
    *error = "the y values span " + ShortestText(span) + (wide ? ", more than " : ", less than ") +
             ShortestText(wide ? kMaxYSpan : kMinYSpan) + ": MSEs in their units would " +
             (wide ? "overflow" : "underflow") + " a double; rescale y";
    return false;
  }
  norm.x_min = x_lo;
  norm.x_max = x_hi;

  Dataset<float> out;
  out.train_x.reserve(train_points);
  out.train_y.reserve(train_points);
  out.test_x.reserve(n - train_points);
  out.test_y.reserve(n - train_points);
  for (std::size_t rank = 0; rank < n; ++rank) {
    const std::size_t i = order[rank];
    const bool train = rank < train_points;
    const float xn = norm.NormalizeX(x[i]), yn = norm.NormalizeY(y[i]);
    if (!std::isfinite(xn) || !std::isfinite(yn)) {
      // Only a test point far outside the training range can get here.
      *error = (lines ? "line " + std::to_string((*lines)[i]) : "point " + std::to_string(i + 1)) +
               " lies too far outside the training points' range to normalize in float";
      return false;
    }
    (train ? out.train_x : out.test_x).push_back(xn);
    (train ? out.train_y : out.test_y).push_back(yn);
  }
  *data = std::move(out);
  *normalization = norm;
  return true;
}

std::uint64_t Fingerprint(const Dataset<float>& data) {
  std::uint64_t hash = 0xcbf29ce484222325u;  // FNV-1a 64, offset basis
  auto mix = [&hash](const void* bytes, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    for (std::size_t i = 0; i < n; ++i) hash = (hash ^ p[i]) * 0x100000001b3u;
  };
  for (const std::vector<float>* v : {&data.train_x, &data.train_y, &data.test_x, &data.test_y}) {
    const std::uint64_t size = v->size();
    mix(&size, sizeof size);
    mix(v->data(), v->size() * sizeof(float));
  }
  return hash;
}

}  // namespace simd_mlp::mlp
