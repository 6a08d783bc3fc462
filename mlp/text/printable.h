// Quoting hostile text in a one-line message: a file can put newlines, control bytes or megabytes
// where a name or a number should be, and so can a command line (a flag's name or value, a file
// name, an environment variable). Every piece of such text a message shows goes through Printable:
// file contents cut short, names and values whole (up to kMaxShownName bytes).
#ifndef SIMD_MLP_MLP_TEXT_PRINTABLE_H_
#define SIMD_MLP_MLP_TEXT_PRINTABLE_H_

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace simd_mlp::mlp {

// `text` with control, non-ASCII, quote and backslash bytes as \xNN, cut after max_chars bytes
// (marked "...").
inline std::string Printable(std::string_view text, std::size_t max_chars = 40) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max_chars; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max_chars) out += "...";
  return out;
}

// How much of a name (a file name, a flag's name or value) a message shows: PATH_MAX, so a file
// name the system accepts is shown whole.
inline constexpr std::size_t kMaxShownName = 4096;

// A name as the start of a message ("data.csv:3:1: ...", "m.npz: missing array 'W3'").
inline std::string PrintableName(std::string_view name) { return Printable(name, kMaxShownName); }

// A name or a value inside a message, between single quotes: "cannot open 'no\x0asuch.csv'".
inline std::string Quoted(std::string_view text) { return "'" + PrintableName(text) + "'"; }

// The last guard of the one-line rule, applied to a whole message where it leaves the program:
// any control byte still in it (from text no caller quoted, such as a library's message) as \xNN.
// Printable's escapes and UTF-8 text pass unchanged.
inline std::string OneLine(std::string_view message) {
  std::string out;
  for (const char ch : message) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TEXT_PRINTABLE_H_
