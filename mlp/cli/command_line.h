// The command lines of //mlp:train and //mlp:predict, read by CLI11: --name=value flags (or
// --name value), switches that may stand alone, one --help style for both programs (each flag's
// values, what it does and its default), and a one-line error for an argument that is not a flag
// or a flag that does not exist, naming the nearest one that does ("unknown flag --epoch (did
// you mean --epochs?)").
//
// CLI11 finds the flags and their values; what a value means is the program's: each flag is a
// Field (mlp/text/fields.h), and Read hands the flags back in command-line order, so that a
// program can apply some before others (train's recipe before the flags that override it).
#ifndef SIMD_MLP_MLP_CLI_COMMAND_LINE_H_
#define SIMD_MLP_MLP_CLI_COMMAND_LINE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mlp/text/fields.h"
#include "mlp/text/printable.h"

namespace simd_mlp::mlp {

struct Program {
  std::string usage;        // the first line of --help: "usage: bazel run //mlp:train -- ..."
  std::string description;  // what the program does, under the usage line
  std::string footer;       // the last lines of --help
};

// A flag as --help shows it.
struct Flag {
  std::string name;           // without "--"
  std::string syntax;         // the values it takes: "NUMBER", "sgd|adam"
  std::string help;           // what it does
  std::string default_value;  // shown as "(default: …)"; empty shows "(default: none)"
  std::string group;          // --help lists the flags group by group, in order
  bool is_switch = false;     // may be given alone, meaning "true"
};

// The flag of `field` in `group`, with its value in `defaults` as the default --help shows; a
// default the flag cannot take (0 for a count that starts at 1, an empty file name) shows as
// "none".
template <typename Struct>
Flag FlagOf(const Field<Struct>& field, const Struct& defaults, std::string group) {
  std::string default_value = field.format(defaults);
  if (Struct probe = defaults; !field.parse(default_value, &probe)) default_value.clear();
  return {field.name, field.syntax, field.help, default_value, group, field.is_switch};
}

// One flag as given: which (an index into the program's flags) and its value as typed ("true"
// for a switch given alone).
struct GivenFlag {
  std::size_t flag;
  std::string value;
};

class CommandLine {
 public:
  enum class Outcome { kFlags, kHelp, kError };

  CommandLine(Program program, std::vector<Flag> flags);

  // Reads argv[1] … argv[argc − 1]. kFlags: *given holds every flag given, in command-line order
  // (a flag given twice is there twice). kHelp: --help or -h was given. kError: *error is one
  // line: an unknown flag (with the nearest known one, if one is near) or an argument that is
  // not a flag.
  Outcome Read(int argc, const char* const* argv, std::vector<GivenFlag>* given,
               std::string* error) const;

  // The --help text: the usage line, the description, the flags group by group, the footer.
  std::string Help() const;

  const std::vector<Flag>& flags() const { return flags_; }

 private:
  Program program_;
  std::vector<Flag> flags_;
};

// Sets `field` of *s from a flag's value: false with the one-line *error "--NAME: invalid value
// 'VALUE' (expected SYNTAX)" if the value is not one the field takes (the value Quoted: a newline
// in it shows as \x0a).
template <typename Struct>
bool SetFlag(const Field<Struct>& field, const std::string& value, Struct* s, std::string* error) {
  if (field.parse(value, s)) return true;
  *error = "--" + std::string(field.name) + ": invalid value " + Quoted(value) + " (expected " +
           field.syntax + ")";
  return false;
}

// The widest line the programs print of their own (--help, train's header): 100 columns.
inline constexpr std::size_t kLineWidth = 100;

// `text` broken at `separator` into lines of at most kLineWidth columns (UTF-8 code points): the
// first goes on from `first_column` (what stands before it is the caller's), every later one is
// indented by `indent` spaces, and a broken line ends with the separator's text without its
// trailing blanks ("," for ", "). A piece wider than a line stays whole.
std::string Wrap(std::string_view text, std::size_t first_column, std::size_t indent,
                 std::string_view separator = " ");

// The name among `names` nearest to `name` by edit distance (insertions, deletions,
// substitutions and swaps of neighbours each count 1), if it is near enough to be a typing
// mistake; empty otherwise.
std::string NearestName(const std::string& name, const std::vector<std::string>& names);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CLI_COMMAND_LINE_H_
