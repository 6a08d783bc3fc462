// The edge layers' kernels (dense_edge.h) for one ISA and element type: compiled once per ISA and
// element type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/dense_edge-inl.h"

SIMD_MLP_EXPORT(OuterBiasAct)
SIMD_MLP_EXPORT(OuterGradW)
SIMD_MLP_EXPORT(GemvBiasAct)
SIMD_MLP_EXPORT(GemvGradW)
SIMD_MLP_EXPORT(GemvGradXAct)
SIMD_MLP_EXPORTED_FAMILY(dense_edge)
