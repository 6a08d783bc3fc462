// Numbers as text, one way for the whole project: every number a user or a file gives (flags,
// CSV fields, a checkpoint's config text) is read by ParseNumber or ParseUnsigned, and every
// double written to be read back (checkpoints, predictions) by ShortestText.
#ifndef SIMD_MLP_MLP_TEXT_NUMBER_H_
#define SIMD_MLP_MLP_TEXT_NUMBER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace simd_mlp::mlp {

// Why a text is not a finite double (kOk: it is one).
enum class NumberStatus { kOk, kEmpty, kNotANumber, kOutOfRange, kNotFinite };

// The whole of `text` as a finite double: decimal, with an optional sign ('+' too) and exponent;
// no spaces, no hexadecimal. Out of range: beyond double's largest finite value, or so small that
// it rounds to zero. *value is set only for kOk.
NumberStatus ParseNumber(std::string_view text, double* value);

// The whole of `text` as an unsigned 64-bit integer: decimal digits, with an optional '+' as
// ParseNumber takes it (no '-', no spaces, no exponent).
//
// Flags, CSV fields and a checkpoint's config text all read numbers through these two, so a text
// is a number in one place only if it is one everywhere: " 5" and "5 " are refused as values of
// every flag, and "+5" accepted by every one (a CSV field's surrounding blanks are the CSV
// format's, trimmed before the field is read).
bool ParseUnsigned(std::string_view text, std::uint64_t* value);

// The shortest text that reads back as the same double ("0.001", "1e-07", "20").
std::string ShortestText(double value);

// The shortest text for a value that holds fewer digits than a double: `value` rounded to the
// fewest significant digits whose reading `same` still takes for it, written as ShortestText
// writes it; ShortestText(value) if no rounding is taken. predict writes a prediction this way,
// with `same` true for the doubles that read back as the same float32 and lie within the model's
// resolution ("0.1" for the float 0.1f; ten digits for a y near 1e6 known to a thousandth).
// `value` must be finite. Fewer digits are taken less often, so the count is found by bisection:
// at most five calls of `same`.
std::string ShortestText(double value, const std::function<bool(double)>& same);

// 152000 → "152,000": sample counts and rates read at a glance.
std::string GroupThousands(unsigned long long n);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TEXT_NUMBER_H_
