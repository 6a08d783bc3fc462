// Quoting text from a file in a one-line error message: a hostile file can put newlines, control
// bytes or megabytes where a name or a number should be.
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

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TEXT_PRINTABLE_H_
