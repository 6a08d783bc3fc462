// Numeric CSV input: the user's (x, y) pairs for training (--data) and the x values to predict.
//
// The accepted form: lines of comma-separated decimal numbers, the same number of fields on every
// line; an optional header line (the first line, when its first field is not a number); spaces or
// tabs around a field, a field in double quotes, CRLF line ends, a UTF-8 byte-order mark and blank
// lines are tolerated. Everything else is an error of one line in the compiler's form
// FILE:LINE:COLUMN: what is wrong — a field that is not a number, NaN or Inf, a number beyond
// double's range, a line with the wrong number of fields or longer than kMaxCsvLineBytes, no data
// rows at all. FILE is the name as given, Printable (a newline in it shows as \x0a).
//
// Memory: the file is read in chunks and parsed line by line, so what is kept is the numbers (8
// bytes per numeric field) and each row's line number (8 bytes): at most 24 bytes per row for two
// numeric columns, twice that while a column's vector grows, whatever the file's size or its
// lines' lengths.
#ifndef SIMD_MLP_MLP_IO_CSV_H_
#define SIMD_MLP_MLP_IO_CSV_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlp/io/file_io.h"

namespace simd_mlp::mlp {

// The largest CSV file read (256 MiB: about 10 million rows of two numbers as they are usually
// written), and the longest line (64 KiB: room for any two numbers however written).
inline constexpr std::uint64_t kMaxCsvBytes = std::uint64_t{1} << 28;
inline constexpr std::size_t kMaxCsvLineBytes = std::size_t{1} << 16;

// How many fields a line may have, and how many of them (from the first) are numbers to read (a
// field after those is ignored, whatever it holds: predict's --input ignores a y column); and how
// many data rows a file may have.
struct CsvShape {
  std::size_t min_columns = 1, max_columns = 1;
  std::size_t numeric_columns = SIZE_MAX;
  std::size_t max_rows = SIZE_MAX;
};

struct NumericTable {
  std::size_t columns = 0;                  // fields per line
  std::vector<std::vector<double>> values;  // values[column][row], for the numeric columns
  std::vector<std::size_t> lines;           // the 1-based line of each row, for later messages
  std::size_t rows() const { return lines.size(); }
};

// Parses `text`, named `name` in errors.
bool ParseNumericCsv(std::string_view text, const std::string& name, const CsvShape& shape,
                     NumericTable* table, std::string* error);

// Reads and parses the file at `path` (an InputFile of at most kMaxCsvBytes), and gives its
// identity if asked.
bool ReadNumericCsv(const std::string& path, const CsvShape& shape, NumericTable* table,
                    std::string* error, FileIdentity* identity = nullptr);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_CSV_H_
