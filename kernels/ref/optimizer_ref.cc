#include <cmath>
#include <limits>

#include "kernels/optimizer.h"

namespace simd_mlp::kernels::ref {

namespace {
// x, or 0 where |x| is below the smallest normal number (optimizer.h).
template <typename T>
T FlushSubnormal(T x) {
  return std::fabs(x) < std::numeric_limits<T>::min() ? T(0) : x;
}
}  // namespace

template <typename T>
void Sgd(std::size_t n, T lr, const T* g, T* p) {
  for (std::size_t i = 0; i < n; ++i) p[i] -= lr * g[i];
}

template <typename T>
void Momentum(std::size_t n, MomentumParams<T> params, const T* g, T* v, T* p) {
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = FlushSubnormal(params.mu * v[i] - params.lr * g[i]);
    p[i] += params.nesterov ? params.mu * v[i] - params.lr * g[i] : v[i];
  }
}

template <typename T>
void Rmsprop(std::size_t n, RmspropParams<T> params, const T* g, T* s, T* p) {
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = FlushSubnormal(params.rho * s[i] + (T(1) - params.rho) * g[i] * g[i]);
    p[i] -= params.lr * g[i] / std::sqrt(s[i] + params.eps);
  }
}

template <typename T>
T AdamStepSize(AdamParams<T> params, std::int64_t step) {
  const double t = static_cast<double>(step);
  return static_cast<T>(params.lr * std::sqrt(1.0 - std::pow(double(params.beta2), t)) /
                        (1.0 - std::pow(double(params.beta1), t)));
}

template <typename T>
void Adam(std::size_t n, AdamParams<T> params, std::int64_t step, const T* g, T* m, T* v, T* p) {
  const T alpha = AdamStepSize(params, step);
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = FlushSubnormal(params.beta1 * m[i] + (T(1) - params.beta1) * g[i]);
    v[i] = FlushSubnormal(params.beta2 * v[i] + (T(1) - params.beta2) * g[i] * g[i]);
    p[i] -= alpha * m[i] / (std::sqrt(v[i]) + params.eps);
  }
}

#define SIMD_MLP_INSTANTIATE(T)                                                          \
  template void Sgd<T>(std::size_t, T, const T*, T*);                                    \
  template void Momentum<T>(std::size_t, MomentumParams<T>, const T*, T*, T*);           \
  template void Rmsprop<T>(std::size_t, RmspropParams<T>, const T*, T*, T*);             \
  template void Adam<T>(std::size_t, AdamParams<T>, std::int64_t, const T*, T*, T*, T*); \
  template T AdamStepSize<T>(AdamParams<T>, std::int64_t);
SIMD_MLP_INSTANTIATE(float)
SIMD_MLP_INSTANTIATE(double)
#undef SIMD_MLP_INSTANTIATE

}  // namespace simd_mlp::kernels::ref
