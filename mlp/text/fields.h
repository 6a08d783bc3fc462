// A struct's members as named settings that read from and print to text: what a flag or a line of
// a checkpoint's config text sets. A table of Fields is all a parser needs; the tables are
// mlp/training/settings.h (TrainConfig: flags and config text) and mlp/cli/flags.cc (the run's
// other flags). Every number goes through number.h, every enum through its name table.
//
//   NumberField<TrainConfig>("lr", &TrainConfig::lr, "learning rate (> 0)")
//   IntegerField<TrainConfig>("threads", &TrainConfig::threads, 1, 64, "...", "auto")
#ifndef SIMD_MLP_MLP_TEXT_FIELDS_H_
#define SIMD_MLP_MLP_TEXT_FIELDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "mlp/text/enum_names.h"
#include "mlp/text/number.h"

namespace simd_mlp::mlp {

template <typename Struct>
struct Field {
  const char* name;    // the flag, without "--"
  std::string syntax;  // the values it takes, as --help and errors print them: "NUMBER", "a|b"
  std::string help;    // one line for --help
  // Sets the member from text; false if the text is not one of the values `syntax` names (the
  // caller names the field). Checks that need the whole struct come later.
  std::function<bool(std::string_view, Struct*)> parse;
  // The member as text that `parse` reads back to the same value; empty for an unset path.
  std::function<std::string(const Struct&)> format;
  bool is_switch = false;  // may be given without a value, meaning true
};

// A finite number (ParseNumber), which `in_range` (if given) must accept.
template <typename Struct>
Field<Struct> NumberField(const char* name, double Struct::*member, std::string help,
                          const char* syntax = "NUMBER", bool (*in_range)(double) = nullptr) {
  return {name, syntax, std::move(help),
          [member, in_range](std::string_view text, Struct* s) {
            double v;
            if (ParseNumber(text, &v) != NumberStatus::kOk || (in_range && !in_range(v))) {
              return false;
            }
            s->*member = v;
            return true;
          },
          [member](const Struct& s) { return ShortestText(s.*member); }};
}

// An integer in [min, max] (ParseUnsigned); with `zero_word`, that word also reads as 0 (and 0
// prints as it), and the syntax shows the range: "1…64|auto".
template <typename Struct, typename Int>
Field<Struct> IntegerField(const char* name, Int Struct::*member, std::uint64_t min,
                           std::uint64_t max, std::string help, const char* zero_word = nullptr) {
  static_assert(std::is_integral_v<Int>);
  std::string syntax = zero_word == nullptr
                           ? "INTEGER"
                           : std::to_string(min) + "…" + std::to_string(max) + "|" + zero_word;
  return {name, std::move(syntax), std::move(help),
          [member, min, max, zero_word](std::string_view text, Struct* s) {
            std::uint64_t v;
            if (zero_word != nullptr && text == zero_word) {
              v = 0;
            } else if (!ParseUnsigned(text, &v) || v < min || v > max) {
              return false;
            }
            s->*member = static_cast<Int>(v);
            return true;
          },
          [member, zero_word](const Struct& s) {
            return zero_word != nullptr && s.*member == 0 ? std::string(zero_word)
                                                          : std::to_string(s.*member);
          }};
}

// true|false (also 1|0, on|off, yes|no); may be given alone, meaning true.
template <typename Struct>
Field<Struct> SwitchField(const char* name, bool Struct::*member, std::string help) {
  return {name,
          "true|false",
          std::move(help),
          [member](std::string_view text, Struct* s) {
            if (text == "true" || text == "1" || text == "on" || text == "yes") {
              s->*member = true;
            } else if (text == "false" || text == "0" || text == "off" || text == "no") {
              s->*member = false;
            } else {
              return false;
            }
            return true;
          },
          [member](const Struct& s) { return std::string(s.*member ? "true" : "false"); },
          true};
}

// One of the names of `names`, the enum's table.
template <typename Struct, typename Enum, std::size_t N>
Field<Struct> ChoiceField(const char* name, Enum Struct::*member, const NameTable<Enum, N>& names,
                          std::string help) {
  return {name, NameList(names), std::move(help),
          [member, &names](std::string_view text, Struct* s) {
            return ValueOf(names, text, &(s->*member));
          },
          [member, &names](const Struct& s) { return std::string(NameOf(names, s.*member)); }};
}

// Any text (a file name, a recipe's name); empty only `if allow_empty`.
template <typename Struct>
Field<Struct> TextField(const char* name, std::string Struct::*member, std::string syntax,
                        std::string help, bool allow_empty = false) {
  return {name, std::move(syntax), std::move(help),
          [member, allow_empty](std::string_view text, Struct* s) {
            if (text.empty() && !allow_empty) return false;
            s->*member = text;
            return true;
          },
          [member](const Struct& s) { return s.*member; }};
}

// A field of the struct `Inner` that `Outer` holds as `inner`, as a field of Outer.
template <typename Outer, typename Inner>
Field<Outer> NestedField(const Field<Inner>& field, Inner Outer::*inner) {
  return {field.name,
          field.syntax,
          field.help,
          [parse = field.parse, inner](std::string_view text, Outer* s) {
            return parse(text, &(s->*inner));
          },
          [format = field.format, inner](const Outer& s) { return format(s.*inner); },
          field.is_switch};
}

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TEXT_FIELDS_H_
