// The initial weights: N(0, 1) (the original question's), Glorot-uniform (Keras's default), or a
// first layer spread over the input range (init spread).
#ifndef SIMD_MLP_MLP_CORE_INIT_H_
#define SIMD_MLP_MLP_CORE_INIT_H_

#include <cstdint>

#include "mlp/core/arena.h"
#include "mlp/text/enum_names.h"

namespace simd_mlp::mlp {

enum class Init { kNormal, kGlorotUniform, kSpread };

inline constexpr NameTable<Init, 3> kInitNames = {{
    {Init::kNormal, "normal"},
    {Init::kGlorotUniform, "glorot"},
    {Init::kSpread, "spread"},
}};

inline const char* InitName(Init init) { return NameOf(kInitNames, init); }

// The first layer's weight scale that kSpread uses unless told otherwise (--spread-scale): the
// fast recipe's, chosen by the search of docs/fast_recipe.md.
inline constexpr double kDefaultSpreadScale = 30;

// Weights:
//   normal   N(0, 1) in every layer; biases zero
//   glorot   Glorot-uniform U(±sqrt(6 / (fan_in + fan_out))) in every layer; biases zero
//   spread   the first layer's unit j: w_j ~ N(0, spread_scale²) and b_j = −w_j·c_j with
//            c_j ~ U(−0.5, 0.5), so that each unit's transition (where w·x + b = 0, x = c_j) lies
//            at a uniformly random point of the network's input range [−0.5, 0.5] (the cos task's
//            normalized x, and --data's: mlp/training/data.h) and is about 1/spread_scale wide;
//            the other layers Glorot-uniform, biases zero. It depends on the input range only,
//            never on the targets.
// Pad lanes zero. Draws in the order of the tensor table (for spread: the 100 first-layer weights,
// then their 100 centres), row-major, in double, then rounds once to T: the same seed gives
// bit-identical weights.
template <typename T>
void InitParams(Init init, std::uint64_t seed, Arena<T>* params,
                double spread_scale = kDefaultSpreadScale);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CORE_INIT_H_
