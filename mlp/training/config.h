// What a training run is asked to do: the activations, the initializer, the optimizer and its
// hyper-parameters, the learning-rate schedule, the batch, the epochs, the seeds and the threads;
// the named recipes that set them; and the checks that a configuration can be trained. The text
// form of every setting (flags and a checkpoint's config text) is in settings.h.
#ifndef SIMD_MLP_MLP_TRAINING_CONFIG_H_
#define SIMD_MLP_MLP_TRAINING_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "kernels/activation.h"
#include "mlp/core/init.h"
#include "mlp/text/enum_names.h"

namespace simd_mlp::mlp {

using kernels::Activation;

enum class Optimizer { kSgd, kMomentum, kNesterov, kRmsprop, kAdam };

inline constexpr NameTable<Optimizer, 5> kOptimizerNames = {{
    {Optimizer::kSgd, "sgd"},
    {Optimizer::kMomentum, "momentum"},
    {Optimizer::kNesterov, "nesterov"},
    {Optimizer::kRmsprop, "rmsprop"},
    {Optimizer::kAdam, "adam"},
}};

inline const char* OptimizerName(Optimizer optimizer) { return NameOf(kOptimizerNames, optimizer); }

// The learning rate's decay after the warm-up (schedule.h): none, or from lr down to lr × lr_final
// over decay_epochs along half a cosine or an exponential.
enum class Decay { kNone, kCosine, kExponential };

inline constexpr NameTable<Decay, 3> kDecayNames = {{
    {Decay::kNone, "none"},
    {Decay::kCosine, "cosine"},
    {Decay::kExponential, "exponential"},
}};

inline const char* DecayName(Decay decay) { return NameOf(kDecayNames, decay); }

// The kernels' activations (kernels::kAllActivations) by their kernels::ActivationName.
using ActivationNameTable = NameTable<Activation, std::size(kernels::kAllActivations)>;
const ActivationNameTable& ActivationNames();

struct TrainConfig {
  std::string recipe = "custom";
  Activation hidden = Activation::kTanh;
  Activation output = Activation::kIdentity;
  Init init = Init::kNormal;
  double spread_scale = kDefaultSpreadScale;  // init spread's first-layer weight scale (init.h)
  Optimizer optimizer = Optimizer::kSgd;
  double lr = 0.01;
  double momentum = 0.9;  // μ of momentum and nesterov
  double rho = 0.9;       // RMSprop's decay
  double beta1 = 0.9;     // Adam
  double beta2 = 0.999;   // Adam
  double eps = 1e-7;      // RMSprop and Adam (Keras's default)
  // The learning-rate schedule, per step (schedule.h); the defaults keep lr constant.
  double warmup_epochs = 0;  // linear warm-up from lr / warm-up steps to lr
  Decay decay = Decay::kNone;
  double decay_epochs = 0;  // after the warm-up, the decay's length; lr × lr_final from then on
  double lr_final = 0.01;   // the decay's end, as a fraction of lr
  std::size_t batch = 32;
  int epochs = 100;
  std::uint64_t seed = 1;       // initial weights and shuffles
  std::uint64_t data_seed = 0;  // the train/test split, kept apart so every seed sees one split
  bool shuffle = false;
  int threads = 0;  // threads a step runs on; 0: automatic (ThreadsFor)
};

// The batch from which training uses every core by default; below it, one thread. Chosen by
// measurement: from here on a second core pays for itself (docs/performance.md).
inline constexpr std::size_t kParallelMinBatch = 128;

// The most --threads accepts: well past the cores of the machines this runs on (a batch of up to
// 1,024 rows has at most 4 gradient blocks, B = 8000 has 32, partition.h), so a larger value is
// taken for a typing mistake.
inline constexpr int kMaxThreads = 64;

// Largest batch any configuration may ask for; the data may impose a smaller bound
// (ValidateBatchForData).
inline constexpr std::size_t kMaxBatch = std::size_t{1} << 20;

// The most epochs a run may ask for: more is taken for a typing mistake.
inline constexpr int kMaxEpochs = 1000000;

// The number of threads training with `config` runs on: config.threads if set, else all the cores
// this process may use (AvailableCores) for a batch of kParallelMinBatch or more, else one.
int ThreadsFor(const TrainConfig& config);

// The named recipes: the original question's with the gradient fixed ("seed"), Keras's defaults
// with ReLU or tanh hidden layers ("keras", "keras-tanh"), and the least time to test MSE 1e-3 on
// cos ("fast", docs/fast_recipe.md); RecipeConfig says what each sets.
inline constexpr const char* kRecipeNames[] = {"seed", "keras", "keras-tanh", "fast"};

// kRecipeNames with `separator` between them: "seed|keras|keras-tanh".
std::string RecipeNames(std::string_view separator);

// Sets *config to the recipe `name`; false (and *config unchanged) for another name.
bool RecipeConfig(const std::string& name, TrainConfig* config);

// Empty if the configuration can be trained; otherwise one line naming the offending setting.
std::string ValidateConfig(const TrainConfig& config);

// Empty if config.batch fits the training set of `train_points`; otherwise one line saying so.
std::string ValidateBatchForData(const TrainConfig& config, std::size_t train_points);

// One line describing the configuration (recipe, activations, init, optimizer and its settings).
std::string DescribeConfig(const TrainConfig& config);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TRAINING_CONFIG_H_
