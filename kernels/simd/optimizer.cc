// The optimizer updates (optimizer.h) for one ISA and element type: compiled once per ISA and
// element type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/optimizer-inl.h"

SIMD_MLP_EXPORT(Sgd)
SIMD_MLP_EXPORT(Momentum)
SIMD_MLP_EXPORT(Rmsprop)
SIMD_MLP_EXPORT(Adam)
SIMD_MLP_EXPORTED_FAMILY(optimizer)
