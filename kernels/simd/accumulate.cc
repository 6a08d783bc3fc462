// The accumulation (accumulate.h) for one ISA and element type: compiled once per ISA and element
// type of the build (kernels/BUILD), with that ISA's flags.
#include "kernels/simd/accumulate-inl.h"

SIMD_MLP_EXPORT(Accumulate)
SIMD_MLP_EXPORTED_FAMILY(accumulate)
