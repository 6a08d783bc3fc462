// What //mlp:train does around the training loop when it reads data or checkpoints: building the
// data set (the cos task or --data), resolving a --resume or --init-from checkpoint against the
// flags and the data, and making the checkpoint a run saves. Each step returns a one-line error
// naming the file and what is wrong.
#ifndef SIMD_MLP_MLP_CLI_RUN_SETUP_H_
#define SIMD_MLP_MLP_CLI_RUN_SETUP_H_

#include <string>

#include "mlp/cli/flags.h"
#include "mlp/io/checkpoint.h"
#include "mlp/io/file_io.h"
#include "mlp/training/data.h"
#include "mlp/training/trainer.h"

namespace simd_mlp::mlp {

// Training and test sets in the network's units, the maps to the user's, and their provenance.
struct RunData {
  Dataset<float> dataset;
  Samples<float> validation;  // held out of the training set by --validation-split; or empty
  Normalization normalization;
  DataDescription description;
};

// The cos task (data_path empty) or the CSV at data_path, split by data_seed; the CSV file's
// identity too, if asked.
bool LoadRunData(const std::string& data_path, std::uint64_t data_seed, RunData* data,
                 std::string* error, FileIdentity* identity = nullptr);

// Moves the fraction (in (0, 1)) of data's training points into data->validation
// (SplitOffValidation: the split's own seeded order, so the same points for every weight seed) and
// describes the data anew, so that a checkpoint resumes only with the same split. False with a
// one-line *error if that leaves no validation point or no training point.
bool HoldOutValidation(double fraction, RunData* data, std::string* error);

// The configuration the run trains with: the flags', or for --resume the checkpoint's (loaded into
// *resume, its file's identity into *identity if asked), with only --epochs (the new total) and
// --threads (which a checkpoint does not keep) taken from the flags.
bool ResolveConfig(const CliOptions& options, Checkpoint* resume, TrainConfig* config,
                   std::string* error, FileIdentity* identity = nullptr);

// Caps config->threads at the cores this process may use (AvailableCores): threads beyond them
// only wait for each other (at B = 32, 64 threads on 2 cores ran ~100× slower), and the results
// are the same bits on any number of threads. Returns the line that says so, or empty if the
// count stands.
std::string CapThreads(TrainConfig* config);

// Empty if `resume` was trained on `data` (same source, split and normalization); otherwise one
// line saying how they differ.
std::string CheckSameData(const std::string& resume_path, const Checkpoint& resume,
                          const RunData& data);

// The trainer's current state as a checkpoint.
Checkpoint MakeCheckpoint(const TrainConfig& config, const RunData& data, const Trainer& trainer);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CLI_RUN_SETUP_H_
