// Numeric CSV input: the user's (x, y) pairs for training (--data) and the x values to predict.
//
// The accepted form: lines of comma-separated decimal numbers, the same number of fields on every
// line; an optional header line (the first line, when its first field is not a number); spaces or
// tabs around a field, a field in double quotes, CRLF line ends, a UTF-8 byte-order mark and blank
// lines are tolerated. Everything else is an error of one line in the compiler's form
// FILE:LINE:COLUMN: what is wrong — a field that is not a number, NaN or Inf, a number beyond
// double's range, a line with the wrong number of fields, no data rows at all.
#ifndef SIMD_MLP_MLP_IO_CSV_H_
#define SIMD_MLP_MLP_IO_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace simd_mlp::mlp {

struct NumericTable {
  std::size_t columns = 0;
  std::vector<std::vector<double>> values;  // values[column][row]
  std::vector<std::size_t> lines;           // the 1-based line of each row, for later messages
  std::size_t rows() const { return lines.size(); }
};

// Parses `text`, named `name` in errors, requiring between min_columns and max_columns fields.
bool ParseNumericCsv(std::string_view text, const std::string& name, std::size_t min_columns,
                     std::size_t max_columns, NumericTable* table, std::string* error);

// Reads and parses the file at `path`.
bool ReadNumericCsv(const std::string& path, std::size_t min_columns, std::size_t max_columns,
                    NumericTable* table, std::string* error);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_CSV_H_
