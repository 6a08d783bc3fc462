// A small batch's layer backward pass with the optimizer step fused (dense_step.h) for one ISA
// and element type: compiled once per ISA and element type of the build (kernels/BUILD).
#include "kernels/simd/dense_step-inl.h"

SIMD_MLP_EXPORT(DenseBackwardStep)
SIMD_MLP_EXPORTED_FAMILY(dense_step)
