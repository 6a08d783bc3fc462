#include "mlp/core/init.h"

#include <cmath>
#include <vector>

#include "mlp/runtime/rng.h"

namespace simd_mlp::mlp {

template <typename T>
void InitParams(Init init, std::uint64_t seed, Arena<T>* params, double spread_scale) {
  params->Zero();  // biases and pad lanes
  Rng rng(seed, RngStream::kInit);
  if (init == Init::kSpread) {
    std::vector<double> w(kTensors[kW1].cols);
    for (double& wj : w) wj = spread_scale * rng.Normal();
    for (std::size_t j = 0; j < w.size(); ++j) {
      params->at(kW1, 0, j) = static_cast<T>(w[j]);
      params->at(kB1, 0, j) = static_cast<T>(-w[j] * rng.Uniform(-0.5, 0.5));
    }
  }
  for (Tensor t : {kW1, kW2, kW3, kW4}) {
    if (init == Init::kSpread && t == kW1) continue;  // drawn above
    const TensorSpec& spec = kTensors[t];
    const double limit = std::sqrt(6.0 / static_cast<double>(spec.rows + spec.cols));
    for (std::size_t r = 0; r < spec.rows; ++r) {
      for (std::size_t c = 0; c < spec.cols; ++c) {
        const double w = init == Init::kNormal ? rng.Normal() : rng.Uniform(-limit, limit);
        params->at(t, r, c) = static_cast<T>(w);
      }
    }
  }
}

template void InitParams<float>(Init, std::uint64_t, Arena<float>*, double);
template void InitParams<double>(Init, std::uint64_t, Arena<double>*, double);

}  // namespace simd_mlp::mlp
