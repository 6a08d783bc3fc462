// The batch-major GEMMs (gemm.h) for one ISA and element type: compiled once per ISA and element
// type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/gemm-inl.h"

SIMD_MLP_EXPORT(GemmBiasAct)
SIMD_MLP_EXPORT(GemmGradW)
SIMD_MLP_EXPORT(GemmGradXAct)
SIMD_MLP_EXPORTED_FAMILY(gemm)
