#include "mlp/text/number.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace simd_mlp::mlp {

NumberStatus ParseNumber(std::string_view text, double* value) {
  if (text.empty()) return NumberStatus::kEmpty;
  std::string_view digits = text;
  // std::from_chars takes a '-' but not a '+'; "+-1" stays refused.
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
  double v;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range) return NumberStatus::kOutOfRange;
  if (ec != std::errc() || end != digits.data() + digits.size()) return NumberStatus::kNotANumber;
  if (!std::isfinite(v)) return NumberStatus::kNotFinite;  // "nan", "inf"
  *value = v;
  return NumberStatus::kOk;
}

bool ParseUnsigned(std::string_view text, std::uint64_t* value) {
  // A '+' as ParseNumber takes it, so that "+5" means 5 as a count and as a number.
  if (text.size() > 1 && text[0] == '+') text.remove_prefix(1);
  std::uint64_t v;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return false;
  *value = v;
  return true;
}

std::string ShortestText(double value) {
  char buffer[32];  // the longest shortest form of a double is 24 characters
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

std::string ShortestText(double value, const std::function<bool(double)>& same) {
  // The double that `value` rounded to `digits` significant digits reads as.
  const auto rounded = [value](int digits) {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                         std::chars_format::scientific, digits - 1);
    double v = value;
    if (ec == std::errc()) std::from_chars(buffer, end, v);
    return v;
  };
  // 17 significant digits read back as `value` itself, whatever `same` says of it.
  int fewest_taken = 17, most_refused = 0;
  double taken = value;
  while (most_refused + 1 < fewest_taken) {
    const int digits = (most_refused + fewest_taken) / 2;
    const double v = rounded(digits);
    if (same(v)) {
      fewest_taken = digits;
      taken = v;
    } else {
      most_refused = digits;
    }
  }
  return ShortestText(taken);
}

std::string GroupThousands(unsigned long long n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s;
}

}  // namespace simd_mlp::mlp
