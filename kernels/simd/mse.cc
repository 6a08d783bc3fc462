// The MSE loss and gradient (mse.h) for one ISA and element type: compiled once per ISA and element
// type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/mse-inl.h"

SIMD_MLP_EXPORT(MseLossGrad)
SIMD_MLP_EXPORTED_FAMILY(mse)
