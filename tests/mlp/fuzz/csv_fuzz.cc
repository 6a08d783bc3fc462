// Fuzz target: the CSV reader and the user-data split on arbitrary bytes. Properties: an error is
// one line starting with the file name; a parsed table has finite values, the same number in each
// column, and increasing line numbers; a two-column table either splits into finite normalized
// training and test sets of 80 % and 20 % or is refused with a one-line error.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mlp/io/csv.h"
#include "mlp/training/data.h"

namespace {

void CheckError(const std::string& error) {
  if (error.empty() || error.find('\n') != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace simd_mlp::mlp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  NumericTable table;
  std::string error;
  if (!ParseNumericCsv(text, "fuzz.csv", {1, 3}, &table, &error)) {
    CheckError(error);
    if (error.rfind("fuzz.csv", 0) != 0) std::abort();
    return 0;
  }
  if (table.rows() == 0 || table.columns < 1 || table.columns > 3) std::abort();
  for (std::size_t c = 0; c < table.columns; ++c) {
    if (table.values[c].size() != table.rows()) std::abort();
    for (double v : table.values[c]) {
      if (!std::isfinite(v)) std::abort();
    }
  }
  for (std::size_t r = 1; r < table.rows(); ++r) {
    if (table.lines[r] <= table.lines[r - 1]) std::abort();
  }
  if (table.columns < 2) return 0;
  Dataset<float> dataset;
  Normalization norm;
  if (!MakeXyDataset(table.values[0], table.values[1], 1, &dataset, &norm, &error, &table.lines)) {
    CheckError(error);
    return 0;
  }
  const std::size_t n = table.rows();
  if (dataset.train_x.size() != std::max<std::size_t>(1, n * 4 / 5) ||
      dataset.train_x.size() + dataset.test_x.size() != n) {
    std::abort();
  }
  for (const auto* v : {&dataset.train_x, &dataset.train_y, &dataset.test_x, &dataset.test_y}) {
    for (float f : *v) {
      if (!std::isfinite(f)) std::abort();
    }
  }
  for (float f : dataset.train_x) {
    if (f < -0.5f || f > 0.5f) std::abort();  // the training part spans [−0.5, 0.5] exactly
  }
  return 0;
}
