// Fuzz target: the checkpoint loader (zip container, .npy headers, config text, array checks) on
// arbitrary bytes. Properties beyond "no crash, no sanitizer report, no hang": an error is one
// line, and an archive that loads re-encodes to one that loads to the same bytes again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mlp/io/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using simd_mlp::mlp::Checkpoint;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Checkpoint checkpoint;
  std::string error;
  if (!simd_mlp::mlp::DecodeCheckpoint(bytes, "fuzz.npz", &checkpoint, &error)) {
    if (error.empty() || error.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  const std::string encoded = simd_mlp::mlp::EncodeCheckpoint(checkpoint);
  Checkpoint again;
  if (!simd_mlp::mlp::DecodeCheckpoint(encoded, "re-encoded.npz", &again, &error)) std::abort();
  if (simd_mlp::mlp::EncodeCheckpoint(again) != encoded) std::abort();
  return 0;
}
