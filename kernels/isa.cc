#include "kernels/isa.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace simd_mlp::kernels {

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kRef:
      return "ref";
    case Isa::kSse2:
      return "sse2";
    case Isa::kAvx2Fma:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
  }
  return "unknown";
}

bool CpuSupports(Isa isa) {
  // __builtin_cpu_supports also checks (through XGETBV) that the OS saves the wider registers.
  __builtin_cpu_init();
  switch (isa) {
    case Isa::kRef:
      return true;
    case Isa::kSse2:
      return __builtin_cpu_supports("sse2");
    case Isa::kAvx2Fma:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
  }
  return false;
}

std::vector<Isa> SupportedIsas() {
  std::vector<Isa> isas;
  for (Isa isa : kAllIsas) {
    if (CpuSupports(isa)) isas.push_back(isa);
  }
  return isas;
}

Isa BestSupportedIsa() { return SupportedIsas().back(); }

bool ChooseIsa(const char* env_value, Isa* isa, std::string* error) {
  if (env_value == nullptr || *env_value == '\0') {
    *isa = BestSupportedIsa();
    return true;
  }
  for (Isa candidate : kAllIsas) {
    if (std::strcmp(env_value, IsaName(candidate)) != 0) continue;
    if (!CpuSupports(candidate)) {
      *error = std::string("SIMD_MLP_ISA=") + env_value + ": this CPU does not support " +
               IsaName(candidate) + " (best supported: " + IsaName(BestSupportedIsa()) + ")";
      return false;
    }
    *isa = candidate;
    return true;
  }
  *error = std::string("SIMD_MLP_ISA=") + env_value +
           ": unknown ISA (expected one of ref, sse2, avx2, avx512)";
  return false;
}

Isa ActiveIsa() {
  static const Isa active = [] {
    Isa isa = Isa::kRef;
    std::string error;
    if (!ChooseIsa(std::getenv("SIMD_MLP_ISA"), &isa, &error)) {
      std::fprintf(stderr, "simd_mlp: error: %s\n", error.c_str());
      std::exit(2);
    }
    return isa;
  }();
  return active;
}

}  // namespace simd_mlp::kernels
