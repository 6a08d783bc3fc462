// The weight gradient with a fused optimizer step (gemm_step.h) for one ISA and element type:
// compiled once per ISA and element type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/gemm_step-inl.h"

SIMD_MLP_EXPORT(GemmGradWFmStep)
SIMD_MLP_EXPORTED_FAMILY(gemm_step)
