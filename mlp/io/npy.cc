#include "mlp/io/npy.h"

#include <cstring>
#include <limits>

#include "mlp/text/printable.h"

namespace simd_mlp::mlp {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              ".npy data is written and read in host order, declared little-endian ('<')");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
constexpr std::size_t kAlign = 64;  // numpy.lib.format.ARRAY_ALIGN
// Larger than any array a checkpoint holds, small enough that products of dimensions cannot
// overflow before they are compared with the bytes present.
constexpr std::size_t kMaxDimension = std::size_t{1} << 40;

// A recursive-descent reader over the header text: the subset of Python literals numpy writes.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  bool Parse(NpyView* out, std::string* error) {
    bool have_descr = false, have_order = false, have_shape = false;
    SkipSpace();
    if (!Consume('{')) return Fail("header is not a Python dict", error);
    while (true) {
      SkipSpace();
      if (Consume('}')) break;
      std::string key;
      if (!String(&key)) return Fail("header key is not a quoted string", error);
      SkipSpace();
      if (!Consume(':')) return Fail("header lacks ':' after '" + Printable(key) + "'", error);
      SkipSpace();
      if (key == "descr") {
        if (have_descr) return Fail("header repeats 'descr'", error);
        if (!String(&out->descr)) {
          return Fail("'descr' is not a string (structured dtypes are not supported)", error);
        }
        have_descr = true;
      } else if (key == "fortran_order") {
        if (have_order) return Fail("header repeats 'fortran_order'", error);
        bool fortran = false;
        if (Word("False")) {
          fortran = false;
        } else if (Word("True")) {
          fortran = true;
        } else {
          return Fail("'fortran_order' is not True or False", error);
        }
        if (fortran) return Fail("fortran_order is True; only C order is supported", error);
        have_order = true;
      } else if (key == "shape") {
        if (have_shape) return Fail("header repeats 'shape'", error);
        if (!Shape(&out->shape, error)) return false;
        have_shape = true;
      } else {
        return Fail("header has an unknown key '" + Printable(key) + "'", error);
      }
      SkipSpace();
      if (Consume(',')) continue;
      SkipSpace();
      if (Consume('}')) break;
      return Fail("header lacks ',' or '}' after '" + Printable(key) + "'", error);
    }
    SkipSpace();
    if (pos_ != text_.size()) return Fail("header has text after its closing '}'", error);
    if (!have_descr) return Fail("header lacks 'descr'", error);
    if (!have_order) return Fail("header lacks 'fortran_order'", error);
    if (!have_shape) return Fail("header lacks 'shape'", error);
    return true;
  }

 private:
  static bool Fail(const std::string& message, std::string* error) {
    *error = message;
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n')) ++pos_;
  }

  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool Word(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // 'text' or "text" without escapes: numpy's keys and descrs have none.
  bool String(std::string* out) {
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) return false;
    const char quote = text_[pos_];
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) return false;
    out->assign(text_.substr(pos_ + 1, end - pos_ - 1));
    if (out->find('\\') != std::string::npos) return false;
    pos_ = end + 1;
    return true;
  }

  bool Integer(std::size_t* out) {
    const std::size_t start = pos_;
    std::size_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      value = value * 10 + std::size_t(text_[pos_++] - '0');
      if (value > kMaxDimension) return false;
    }
    *out = value;
    return pos_ > start;
  }

  // (), (n,), (n, m) or (n, m,): a Python tuple of non-negative integers.
  bool Shape(std::vector<std::size_t>* shape, std::string* error) {
    shape->clear();
    if (!Consume('(')) return Fail("'shape' is not a tuple", error);
    bool trailing_comma = false;
    while (true) {
      SkipSpace();
      if (Consume(')')) break;
      std::size_t dim;
      if (!Integer(&dim)) {
        return Fail("'shape' holds something other than integers up to 2^40", error);
      }
      shape->push_back(dim);
      SkipSpace();
      trailing_comma = Consume(',');
      if (!trailing_comma) {
        SkipSpace();
        if (!Consume(')')) return Fail("'shape' lacks ',' or ')'", error);
        break;
      }
    }
    if (shape->size() == 1 && !trailing_comma) {
      return Fail("'shape' is (n), an integer, not the tuple (n,)", error);
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// The element size a simple descr ("<f4", "|S12", ">i8") implies, or 0 for a descr we cannot
// size (object arrays, unknown kinds).
std::size_t ItemSize(const std::string& descr) {
  if (descr.size() < 3 || std::strchr("<>|=", descr[0]) == nullptr) return 0;
  const char kind = descr[1];
  if (std::strchr("biufcSUV", kind) == nullptr) return 0;  // 'O' (object) and others: not data
  std::size_t size = 0;
  for (std::size_t i = 2; i < descr.size(); ++i) {
    if (descr[i] < '0' || descr[i] > '9' || i > 10) return 0;
    size = size * 10 + std::size_t(descr[i] - '0');
  }
  return kind == 'U' ? 4 * size : size;  // numpy's 'U' counts UCS-4 characters
}

std::size_t RoundUpTo(std::size_t n, std::size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

void AppendLittleEndian(std::string* out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t ReadLittleEndian(std::string_view bytes, std::size_t at, int n) {
  std::uint64_t value = 0;
  for (int i = n - 1; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

}  // namespace

template <>
const char* NpyDescr<float>() {
  return "<f4";
}
template <>
const char* NpyDescr<double>() {
  return "<f8";
}
template <>
const char* NpyDescr<std::uint32_t>() {
  return "<u4";
}
template <>
const char* NpyDescr<std::uint64_t>() {
  return "<u8";
}
template <>
const char* NpyDescr<std::int64_t>() {
  return "<i8";
}

std::string ShapeString(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + (shape.size() == 1 ? ",)" : ")");
}

std::string EncodeNpy(std::string_view descr, const std::vector<std::size_t>& shape,
                      const void* data, std::size_t bytes) {
  std::string header = "{'descr': '" + std::string(descr) +
                       "', 'fortran_order': False, 'shape': " + ShapeString(shape) + ", }";
  // Pad with spaces and end with '\n' so magic, version, length and header fill whole 64-byte
  // blocks: the data then starts aligned when the file is memory-mapped (numpy does the same).
  const std::size_t prefix = kMagicSize + 2 + 2;
  header.resize(RoundUpTo(prefix + header.size() + 1, kAlign) - prefix - 1, ' ');
  header += '\n';

  std::string out(kMagic, kMagicSize);
  out += '\x01';  // version 1.0: a 2-byte header length, enough for any header we write
  out += '\x00';
  AppendLittleEndian(&out, header.size(), 2);
  out += header;
  out.append(static_cast<const char*>(data), bytes);
  return out;
}

std::string EncodeNpyBytes(std::string_view text) {
  // numpy has no |S0: an empty string is stored as |S1 holding a NUL, which numpy strips.
  const std::string descr = "|S" + std::to_string(text.empty() ? 1 : text.size());
  return EncodeNpy(descr, {}, text.empty() ? "" : text.data(), text.empty() ? 1 : text.size());
}

bool DecodeNpy(std::string_view bytes, NpyView* out, std::string* error) {
  if (bytes.size() < kMagicSize + 4 || bytes.substr(0, kMagicSize) != std::string_view(kMagic)) {
    *error = "not a .npy array (no \\x93NUMPY magic string)";
    return false;
  }
  const int major = static_cast<unsigned char>(bytes[6]),
            minor = static_cast<unsigned char>(bytes[7]);
  if ((major < 1 || major > 3) || minor != 0) {
    *error = ".npy version " + std::to_string(major) + "." + std::to_string(minor) +
             " (1.0, 2.0 and 3.0 are supported)";
    return false;
  }
  const int length_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = 8 + std::size_t(length_bytes);
  if (bytes.size() < header_start) {
    *error = "truncated .npy header";
    return false;
  }
  const std::uint64_t header_size = ReadLittleEndian(bytes, 8, length_bytes);
  if (header_size > bytes.size() - header_start) {
    *error = ".npy header of " + std::to_string(header_size) + " bytes runs past the end (" +
             std::to_string(bytes.size()) + " bytes)";
    return false;
  }
  HeaderParser parser(bytes.substr(header_start, header_size));
  NpyView view;
  std::string why;
  if (!parser.Parse(&view, &why)) {
    *error = "bad .npy header: " + why;
    return false;
  }
  view.item_size = ItemSize(view.descr);
  if (view.item_size == 0) {
    *error = "dtype '" + Printable(view.descr) + "' is not a plain numeric or byte-string type";
    return false;
  }
  // ItemSize accepted it, so descr is short and printable: messages may quote it as it is.
  const std::size_t data_size = bytes.size() - header_start - header_size;
  // Count the elements without overflow: each dimension is ≤ 2^40, and the count is compared
  // with what the bytes present can hold before every multiplication.
  const std::size_t capacity = data_size / view.item_size;
  bool fits = true;
  view.count = 1;
  for (std::size_t d : view.shape) {
    if (d == 0) {
      view.count = 0;
      fits = true;
      break;
    }
    if (view.count > capacity / d) fits = false;
    if (fits) view.count *= d;
  }
  if (!fits || view.count * view.item_size != data_size) {
    *error = "holds " + std::to_string(data_size) + " bytes of data, but shape " +
             ShapeString(view.shape) + " of '" + view.descr + "' needs " +
             (fits ? std::to_string(view.count * view.item_size) : std::string("more"));
    return false;
  }
  view.data = bytes.substr(header_start + header_size);
  *out = std::move(view);
  return true;
}

template <typename T>
bool NpyValues(const NpyView& array, const std::vector<std::size_t>& shape, std::vector<T>* values,
               std::string* error) {
  const std::string expected = NpyDescr<T>();
  if (array.descr != expected) {
    *error = "dtype '" + array.descr + "', expected '" + expected + "'";
    if (array.descr.size() == expected.size() && array.descr[0] == '>' &&
        array.descr.compare(1, std::string::npos, expected, 1, std::string::npos) == 0) {
      *error += " (big-endian; write it little-endian, e.g. with .astype('" + expected + "'))";
    }
    return false;
  }
  if (array.shape != shape) {
    *error = "shape " + ShapeString(array.shape) + ", expected " + ShapeString(shape);
    return false;
  }
  values->resize(array.count);
  if (array.count > 0) std::memcpy(values->data(), array.data.data(), array.count * sizeof(T));
  return true;
}

template bool NpyValues<float>(const NpyView&, const std::vector<std::size_t>&, std::vector<float>*,
                               std::string*);
template bool NpyValues<double>(const NpyView&, const std::vector<std::size_t>&,
                                std::vector<double>*, std::string*);
template bool NpyValues<std::uint32_t>(const NpyView&, const std::vector<std::size_t>&,
                                       std::vector<std::uint32_t>*, std::string*);
template bool NpyValues<std::uint64_t>(const NpyView&, const std::vector<std::size_t>&,
                                       std::vector<std::uint64_t>*, std::string*);
template bool NpyValues<std::int64_t>(const NpyView&, const std::vector<std::size_t>&,
                                      std::vector<std::int64_t>*, std::string*);

}  // namespace simd_mlp::mlp
