// The ISAs this build of the library compiled, for the dispatcher's own units (isa.cc,
// kernels.cc) and the benchmarks' per-ISA tables (bench/bench_util.cc): the build names them in
// -DSIMD_MLP_KERNELS_ISAS=sse2,avx2,avx512 (kernels/BUILD: every ISA of the target's
// architecture; kernels/CMakeLists.txt: its SIMD_MLP_KERNELS_ISAS).
// Not a public header: consumers ask IsaCompiled (isa.h).
#ifndef SIMD_MLP_KERNELS_COMPILED_ISAS_H_
#define SIMD_MLP_KERNELS_COMPILED_ISAS_H_

#include <string_view>

#include "kernels/isa.h"

#ifndef SIMD_MLP_KERNELS_ISAS
#error "compile the dispatcher with -DSIMD_MLP_KERNELS_ISAS=<the ISAs built, comma-separated>"
#endif

namespace simd_mlp::kernels::compiled {

#define SIMD_MLP_KERNELS_STRING(...) #__VA_ARGS__
#define SIMD_MLP_KERNELS_EXPAND_STRING(...) SIMD_MLP_KERNELS_STRING(__VA_ARGS__)
inline constexpr std::string_view kIsaList = SIMD_MLP_KERNELS_EXPAND_STRING(SIMD_MLP_KERNELS_ISAS);
#undef SIMD_MLP_KERNELS_EXPAND_STRING
#undef SIMD_MLP_KERNELS_STRING

// Whether `name` is one of the comma-separated names of kIsaList.
constexpr bool Listed(std::string_view name) {
  for (std::string_view list = kIsaList; !list.empty();) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == name) return true;
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
  }
  return false;
}

// Whether this build includes `isa`.
constexpr bool Includes(Isa isa) { return isa == Isa::kRef || Listed(IsaName(isa)); }

// Every name listed is an ISA of isa_list.inc (a misspelt one would silently build nothing).
constexpr bool EveryListedNameIsAnIsa() {
  std::size_t known = 0, listed = 0;
  for (Isa isa : kAllIsas) known += isa != Isa::kRef && Listed(IsaName(isa));
  for (char c : kIsaList) listed += c == ',';
  return !kIsaList.empty() && known == listed + 1;
}
static_assert(EveryListedNameIsAnIsa(),
              "SIMD_MLP_KERNELS_ISAS names an ISA that kernels/isa_list.inc does not know");

}  // namespace simd_mlp::kernels::compiled

#endif  // SIMD_MLP_KERNELS_COMPILED_ISAS_H_
