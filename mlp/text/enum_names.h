// A name for each value of an enum, and back: one table per enum serves the flags, --help, a
// checkpoint's config text and a run's description, so a value cannot be spelled two ways.
//
//   inline constexpr NameTable<Init, 2> kInitNames = {{{Init::kNormal, "normal"}, ...}};
//   NameOf(kInitNames, Init::kNormal)            → "normal"
//   ValueOf(kInitNames, "glorot", &init)         → true, init = Init::kGlorotUniform
//   NameList(kInitNames)                         → "normal|glorot"
#ifndef SIMD_MLP_MLP_TEXT_ENUM_NAMES_H_
#define SIMD_MLP_MLP_TEXT_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace simd_mlp::mlp {

template <typename Enum>
struct EnumName {
  Enum value;
  const char* name;
};

template <typename Enum, std::size_t N>
using NameTable = std::array<EnumName<Enum>, N>;

// The name of `value`; "unknown" for a value the table lacks (a cast from a bad integer).
template <typename Enum, std::size_t N>
constexpr const char* NameOf(const NameTable<Enum, N>& table, Enum value) {
  for (const EnumName<Enum>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

// The value named `name` exactly; false (and *value unchanged) for any other text.
template <typename Enum, std::size_t N>
bool ValueOf(const NameTable<Enum, N>& table, std::string_view name, Enum* value) {
  for (const EnumName<Enum>& entry : table) {
    if (name == entry.name) {
      *value = entry.value;
      return true;
    }
  }
  return false;
}

// Every name in the table's order, `separator` between: "sgd|momentum|nesterov|rmsprop|adam".
template <typename Enum, std::size_t N>
std::string NameList(const NameTable<Enum, N>& table, std::string_view separator = "|") {
  std::string list;
  for (const EnumName<Enum>& entry : table) {
    if (!list.empty()) list += separator;
    list += entry.name;
  }
  return list;
}

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TEXT_ENUM_NAMES_H_
