#include "kernels/isa.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/compiled_isas.h"

namespace simd_mlp::kernels {

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

bool IsaCompiled(Isa isa) { return compiled::Includes(isa); }

bool IsaSupported(Isa isa) { return IsaCompiled(isa) && CpuSupports(isa); }

std::vector<Isa> SupportedIsas() {
  std::vector<Isa> isas;
  for (Isa isa : kAllIsas) {
    if (IsaSupported(isa)) isas.push_back(isa);
  }
  return isas;
}

Isa BestSupportedIsa() { return SupportedIsas().back(); }

namespace {

// "ref, sse2, avx2": the ISAs for which `keep` holds.
template <typename Keep>
std::string IsaNames(Keep keep) {
  std::string names;
  for (Isa isa : kAllIsas) {
    if (keep(isa)) names += (names.empty() ? "" : ", ") + std::string(IsaName(isa));
  }
  return names;
}

}  // namespace

bool ChooseIsa(const char* env_value, Isa* isa, std::string* error) {
  if (env_value == nullptr || *env_value == '\0') {
    *isa = BestSupportedIsa();
    return true;
  }
  const std::string prefix = std::string("SIMD_MLP_ISA=") + env_value + ": ";
  for (Isa candidate : kAllIsas) {
    if (std::strcmp(env_value, IsaName(candidate)) != 0) continue;
    if (!IsaCompiled(candidate)) {
      *error = prefix + "this build of the kernels does not include " + IsaName(candidate) +
               " (built: " + IsaNames(IsaCompiled) + ")";
      return false;
    }
    if (!CpuSupports(candidate)) {
      *error = prefix + "this CPU does not support " + IsaName(candidate) +
               " (best supported: " + IsaName(BestSupportedIsa()) + ")";
      return false;
    }
    *isa = candidate;
    return true;
  }
  *error = prefix + "unknown ISA (expected one of " + IsaNames([](Isa) { return true; }) + ")";
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
