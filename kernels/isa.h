// Instruction sets the kernels are built for, and the run-time choice among them.
//
// Every kernel is compiled once per ISA of the target architecture (isa_list.inc; x86-64: sse2,
// avx2, avx512; aarch64: neon), each in its own translation units with its own flags
// (kernels/BUILD), and the best ISA that was built and that this CPU supports is chosen once, at
// first use. SIMD_MLP_ISA=ref|sse2|avx2|avx512|neon forces a choice (tests, benchmarks,
// debugging). A CMake build may include fewer ISAs (SIMD_MLP_KERNELS_ISAS, kernels/CMakeLists.txt):
// the others are then not compiled in, and never chosen.
#ifndef SIMD_MLP_KERNELS_ISA_H_
#define SIMD_MLP_KERNELS_ISA_H_

#include <string>
#include <vector>

namespace simd_mlp::kernels {

// Ordered from least to most capable; the numeric order is the preference order.
enum class Isa : int {
  kRef = 0,  // plain scalar C++: the specification every other ISA is tested against
#define SIMD_MLP_ISA(enumerator, name) enumerator,
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA
};

inline constexpr Isa kAllIsas[] = {
    Isa::kRef,
#define SIMD_MLP_ISA(enumerator, name) Isa::enumerator,
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA
};

// "ref", "sse2", "avx2", "avx512", "neon": the spelling SIMD_MLP_ISA takes, and the last part of
// every kernel's name (f32_gemm_bias_act__avx512), so --gtest_filter='*__avx512*' and
// --benchmark_filter='__avx2/' select one ISA.
constexpr const char* IsaName(Isa isa) {
  constexpr const char* kNames[] = {
      "ref",
#define SIMD_MLP_ISA(enumerator, name) #name,
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA
  };
  return kNames[static_cast<int>(isa)];
}

// True when this CPU (and its OS, which must save the wider registers) can run `isa`.
// x86-64: __builtin_cpu_supports, not xsimd 8.1.0's cpuid code, which has known bugs; aarch64:
// getauxval(AT_HWCAP). An ISA of another architecture than the build's is never supported.
bool CpuSupports(Isa isa);

// True when this build of the kernels includes `isa` (ref always).
bool IsaCompiled(Isa isa);

// IsaCompiled and CpuSupports: the kernels of `isa` can run here.
bool IsaSupported(Isa isa);

// The ISAs that are both compiled into this binary and supported by this CPU, best last.
std::vector<Isa> SupportedIsas();

// The best supported ISA, ignoring the environment.
Isa BestSupportedIsa();

// Parses a SIMD_MLP_ISA value. A null or empty value means "no override" and yields the best
// supported ISA. On an unknown name, an ISA this build does not include or one this CPU lacks,
// returns false and sets *error to a one-line message naming the value and the choices.
bool ChooseIsa(const char* env_value, Isa* isa, std::string* error);

// The ISA all dispatched kernels use: chosen once, from SIMD_MLP_ISA or the CPU. An invalid
// SIMD_MLP_ISA is a configuration error that no caller can recover from: this prints one line to
// stderr and exits with status 2. Programs that want to report it themselves call ChooseIsa first.
Isa ActiveIsa();

}  // namespace simd_mlp::kernels

#endif  // SIMD_MLP_KERNELS_ISA_H_
