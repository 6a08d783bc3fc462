#include "mlp/io/csv.h"

#include "mlp/io/file_io.h"
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
std::vector<Field> SplitFields(std::string_view line) {
  std::vector<Field> fields;
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
  return fields;
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

std::string ColumnsWanted(std::size_t min_columns, std::size_t max_columns) {
  if (min_columns == max_columns) return std::to_string(min_columns);
  return std::to_string(min_columns) + " to " + std::to_string(max_columns);
}

}  // namespace

bool ParseNumericCsv(std::string_view text, const std::string& name, std::size_t min_columns,
                     std::size_t max_columns, NumericTable* table, std::string* error) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark
  NumericTable out;
  bool first_line = true;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++line_number;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank

    const std::string where = name + ":" + std::to_string(line_number);
    const std::vector<Field> fields = SplitFields(line);
    const std::size_t wanted_min = out.columns ? out.columns : min_columns;
    const std::size_t wanted_max = out.columns ? out.columns : max_columns;
    if (fields.size() < wanted_min || fields.size() > wanted_max) {
      *error = where + ": " + std::to_string(fields.size()) + " field" +
               (fields.size() == 1 ? "" : "s") + ", expected " +
               ColumnsWanted(wanted_min, wanted_max) +
               (out.columns ? " as on line " + std::to_string(out.lines.front()) : std::string());
      return false;
    }
    double value;
    std::string problem;
    if (first_line && !ParseField(fields[0].text, &value, &problem)) {
      first_line = false;  // a header: names, not numbers
      continue;
    }
    first_line = false;
    if (out.columns == 0) {
      out.columns = fields.size();
      out.values.resize(out.columns);
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (!ParseField(fields[c].text, &value, &problem)) {
        *error = where + ":" + std::to_string(fields[c].column) + ": " + problem;
        return false;
      }
      out.values[c].push_back(value);
    }
    out.lines.push_back(line_number);
  }
  if (out.rows() == 0) {
    *error =
        name + ": no data rows (" +
        (line_number == 0 ? std::string("the file is empty") : "only a header or blank lines") +
        ")";
    return false;
  }
  *table = std::move(out);
  return true;
}

bool ReadNumericCsv(const std::string& path, std::size_t min_columns, std::size_t max_columns,
                    NumericTable* table, std::string* error) {
  std::string text;
  if (!ReadFile(path, &text, error)) return false;
  return ParseNumericCsv(text, path, min_columns, max_columns, table, error);
}

}  // namespace simd_mlp::mlp
