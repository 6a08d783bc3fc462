// Every setting of a TrainConfig as text, in one table: its key in a checkpoint's config text,
// its flag on the command line, the values it takes and how they read and print. Both the flags
// (mlp/cli/flags.cc) and the checkpoints (mlp/io/checkpoint.cc) read this table, so a setting is
// spelled, parsed and printed one way.
//
//   key        flag          values
//   recipe     --recipe      seed|keras|keras-tanh|fast (the command line applies it first)
//   hidden     --activation  identity|tanh|relu
//   output     --output      identity|tanh|relu
//   init       --init        normal|glorot|spread
//   spread_scale --spread-scale NUMBER
//   optimizer  --optimizer   sgd|momentum|nesterov|rmsprop|adam
//   lr momentum rho beta1 beta2 eps                   NUMBER
//   warmup_epochs --warmup-epochs, decay_epochs --decay-epochs, lr_final --lr-final   NUMBER
//   decay      --decay       none|cosine|exponential
//   batch      --batch       INTEGER
//   epochs     --epochs      INTEGER
//   seed       --seed        INTEGER
//   data_seed  --data-seed   INTEGER
//   shuffle    --shuffle     true|false
//   (none)     --threads     1…64|auto (a checkpoint does not keep it: a run may resume on any
//                            number of threads, with the same bits)
#ifndef SIMD_MLP_MLP_TRAINING_SETTINGS_H_
#define SIMD_MLP_MLP_TRAINING_SETTINGS_H_

#include <vector>

#include "mlp/text/fields.h"
#include "mlp/training/config.h"

namespace simd_mlp::mlp {

struct Setting {
  const char* key;  // in a checkpoint's config text; nullptr: a checkpoint does not keep it
  Field<TrainConfig> field;
  // A key that checkpoints written before the setting existed lack (the schedule's and init
  // spread's): reading one of those, the setting keeps TrainConfig's default, which is what their
  // runs used.
  bool added_later = false;
};

// In the order of a checkpoint's config text.
const std::vector<Setting>& Settings();

// Whether the setting behind `flag` is the training math a checkpoint keeps, so that a resumed
// run takes it from the checkpoint: every saved setting but the epochs (the total, which a resume
// may raise).
bool SetsTrainingMath(const std::string& flag);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINING_SETTINGS_H_
