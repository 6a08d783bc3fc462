// The .npz container of checkpoints: a zip archive with one entry ARRAY.npy per array (npy.h), as
// numpy.savez writes it and numpy.load reads it. Written with every entry stored uncompressed and
// a fixed timestamp, so that the same arrays give the same bytes; read as hostile input: the
// directory first, then each entry on demand, and only after its size is checked against the most
// the caller expects of that array (from its shape), so that no entry can make the reader inflate
// or allocate more than the array it stands for; every problem is a one-line error naming the
// archive and the entry.
#ifndef SIMD_MLP_MLP_IO_NPZ_H_
#define SIMD_MLP_MLP_IO_NPZ_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct zip;

namespace simd_mlp::mlp {

// An archive of these arrays (name, .npy bytes), in this order. Throws std::runtime_error only
// if libzip cannot allocate; the archive is built in memory, so no file is ever half-written.
std::string EncodeNpz(const std::vector<std::pair<std::string, std::string>>& arrays);

// An archive being read. Not copyable; the bytes given to Open must outlive it.
class NpzReader {
 public:
  NpzReader() = default;
  ~NpzReader();
  NpzReader(const NpzReader&) = delete;
  NpzReader& operator=(const NpzReader&) = delete;

  // Reads the archive's directory. False with a one-line *error starting with `name` if the bytes
  // are not a readable zip archive, or it has more than `max_arrays` entries, an entry that is not
  // NAME.npy or one that repeats a name.
  bool Open(std::string_view bytes, const std::string& name, std::size_t max_arrays,
            std::string* error);

  // The arrays' names ("W1" for the entry W1.npy), sorted.
  std::vector<std::string> Keys() const;
  bool Has(const std::string& key) const { return index_.count(key) != 0; }

  // The whole of array `key`'s entry. False with a one-line *error if the directory says it is
  // larger than max_bytes (checked before anything is inflated or allocated), or claims more than
  // its compressed size can hold, or its data is shorter, longer or other than the directory says.
  bool Read(const std::string& key, std::uint64_t max_bytes, std::string* data,
            std::string* error) const;

 private:
  std::string name_;
  zip* archive_ = nullptr;
  std::map<std::string, std::uint64_t> index_;  // key → entry index
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_NPZ_H_
