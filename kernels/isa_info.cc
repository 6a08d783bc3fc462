// Prints the ISA whose kernels this process dispatches to, and every ISA this CPU supports:
//   bazel run //kernels:isa_info            →  active: avx512  supported: ref sse2 avx2 avx512
//   SIMD_MLP_ISA=sse2 bazel-bin/kernels/isa_info
// "active" is read back from the dispatch table itself (Kernels<float>().isa), so it shows what
// the kernels really run, not only what SIMD_MLP_ISA asked for. An invalid SIMD_MLP_ISA prints a
// one-line error and exits with status 2.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kernels/kernels.h"

int main() {
  using namespace simd_mlp::kernels;
  Isa isa;
  std::string error;
  if (!ChooseIsa(std::getenv("SIMD_MLP_ISA"), &isa, &error)) {
    std::fprintf(stderr, "isa_info: error: %s\n", error.c_str());
    return 2;
  }
  const Isa active = Kernels<float>().isa;
  if (Kernels<double>().isa != active) {
    std::fprintf(stderr, "isa_info: error: float kernels run %s but double kernels run %s\n",
                 IsaName(active), IsaName(Kernels<double>().isa));
    return 1;
  }
  std::printf("active: %s  supported:", IsaName(active));
  for (Isa supported : SupportedIsas()) std::printf(" %s", IsaName(supported));
  std::printf("\n");
  return 0;
}
