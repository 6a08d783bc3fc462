// Prints the ISA the kernels would use here, and every ISA this CPU supports:
//   bazel run //kernels:isa_info            →  active: avx512  supported: ref sse2 avx2 avx512
//   SIMD_MLP_ISA=sse2 bazel-bin/kernels/isa_info
// An invalid SIMD_MLP_ISA prints a one-line error and exits with status 2.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kernels/isa.h"

int main() {
  using namespace simd_mlp::kernels;
  Isa isa;
  std::string error;
  if (!ChooseIsa(std::getenv("SIMD_MLP_ISA"), &isa, &error)) {
    std::fprintf(stderr, "isa_info: error: %s\n", error.c_str());
    return 2;
  }
  std::printf("active: %s  supported:", IsaName(isa));
  for (Isa supported : SupportedIsas()) std::printf(" %s", IsaName(supported));
  std::printf("\n");
  return 0;
}
