#include "mlp/core/init.h"

#include <cmath>

#include "mlp/runtime/rng.h"

namespace simd_mlp::mlp {

template <typename T>
void InitParams(Init init, std::uint64_t seed, Arena<T>* params) {
  params->Zero();  // biases and pad lanes
  Rng rng(seed, RngStream::kInit);
  for (Tensor t : {kW1, kW2, kW3, kW4}) {
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

template void InitParams<float>(Init, std::uint64_t, Arena<float>*);
template void InitParams<double>(Init, std::uint64_t, Arena<double>*);

}  // namespace simd_mlp::mlp
