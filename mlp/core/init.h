// The initial weights: N(0, 1) (the original question's) or Glorot-uniform (Keras's default).
#ifndef SIMD_MLP_MLP_CORE_INIT_H_
#define SIMD_MLP_MLP_CORE_INIT_H_

#include <cstdint>

#include "mlp/core/arena.h"
#include "mlp/text/enum_names.h"

namespace simd_mlp::mlp {

enum class Init { kNormal, kGlorotUniform };

inline constexpr NameTable<Init, 2> kInitNames = {{
    {Init::kNormal, "normal"},
    {Init::kGlorotUniform, "glorot"},
}};

inline const char* InitName(Init init) { return NameOf(kInitNames, init); }

// Weights: N(0, 1) or Glorot-uniform U(±sqrt(6 / (fan_in + fan_out))); biases and pad lanes zero.
// Draws in the order of the tensor table, row-major, in double, then rounds once to T: the same
// seed gives bit-identical weights.
template <typename T>
void InitParams(Init init, std::uint64_t seed, Arena<T>* params);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CORE_INIT_H_
