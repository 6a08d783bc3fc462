// A small, dependency-free SVG chart writer: a figure of side-by-side panels, each an x–y plot
// with axis labels, tick marks, a legend and any number of series (lines, dashed lines, dots),
// linear or log10 in y. The output is one self-contained file (no scripts, no external fonts or
// styles) that a browser renders as is.
//
// The structure is meant to be read by programs as well as people (tests/mlp/ parses it):
//   <g class="panel" id="PANEL_ID">
//     <text class="panel-title">, <text class="axis-label x">, <text class="axis-label y">,
//     <g class="ticks x">/<g class="ticks y"> with one <text> per tick,
//     <g class="legend"> with one <g class="legend-entry" data-name="NAME"> per series,
//     one element per series with class="series" and data-name="NAME": a <polyline> whose
//     points="x,y ..." holds one pair per drawn point, or (dots, rings) a <g> of one <circle>
//     per point.
// A point that cannot be drawn (not finite, or ≤ 0 on a log axis) is left out of its series.
#ifndef SIMD_MLP_MLP_PLOT_SVG_PLOT_H_
#define SIMD_MLP_MLP_PLOT_SVG_PLOT_H_

#include <string>
#include <vector>

namespace simd_mlp::mlp {

enum class AxisScale { kLinear, kLog10 };
enum class SeriesMark { kLine, kDashedLine, kDots, kRings };  // rings: hollow markers

struct PlotSeries {
  std::string name;   // the legend's label
  std::string color;  // an SVG color, e.g. "#1f77b4"
  SeriesMark mark = SeriesMark::kLine;
  std::vector<double> x, y;  // the same length
};

struct PlotPanel {
  std::string id;  // the panel group's id (an XML name: letters, digits, '-')
  std::string title, x_label, y_label;
  AxisScale y_scale = AxisScale::kLinear;
  // The x axis spans the data's x range and this fraction of it more at each end: 0 draws the
  // first and last points on the frame; more keeps a vertical mark there visible inside it.
  double x_margin = 0;
  std::vector<PlotSeries> series;
};

struct PlotFigure {
  std::string title;
  std::string subtitle;  // wrapped onto as many lines as the width needs, at ", " boundaries
  std::vector<PlotPanel> panels;  // laid out left to right
  int width = 1200;
  int panel_height = 470;  // below the title block
};

// The whole document, from the XML declaration to </svg>. Writing it is the caller's business
// (//mlp:train uses file_io.h's WriteFileAtomically).
std::string RenderSvg(const PlotFigure& figure);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_PLOT_SVG_PLOT_H_
