#include "mlp/plot/training_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "mlp/text/number.h"

namespace simd_mlp::mlp {

namespace {

// Matplotlib's first colors: distinguishable, and distinguishable by most color-blind readers.
const char* const kBlue = "#1f77b4";
const char* const kOrange = "#ff7f0e";
const char* const kGreen = "#2ca02c";
const char* const kRed = "#d62728";
const char* const kGray = "#7f7f7f";
const char* const kDarkGray = "#333333";
const char* const kPurple = "#9467bd";

PlotPanel FitPanel(const TrainingPlotInputs& inputs, const Dataset<float>& data, Trainer* trainer) {
  // The grid spans the network's input range [−0.5, 0.5], which the normalization maps onto the
  // training points' x range (the cos task's: [−10, 10]); everything is drawn in the user's units.
  const Normalization& norm = inputs.normalization;
  const bool cos_task = inputs.data_name.empty();
  PlotSeries target{"target cos(x)", kBlue, SeriesMark::kLine, {}, {}};
  PlotSeries model{"model ŷ", kRed, SeriesMark::kLine, {}, {}};
  std::vector<float> grid(kFitPlotPoints), yhat(kFitPlotPoints);
  for (std::size_t i = 0; i < kFitPlotPoints; ++i) {
    grid[i] = static_cast<float>(-0.5 + double(i) / double(kFitPlotPoints - 1));
    model.x.push_back(norm.DenormalizeX(grid[i]));
  }
  trainer->Predict(grid.data(), grid.size(), yhat.data());
  for (float y : yhat) model.y.push_back(norm.DenormalizeY(y));
  if (cos_task) {
    target.x = model.x;
    for (double x : target.x) target.y.push_back(std::cos(x));
  }

  // Every k-th test point in x order: 2,000 markers on 500 pixels would be one solid band over
  // the target curve; kFitPlotTestMarks of them stay apart and show where the test set lies.
  std::vector<std::size_t> by_x(data.test_x.size());
  std::iota(by_x.begin(), by_x.end(), std::size_t{0});
  std::sort(by_x.begin(), by_x.end(),
            [&](std::size_t a, std::size_t b) { return data.test_x[a] < data.test_x[b]; });
  const std::size_t every =
      std::max<std::size_t>(1, (by_x.size() + kFitPlotTestMarks - 1) / kFitPlotTestMarks);
  PlotSeries test{"", kDarkGray, SeriesMark::kRings, {}, {}};
  for (std::size_t i = every / 2; i < by_x.size(); i += every) {
    test.x.push_back(norm.DenormalizeX(data.test_x[by_x[i]]));
    test.y.push_back(norm.DenormalizeY(data.test_y[by_x[i]]));
  }
  test.name =
      "test points (" + std::to_string(test.x.size()) + " of " + GroupThousands(by_x.size()) + ")";

  PlotPanel panel;
  panel.id = "fit";
  panel.title = "The fit " + inputs.fit_caption;
  panel.x_label = "x";
  panel.y_label = "y";
  if (cos_task) panel.series.push_back(std::move(target));
  panel.series.push_back(std::move(model));
  panel.series.push_back(std::move(test));
  return panel;
}

PlotPanel LearningCurvePanel(const TrainingPlotInputs& inputs) {
  std::vector<double> epochs, train_mse, test_mse;
  for (const EpochStats& e : inputs.epochs) {
    epochs.push_back(e.epoch);
    train_mse.push_back(e.train_mse);
    test_mse.push_back(e.test_mse);
  }
  PlotPanel panel;
  panel.id = "learning-curve";
  panel.title = "Learning curve";
  panel.x_label = "epoch";
  panel.y_label = "MSE (log scale)";
  panel.y_scale = AxisScale::kLog10;
  // Air at both ends (15 pixels of the figure's 504): the restored epoch's mark is often the first
  // or the last, and on the frame it would hide under the frame's own line.
  panel.x_margin = 0.03;
  panel.series.push_back({"train MSE", kBlue, SeriesMark::kLine, epochs, train_mse});
  panel.series.push_back({"test MSE", kOrange, SeriesMark::kLine, epochs, test_mse});
  if (!inputs.validation_mse.empty()) {
    panel.series.push_back(
        {"validation MSE", kGreen, SeriesMark::kLine, epochs, inputs.validation_mse});
  }
  if (inputs.target_mse > 0 && !epochs.empty()) {
    char name[48];
    std::snprintf(name, sizeof name, "target %g", inputs.target_mse);
    panel.series.push_back({name,
                            kGray,
                            SeriesMark::kDashedLine,
                            {epochs.front(), epochs.back()},
                            {inputs.target_mse, inputs.target_mse}});
  }
  if (inputs.restored_epoch > 0) {
    // From the lowest to the highest MSE drawn: a vertical across the curves.
    double lo = INFINITY, hi = 0;
    for (const PlotSeries& series : panel.series) {
      for (double v : series.y) {
        if (v > 0 && std::isfinite(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
    }
    const double x = inputs.restored_epoch;
    panel.series.push_back({"restored: epoch " + std::to_string(inputs.restored_epoch),
                            kPurple,
                            SeriesMark::kDashedLine,
                            {x, x},
                            {lo, hi}});
  }
  return panel;
}

}  // namespace

PlotFigure TrainingFigure(const TrainingPlotInputs& inputs, const Dataset<float>& data,
                          Trainer* trainer) {
  PlotFigure figure;
  figure.title = "simd_mlp: a 1-100-100-100-1 perceptron fitting " +
                 (inputs.data_name.empty() ? "y = cos(x)" : "the points of " + inputs.data_name);
  figure.subtitle = inputs.description;
  figure.panels = {FitPanel(inputs, data, trainer), LearningCurvePanel(inputs)};
  return figure;
}

}  // namespace simd_mlp::mlp
