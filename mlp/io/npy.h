// The NumPy .npy array format (numpy.lib.format, versions 1.0–3.0): one array as a magic string, a
// version, a Python-literal header {'descr': '<f4', 'fortran_order': False, 'shape': (100, 100), }
// and the raw data. We write version 1.0, C order, little-endian, the header padded with spaces
// so the data starts on a 64-byte boundary, as numpy.save does; we read what numpy.save writes.
//
// Decoding treats its input as hostile: every length is checked against the bytes present, and an
// error is one line saying what is wrong; it never reads outside the buffer or allocates more than
// the input's size.
#ifndef SIMD_MLP_MLP_IO_NPY_H_
#define SIMD_MLP_MLP_IO_NPY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace simd_mlp::mlp {

// The descr of each element type we store ("<f4" …); host order, which must be little-endian.
template <typename T>
const char* NpyDescr();
template <>
const char* NpyDescr<float>();
template <>
const char* NpyDescr<double>();
template <>
const char* NpyDescr<std::uint32_t>();
template <>
const char* NpyDescr<std::uint64_t>();
template <>
const char* NpyDescr<std::int64_t>();

// One .npy file: the header followed by `bytes` bytes of data in C order.
std::string EncodeNpy(std::string_view descr, const std::vector<std::size_t>& shape,
                      const void* data, std::size_t bytes);

// A typed array, converted element by element from host order (little-endian).
template <typename T>
std::string EncodeNpyArray(const std::vector<std::size_t>& shape, const T* values) {
  std::size_t count = 1;
  for (std::size_t d : shape) count *= d;
  return EncodeNpy(NpyDescr<T>(), shape, values, count * sizeof(T));
}

// A 0-d array of dtype |S<n>: how numpy stores one byte string (`numpy.array(b"...")`).
std::string EncodeNpyBytes(std::string_view text);

// A parsed .npy file. `data` points into the decoded buffer.
struct NpyView {
  std::string descr;               // as the header gives it, e.g. "<f4" or "|S12"
  std::vector<std::size_t> shape;  // () for a scalar
  std::size_t item_size = 0;       // bytes per element, from descr
  std::size_t count = 1;           // elements: the product of shape
  std::string_view data;           // exactly count × item_size bytes
};

// Parses `bytes` as one .npy file. False with a one-line *error (no file name: the caller knows
// it) on a bad magic string or version, a malformed header, Fortran order, a data size that does
// not match the header, or an object or structured dtype.
bool DecodeNpy(std::string_view bytes, NpyView* out, std::string* error);

// "(100, 100)", "(100,)", "()": a shape as numpy prints it.
std::string ShapeString(const std::vector<std::size_t>& shape);

// Copies a decoded array's elements, checking dtype (including byte order) and shape first. False
// with a one-line *error naming what differs from what was expected.
template <typename T>
bool NpyValues(const NpyView& array, const std::vector<std::size_t>& shape, std::vector<T>* values,
               std::string* error);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_NPY_H_
