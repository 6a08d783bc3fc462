#include "mlp/training/settings.h"

#include <cstdint>
#include <string>

namespace simd_mlp::mlp {

const std::vector<Setting>& Settings() {
  using Config = TrainConfig;
  static_assert(kMaxThreads == 64 && kParallelMinBatch == 128, "update --threads' help");
  static const auto* settings = new std::vector<Setting>{
      {"recipe",
       TextField<Config>("recipe", &Config::recipe, RecipeNames("|"),
                         "what the other flags override: seed (the question's, gradient fixed: "
                         "tanh everywhere incl. the output, N(0,1) weights, SGD lr 0.01, no "
                         "reshuffle), keras (relu hidden, linear output, Glorot-uniform, RMSprop "
                         "lr 1e-3 rho 0.9 eps 1e-7, reshuffled every epoch), keras-tanh (keras "
                         "with tanh hidden layers), all with batch 32, or fast (the least time to "
                         "test MSE 1e-3 on cos, one epoch: tanh hidden, linear output, init "
                         "spread, Adam lr 6e-2 with a warm-up over 0.2 epoch and a cosine decay "
                         "to 1 % over the next 0.8, batch 48, reshuffled every epoch); all with "
                         "100 epochs",
                         /*allow_empty=*/true)},
      {"hidden", ChoiceField<Config>("activation", &Config::hidden, ActivationNames(),
                                     "hidden-layer activation")},
      {"output",
       ChoiceField<Config>("output", &Config::output, ActivationNames(), "output activation")},
      {"init", ChoiceField<Config>("init", &Config::init, kInitNames,
                                   "weights N(0,1) or Glorot-uniform (biases zero), or spread: the "
                                   "first layer's units spread over the input range, the rest "
                                   "Glorot (mlp/core/init.h)")},
      {"spread_scale",
       NumberField<Config>("spread-scale", &Config::spread_scale,
                           "--init=spread's first-layer weight scale (> 0)"),
       /*added_later=*/true},
      {"optimizer",
       ChoiceField<Config>("optimizer", &Config::optimizer, kOptimizerNames, "optimizer")},
      {"lr", NumberField<Config>("lr", &Config::lr, "learning rate (> 0)")},
      {"momentum",
       NumberField<Config>("momentum", &Config::momentum, "momentum/nesterov mu, in [0, 1)")},
      {"rho", NumberField<Config>("rho", &Config::rho, "RMSprop decay, in [0, 1)")},
      {"beta1", NumberField<Config>("beta1", &Config::beta1, "Adam beta1, in [0, 1)")},
      {"beta2", NumberField<Config>("beta2", &Config::beta2, "Adam beta2, in [0, 1)")},
      {"eps", NumberField<Config>("eps", &Config::eps, "RMSprop/Adam epsilon (> 0)")},
      {"warmup_epochs",
       NumberField<Config>("warmup-epochs", &Config::warmup_epochs,
                           "raise the learning rate linearly from ~0 to --lr over this many "
                           "epochs"),
       /*added_later=*/true},
      {"decay",
       ChoiceField<Config>("decay", &Config::decay, kDecayNames,
                           "after the warm-up, lower the learning rate every step, down to "
                           "--lr-final over --decay-epochs (mlp/training/schedule.h)"),
       /*added_later=*/true},
      {"decay_epochs",
       NumberField<Config>("decay-epochs", &Config::decay_epochs,
                           "the decay's length in epochs; the rate then stays at its end"),
       /*added_later=*/true},
      {"lr_final",
       NumberField<Config>("lr-final", &Config::lr_final,
                           "the decay's end as a fraction of --lr, in (0, 1]", "FRACTION"),
       /*added_later=*/true},
      {"batch",
       IntegerField<Config>("batch", &Config::batch, 0, UINT64_MAX,
                            "minibatch size, 1 to the training set's size (a last partial batch "
                            "is kept)")},
      {"epochs", IntegerField<Config>("epochs", &Config::epochs, 0, kMaxEpochs, "epochs (≥ 1)")},
      {"seed", IntegerField<Config>("seed", &Config::seed, 0, UINT64_MAX,
                                    "seed of the initial weights and the shuffles")},
      {"data_seed", IntegerField<Config>("data-seed", &Config::data_seed, 0, UINT64_MAX,
                                         "seed of the 80/20 train/test split")},
      {"shuffle",
       SwitchField<Config>("shuffle", &Config::shuffle, "reshuffle the training set every epoch")},
      {nullptr, IntegerField<Config>("threads", &Config::threads, 1, kMaxThreads,
                                     "threads per step (auto: every core for a batch ≥ 128, "
                                     "else 1); //mlp:train caps it at the cores available",
                                     "auto")},
  };
  return *settings;
}

bool SetsTrainingMath(const std::string& flag) {
  for (const Setting& s : Settings()) {
    if (flag == s.field.name) return s.key != nullptr && flag != "epochs";
  }
  return false;
}

}  // namespace simd_mlp::mlp
