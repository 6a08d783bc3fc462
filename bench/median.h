// The median the benchmark programs report over repeated runs.
#ifndef SIMD_MLP_BENCH_MEDIAN_H_
#define SIMD_MLP_BENCH_MEDIAN_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace simd_mlp::bench {

// The middle value (the mean of the two middle ones for an even count); NaN for none.
inline double Median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_MEDIAN_H_
