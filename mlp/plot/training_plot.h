// The figure `//mlp:train --plot=FILE.svg` writes: two panels side by side.
//   fit:            the model's ŷ over the whole input range (x ∈ [−10, 10] for the cos task,
//                   the training points' x range for --data; kFitPlotPoints evenly spaced
//                   points), y = cos(x) beside it for the cos task, and test points marked
//                   (every k-th in x order, at most kFitPlotTestMarks, so that each stays
//                   visible), all in the data's own units;
//   learning-curve: train and test MSE per epoch (and validation MSE when a validation set was
//                   carved out), as the run reports them (in the data's units), log scale, with
//                   the target MSE as a dashed line when one is set and the epoch whose weights
//                   were restored (--patience) as a dashed vertical, inside the frame even at the
//                   first or last epoch (the epoch axis has a little air at both ends).
// The recipe's description is the figure's subtitle.
#ifndef SIMD_MLP_MLP_PLOT_TRAINING_PLOT_H_
#define SIMD_MLP_MLP_PLOT_TRAINING_PLOT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "mlp/plot/svg_plot.h"
#include "mlp/training/data.h"
#include "mlp/training/trainer.h"

namespace simd_mlp::mlp {

inline constexpr std::size_t kFitPlotPoints = 501;  // 0.04 apart in x: smooth at any zoom
inline constexpr std::size_t kFitPlotTestMarks = 80;

struct TrainingPlotInputs {
  std::string data_name;  // the --data file, or empty for the cos task (drawn as the target)
  Normalization normalization = CosNormalization();  // the network's units to the data's
  std::string description;                           // DescribeConfig(...): the subtitle
  std::string fit_caption;  // which weights the fit shows, e.g. "after epoch 100"
  std::vector<EpochStats> epochs;
  std::vector<double> validation_mse;  // one per epoch, or empty without a validation set
  double target_mse = 0;               // > 0: drawn as a dashed line
  int restored_epoch = 0;              // > 0: the epoch whose weights the run ended with, marked
};

// Evaluates the trainer's current model on the fit grid (no training, no parameter change).
PlotFigure TrainingFigure(const TrainingPlotInputs& inputs, const Dataset<float>& data,
                          Trainer* trainer);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_PLOT_TRAINING_PLOT_H_
