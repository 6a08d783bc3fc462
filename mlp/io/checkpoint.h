// Checkpoints as NumPy .npz archives: a zip file of .npy arrays (npz.h, npy.h), so that
//
//   m = numpy.load("model.npz"); m["W2"]          # float32, shape (100, 100)
//
// works, and everything a resumed run needs to continue bit for bit is there too:
//
//   format_version   int64 ()        kCheckpointFormatVersion; another version is refused
//   config           bytes ()        key=value lines: every saved setting (settings.h: the
//                                    recipe and every hyper-parameter), then the data it was
//                                    trained on (source, sizes, fingerprint)
//   x_norm, y_norm   float64 (2,)    [centre, scale]: x_net = (x − c)/s, y = y_net·s + c
//   x_range          float64 (2,)    [min, max] of the training points' x, where predictions
//                                    interpolate; absent from checkpoints saved before it was
//                                    kept (they load, with the range unknown)
//   W1 b1 … W4 b4    float32         unpadded, (inputs, outputs): W1 (1, 100), b1 (100,),
//                                    W2 (100, 100), …, W4 (100, 1), b4 (1,)
//   <slot>.W1 …      float32         the optimizer's state, shaped as the weights: slot velocity
//                                    (momentum, nesterov), mean_square (rmsprop), adam_m and
//                                    adam_v (adam); none for sgd
//   epoch, adam_step int64 ()        epochs completed; Adam's update count t
//   shuffle_rng      uint64 (k,)     the shuffle stream's engine state (Rng::State)
//   shuffle_order    uint32 (n,)     the training set's current order (a permutation of 0…n−1)
//
// Entries are stored uncompressed with a fixed timestamp, so the same state gives the same bytes.
// Loading treats the file as hostile: every problem is a one-line error naming the file and the
// array (and the element, for a NaN or Inf), and nothing is left half-loaded. Memory is bounded:
// the file is at most kMaxCheckpointBytes, and each entry is read only if it is no larger than its
// array can need (its shape from the tensor table, the config's count of training points).
// Saving runs the loader's checks on the bytes first: a checkpoint the loader would refuse is
// never written.
#ifndef SIMD_MLP_MLP_IO_CHECKPOINT_H_
#define SIMD_MLP_MLP_IO_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlp/io/file_io.h"
#include "mlp/training/config.h"
#include "mlp/training/data.h"
#include "mlp/training/state.h"

namespace simd_mlp::mlp {

inline constexpr std::int64_t kCheckpointFormatVersion = 1;

// The largest checkpoint file read: the shuffle order's 4 bytes per training point for the most
// points a run can have (kMaxPoints: 256 MiB), and 16 MiB for everything else (a checkpoint of
// the cos task is about 290 KB).
inline constexpr std::uint64_t kMaxCheckpointBytes =
    4 * std::uint64_t{kMaxPoints} + (std::uint64_t{1} << 24);

// The data a model was trained on, to refuse resuming on other data.
struct DataDescription {
  std::string source;  // "cos", or the --data path as given
  std::uint64_t train_points = 0, test_points = 0;
  std::uint64_t fingerprint = 0;  // Fingerprint(dataset)
};

struct Checkpoint {
  TrainConfig config;
  DataDescription data;
  Normalization normalization;
  TrainingState state;
};

// The names of the optimizer's state arrays in state1, state2 order ("velocity", …).
std::vector<std::string> OptimizerSlots(Optimizer optimizer);

// The archive's bytes.
std::string EncodeCheckpoint(const Checkpoint& checkpoint);

// Parses an archive; `name` (the file) starts every error message. On failure *checkpoint is
// unchanged.
bool DecodeCheckpoint(std::string_view bytes, const std::string& name, Checkpoint* checkpoint,
                      std::string* error);

// Encodes, checks that the bytes load (DecodeCheckpoint), and writes them atomically to a claimed
// output (file_io.h): on failure the file is as it was.
bool SaveCheckpoint(OutputFile* file, const Checkpoint& checkpoint, std::string* error);

// The same to `path`, claimed here.
bool SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint, std::string* error);

// Reads (an InputFile of at most kMaxCheckpointBytes) and decodes; gives the file's identity if
// asked.
bool LoadCheckpoint(const std::string& path, Checkpoint* checkpoint, std::string* error,
                    FileIdentity* identity = nullptr);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_CHECKPOINT_H_
