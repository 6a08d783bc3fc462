// The SVG writer: text is escaped, points that cannot be drawn are left out, log axes get readable
// ticks. (The CLI's figure as a whole is parsed as XML, and its file errors checked, by
// plot_cli_test.)
#include "mlp/plot/svg_plot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace simd_mlp::mlp {
namespace {

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

PlotFigure OnePanel(AxisScale scale, std::vector<double> y) {
  PlotSeries s{"series", "#000", SeriesMark::kLine, {}, std::move(y)};
  for (std::size_t i = 0; i < s.y.size(); ++i) s.x.push_back(double(i));
  PlotPanel panel;
  panel.id = "p";
  panel.title = "panel";
  panel.x_label = "x";
  panel.y_label = "y";
  panel.y_scale = scale;
  panel.series = {s};
  PlotFigure figure;
  figure.title = "figure";
  figure.panels = {panel};
  return figure;
}

// The text of the y tick labels, in order.
std::vector<std::string> YTickLabels(const std::string& svg) {
  const std::size_t begin = svg.find("<g class=\"ticks y\"");
  const std::size_t end = svg.find("</g>", begin);
  std::vector<std::string> labels;
  for (std::size_t at = svg.find("<text", begin); at < end; at = svg.find("<text", at + 1)) {
    const std::size_t open = svg.find('>', at) + 1;
    labels.push_back(svg.substr(open, svg.find("</text>", open) - open));
  }
  return labels;
}

TEST(SvgPlot, EscapesText) {
  PlotFigure figure = OnePanel(AxisScale::kLinear, {1, 2});
  figure.title = "a<b & \"c\"";
  figure.panels[0].series[0].name = "x > 'y'";
  const std::string svg = RenderSvg(figure);
  EXPECT_NE(svg.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_NE(svg.find("x &gt; &apos;y&apos;"), std::string::npos);
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
}

TEST(SvgPlot, LeavesOutPointsThatCannotBeDrawn) {
  // On a log axis: NaN, infinity, 0 and a negative value cannot be placed; 3 points remain.
  const std::string svg =
      RenderSvg(OnePanel(AxisScale::kLog10, {1e-3, NAN, 1e-2, INFINITY, 0.0, -1.0, 1e-1}));
  const std::size_t at = svg.find("points=\"");
  ASSERT_NE(at, std::string::npos);
  const std::string points = svg.substr(at + 8, svg.find('"', at + 8) - at - 8);
  EXPECT_EQ(Count(points, ","), 3u) << points;
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(SvgPlot, LogAxisLabelsPowersOfTen) {
  const std::vector<std::string> labels =
      YTickLabels(RenderSvg(OnePanel(AxisScale::kLog10, {1.0, 0.1, 1e-2, 1e-3, 1e-4})));
  for (const char* want : {"10\u207b\u2074", "10\u207b\u00b3", "10\u207b\u00b2", "1"}) {
    EXPECT_NE(std::find(labels.begin(), labels.end(), want), labels.end()) << want;
  }
}

TEST(SvgPlot, NarrowLogAxisGetsRoundLinearLabels) {
  // A stalled run: MSE between 1.25 and 1.30 must not be a flat line in a whole decade.
  const std::vector<std::string> labels =
      YTickLabels(RenderSvg(OnePanel(AxisScale::kLog10, {1.30, 1.27, 1.26, 1.25})));
  ASSERT_GE(labels.size(), 3u);
  for (const std::string& l : labels) {
    const double v = std::atof(l.c_str());
    EXPECT_TRUE(v > 1.2 && v < 1.35) << l;
  }
}

}  // namespace
}  // namespace simd_mlp::mlp
