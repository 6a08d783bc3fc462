// The .npz container of checkpoints: a zip archive with one entry ARRAY.npy per array (npy.h), as
// numpy.savez writes it and numpy.load reads it. Written with every entry stored uncompressed and
// a fixed timestamp, so that the same arrays give the same bytes; read as hostile input: every
// entry's size is checked before anything is allocated for it, and every problem is a one-line
// error naming the archive and the entry.
#ifndef SIMD_MLP_MLP_IO_NPZ_H_
#define SIMD_MLP_MLP_IO_NPZ_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simd_mlp::mlp {

// An archive of these arrays (name, .npy bytes), in this order. Throws std::runtime_error only
// if libzip cannot allocate; the archive is built in memory, so no file is ever half-written.
std::string EncodeNpz(const std::vector<std::pair<std::string, std::string>>& arrays);

// The archive's arrays by name ("W1" for the entry W1.npy), each read in full. False with a
// one-line *error starting with `name` if the archive is not a readable zip file, has more than
// `max_arrays` entries, an entry that is not NAME.npy or repeats a name, or an entry whose data
// is shorter, longer or larger than its directory says.
bool DecodeNpz(std::string_view bytes, const std::string& name, std::size_t max_arrays,
               std::map<std::string, std::string>* arrays, std::string* error);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_NPZ_H_
