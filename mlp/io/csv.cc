#include "mlp/io/csv.h"

#include <algorithm>

#include "mlp/text/number.h"
#include "mlp/text/printable.h"

namespace simd_mlp::mlp {

namespace {

constexpr std::size_t kMaxShownField = 24;  // characters of a bad field quoted in a message

struct Field {
  std::string_view text;  // trimmed, unquoted
  std::size_t column;     // 1-based byte column where the field's text starts
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Splits one line (without its line end) at commas, trimming blanks and one pair of quotes.
void SplitFields(std::string_view line, std::vector<Field>* out) {
  std::vector<Field>& fields = *out;
  fields.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
    std::size_t b = start, e = end;
    while (b < e && IsBlank(line[b])) ++b;
    while (e > b && IsBlank(line[e - 1])) --e;
    if (e - b >= 2 && line[b] == '"' && line[e - 1] == '"') {
      ++b;
      --e;
    }
    fields.push_back({line.substr(b, e - b), b + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

// A whole field as a finite double; otherwise false with *problem set.
bool ParseField(std::string_view text, double* value, std::string* problem) {
  const NumberStatus status = ParseNumber(text, value);
  if (status == NumberStatus::kOk) return true;
  if (status == NumberStatus::kEmpty) {
    *problem = "empty field, expected a number";
    return false;
  }
  *problem = "'" + Printable(text, kMaxShownField) + "' is " +
             (status == NumberStatus::kOutOfRange  ? "beyond the range of double"
              : status == NumberStatus::kNotFinite ? "not finite"
                                                   : "not a number");
  return false;
}

// For a line of one field: if its text holds a semicolon or a tab, the delimiter it seems to use
// instead of commas, as the end of a message; otherwise empty. (Blanks around the field were
// trimmed: a tab counts only between other characters.)
std::string DelimiterHint(std::string_view field) {
  const char* found = field.find(';') != std::string_view::npos    ? "';'"
                      : field.find('\t') != std::string_view::npos ? "tabs"
                                                                   : nullptr;
  if (found == nullptr) return "";
  return std::string(": the line separates its fields with ") + found +
         ", but a comma is the separator";
}

std::string ColumnsWanted(std::size_t min_columns, std::size_t max_columns) {
  if (min_columns == max_columns) return std::to_string(min_columns);
  return std::to_string(min_columns) + " to " + std::to_string(max_columns);
}

// The parser behind both entry points: fed the file's bytes in chunks of any size, it parses each
// line as soon as it is complete, keeping only the numbers and at most one partial line
// (≤ kMaxCsvLineBytes).
class CsvParser {
 public:
  CsvParser(const std::string& name, const CsvShape& shape)
      : name_(PrintableName(name)), shape_(shape) {}

  bool Feed(std::string_view bytes, std::string* error) {
    while (!bytes.empty()) {
      const std::size_t end = bytes.find('\n');
      const std::string_view piece = bytes.substr(0, end);
      if (partial_.size() + piece.size() > kMaxCsvLineBytes) return LineTooLong(error);
      if (end == std::string_view::npos) {
        partial_.append(piece);  // the rest of the line comes with the next chunk
        return true;
      }
      bytes.remove_prefix(end + 1);
      bool ok;
      if (partial_.empty()) {
        ok = Line(piece, error);
      } else {
        partial_.append(piece);
        ok = Line(partial_, error);
        partial_.clear();
      }
      if (!ok) return false;
    }
    return true;
  }

  // The last line (if the text does not end with a line end), then the table.
  bool Finish(NumericTable* table, std::string* error) {
    if (!partial_.empty() && !Line(partial_, error)) return false;
    if (out_.rows() == 0) {
      *error =
          name_ + ": no data rows (" +
          (line_number_ == 0 ? std::string("the file is empty") : "only a header or blank lines") +
          ")";
      return false;
    }
    *table = std::move(out_);
    return true;
  }

 private:
  bool LineTooLong(std::string* error) const {
    *error = name_ + ":" + std::to_string(line_number_ + 1) + ": line longer than " +
             GroupThousands(kMaxCsvLineBytes) + " bytes";
    return false;
  }

  bool Line(std::string_view line, std::string* error) {
    if (line.size() > kMaxCsvLineBytes) return LineTooLong(error);
    ++line_number_;
    if (line_number_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // BOM
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return true;  // blank

    const std::string where = name_ + ":" + std::to_string(line_number_);
    // Counted before they are split, so that a line of a million commas costs nothing.
    const std::size_t count = std::size_t(std::count(line.begin(), line.end(), ',')) + 1;
    const std::size_t wanted_min = out_.columns ? out_.columns : shape_.min_columns;
    const std::size_t wanted_max = out_.columns ? out_.columns : shape_.max_columns;
    if (count < wanted_min || count > wanted_max) {
      if (count == 1) SplitFields(line, &fields_);
      *error =
          where + ": " + std::to_string(count) + " field" + (count == 1 ? "" : "s") +
          ", expected " + ColumnsWanted(wanted_min, wanted_max) +
          (out_.columns ? " as on line " + std::to_string(out_.lines.front()) : std::string()) +
          (count == 1 ? DelimiterHint(fields_[0].text) : "");
      return false;
    }
    SplitFields(line, &fields_);
    double value;
    std::string problem;
    if (first_line_ && !ParseField(fields_[0].text, &value, &problem)) {
      first_line_ = false;  // a header: names, not numbers
      return true;
    }
    first_line_ = false;
    if (out_.rows() == shape_.max_rows) {
      *error = where + ": more than " + GroupThousands(shape_.max_rows) + " data rows";
      return false;
    }
    if (out_.columns == 0) {
      out_.columns = count;
      out_.values.resize(std::min(count, shape_.numeric_columns));
    }
    for (std::size_t c = 0; c < out_.values.size(); ++c) {
      if (!ParseField(fields_[c].text, &value, &problem)) {
        *error = where + ":" + std::to_string(fields_[c].column) + ": " + problem +
                 (count == 1 ? DelimiterHint(fields_[c].text) : "");
        return false;
      }
      out_.values[c].push_back(value);
    }
    out_.lines.push_back(line_number_);
    return true;
  }

  const std::string name_;
  const CsvShape shape_;
  NumericTable out_;
  std::vector<Field> fields_;  // the current line's, reused
  std::string partial_;        // a line whose end has not come yet
  std::size_t line_number_ = 0;
  bool first_line_ = true;
};

}  // namespace

bool ParseNumericCsv(std::string_view text, const std::string& name, const CsvShape& shape,
                     NumericTable* table, std::string* error) {
  CsvParser parser(name, shape);
  return parser.Feed(text, error) && parser.Finish(table, error);
}

bool ReadNumericCsv(const std::string& path, const CsvShape& shape, NumericTable* table,
                    std::string* error, FileIdentity* identity) {
  InputFile file;
  if (!file.Open(path, kMaxCsvBytes, error)) return false;
  CsvParser parser(path, shape);
  std::string chunk(std::size_t{1} << 16, '\0');
  for (std::size_t got = 1; got > 0;) {
    if (!file.Read(chunk.data(), chunk.size(), &got, error) ||
        !parser.Feed(std::string_view(chunk.data(), got), error)) {
      return false;
    }
  }
  if (!parser.Finish(table, error)) return false;
  if (identity != nullptr) *identity = file.identity();
  return true;
}

}  // namespace simd_mlp::mlp
