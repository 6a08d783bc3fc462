#include "kernels/isa.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/compiled_isas.h"

#if defined(__aarch64__)
#include <sys/auxv.h>  // getauxval, and HWCAP_ASIMD through <bits/hwcap.h>
#elif !defined(__x86_64__)
#error "kernels/isa.cc: no CPU detection for this architecture (x86-64 and aarch64 have theirs)"
#endif

namespace simd_mlp::kernels {

bool CpuSupports(Isa isa) {
#if defined(__x86_64__)
  // __builtin_cpu_supports also checks (through XGETBV) that the OS saves the wider registers.
  __builtin_cpu_init();
#endif
  switch (isa) {
    case Isa::kRef:
      return true;
#if defined(__x86_64__)
    case Isa::kSse2:
      return __builtin_cpu_supports("sse2");
    case Isa::kAvx2Fma:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
    case Isa::kNeon:
      return false;
#else
    case Isa::kSse2:
    case Isa::kAvx2Fma:
    case Isa::kAvx512:
      return false;
    case Isa::kNeon:
      // Standard on ARMv8-A application cores, yet optional in the architecture: ask Linux,
      // which reports what the CPU has.
      return (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
#endif
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
