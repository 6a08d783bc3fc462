// Fuzz target: one .npy array (magic, version, the Python-literal header, the data size) on
// arbitrary bytes, the part of a checkpoint that checkpoint_fuzz rarely reaches (a mutation inside
// a zip entry usually fails its CRC first). Properties: an error is one line; a decoded array's
// data is exactly count × item size and lies inside the input; encoding its descr, shape and
// data again decodes to the same array.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mlp/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using simd_mlp::mlp::NpyView;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  NpyView view;
  std::string error;
  if (!simd_mlp::mlp::DecodeNpy(bytes, &view, &error)) {
    if (error.empty() || error.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  if (view.data.size() != view.count * view.item_size) std::abort();
  if (view.data.data() < bytes.data() ||
      view.data.data() + view.data.size() > bytes.data() + bytes.size()) {
    std::abort();
  }
  const std::string encoded =
      simd_mlp::mlp::EncodeNpy(view.descr, view.shape, view.data.data(), view.data.size());
  NpyView again;
  if (!simd_mlp::mlp::DecodeNpy(encoded, &again, &error)) std::abort();
  if (again.descr != view.descr || again.shape != view.shape || again.data != view.data) {
    std::abort();
  }
  return 0;
}
