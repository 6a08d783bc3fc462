// The activations (activation.h) for one ISA and element type: compiled once per ISA and element
// type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/activation-inl.h"

SIMD_MLP_EXPORT(Activate)
SIMD_MLP_EXPORT(ActivationGrad)
SIMD_MLP_EXPORTED_FAMILY(activation)
