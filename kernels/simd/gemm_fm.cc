// The feature-major GEMMs (gemm.h) for one ISA and element type: compiled once per ISA and element
// type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/gemm_fm-inl.h"

SIMD_MLP_EXPORT(GemmBiasActFm)
SIMD_MLP_EXPORT(GemmGradXActFm)
SIMD_MLP_EXPORT(GemmGradWFm)
SIMD_MLP_EXPORTED_FAMILY(gemm_fm)
