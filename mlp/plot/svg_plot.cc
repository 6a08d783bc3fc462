#include "mlp/plot/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <utility>

namespace simd_mlp::mlp {

namespace {

// Layout, in SVG user units (pixels at 100 % zoom).
constexpr double kTitleFont = 17, kSubtitleFont = 12.5, kPanelTitleFont = 14;
constexpr double kTickFont = 11.5, kAxisLabelFont = 13, kLegendFont = 12;
constexpr double kSubtitleLine = 16, kLegendRow = 18;
constexpr double kPlotLeft = 74, kPlotRight = 22, kPlotBottom = 52;  // margins inside a panel
// Average advance of a character in the sans-serif fonts browsers pick, as a fraction of the font
// size: text is laid out without measuring it, so widths are estimated (generously) from this.
// Measured in Chromium's rendering with DejaVu Sans: 0.48 for the legends' mixed text.
constexpr double kCharWidth = 0.55;

const char* const kFontFamily = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Characters, not bytes: labels carry UTF-8 (−, ², superscripts).
std::size_t Utf8Length(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

double TextWidth(const std::string& s, double font_size) {
  return double(Utf8Length(s)) * font_size * kCharWidth;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return std::strcmp(buf, "-0.0") == 0 ? "0.0" : buf;
}

// A typographic minus (U+2212) rather than '-': tick labels read as numbers, not hyphens.
std::string WithMinusSign(std::string s) {
  if (!s.empty() && s[0] == '-') s.replace(0, 1, "\u2212");
  return s;
}

const char* const kSuperscriptDigits[] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                          "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};

// 10^e as 1, 10, 10², 10⁻³.
std::string PowerOfTen(int e) {
  if (e == 0) return "1";
  if (e == 1) return "10";
  std::string s = "10";
  if (e < 0) s += "\u207b";
  for (char c : std::to_string(std::abs(e))) s += kSuperscriptDigits[c - '0'];
  return s;
}

// m·10^e as 2, 50, 2·10⁻³.
std::string MultipleOfPowerOfTen(int m, int e) {
  if (e == 0) return std::to_string(m);
  if (e == 1) return std::to_string(m * 10);
  return std::to_string(m) + "\u00b7" + PowerOfTen(e);
}

struct Tick {
  double value;
  std::string label;  // empty: a minor tick (a mark and a faint grid line, no text)
};

// The data range of one axis, or (0, 1) if no point can be drawn.
struct Range {
  double lo, hi;
};

bool Drawable(double v, AxisScale scale) {
  return std::isfinite(v) && (scale == AxisScale::kLinear || v > 0);
}

// Round steps of 1, 2 or 5 × 10^k, as close to `target` of them across [lo, hi] as they come.
std::vector<Tick> LinearTicks(double lo, double hi, int target) {
  const double raw = (hi - lo) / std::max(target, 2);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {2.0, 5.0, 10.0}) {
    if (std::abs(std::log(m * magnitude / raw)) < std::abs(std::log(step / raw))) {
      step = m * magnitude;
    }
  }
  const int decimals = std::max(0, -int(std::floor(std::log10(step) + 1e-9)));
  std::vector<Tick> ticks;
  // A tick within a millionth of a step outside [lo, hi] is kept: data that starts at 0 but was
  // rounded through float to 1e-9 still gets its 0 tick.
  const long first = long(std::ceil(lo / step - 1e-6)), last = long(std::floor(hi / step + 1e-6));
  for (long i = first; i <= last; ++i) {
    const double snapped = i == 0 ? 0.0 : double(i) * step;  // no "−0.0"
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, snapped);
    ticks.push_back({snapped, WithMinusSign(buf)});
  }
  return ticks;
}

// On a log axis: every power of 10 in [lo, hi] (every k-th when there are many) labelled, the
// 2…9 multiples as minor ticks, and 2 and 5 labelled too when fewer than 3 powers are. A range
// narrower than a decade gets round linear steps instead, which a log axis places unevenly but
// labels readably.
std::vector<Tick> LogTicks(double lo, double hi) {
  if (hi / lo < 10) return LinearTicks(lo, hi, 5);
  const int first = int(std::ceil(std::log10(lo) - 1e-9));
  const int last = int(std::floor(std::log10(hi) + 1e-9));
  const int every = std::max(1, (last - first + 8) / 8);
  const bool label_multiples = last - first + 1 < 3;
  std::vector<Tick> ticks;
  for (int e = first - 1; e <= last; ++e) {
    const double decade = std::pow(10.0, e);
    if (e >= first) ticks.push_back({decade, (e - first) % every == 0 ? PowerOfTen(e) : ""});
    for (int m = 2; m <= 9; ++m) {
      const double v = m * decade;
      if (v < lo || v > hi) continue;
      const bool labelled = label_multiples && (m == 2 || m == 5);
      ticks.push_back({v, labelled ? MultipleOfPowerOfTen(m, e) : ""});
    }
  }
  return ticks;
}

class Axis {
 public:
  Axis(AxisScale scale, Range range, double pixel_lo, double pixel_hi)
      : scale_(scale), pixel_lo_(pixel_lo), pixel_hi_(pixel_hi) {
    if (scale == AxisScale::kLog10) {
      lo_ = std::log10(range.lo);
      hi_ = std::log10(range.hi);
    } else {
      lo_ = range.lo;
      hi_ = range.hi;
    }
  }
  double operator()(double v) const {
    const double t = scale_ == AxisScale::kLog10 ? std::log10(v) : v;
    return pixel_lo_ + (t - lo_) / (hi_ - lo_) * (pixel_hi_ - pixel_lo_);
  }

 private:
  AxisScale scale_;
  double lo_, hi_, pixel_lo_, pixel_hi_;
};

Range DataRange(const PlotPanel& panel, bool y, AxisScale scale) {
  double lo = INFINITY, hi = -INFINITY;
  for (const PlotSeries& s : panel.series) {
    const std::size_t n = std::min(s.x.size(), s.y.size());
    for (std::size_t i = 0; i < n; ++i) {
      const double v = y ? s.y[i] : s.x[i], other = y ? s.x[i] : s.y[i];
      if (!Drawable(v, scale) || !std::isfinite(other)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(lo <= hi)) return scale == AxisScale::kLog10 ? Range{0.1, 1} : Range{0, 1};
  return {lo, hi};
}

// x: the data range and the panel's x_margin of it at each end (none: a plot of the whole input
// range ends where the data ends); y: 5 % of air above and below (of the log span on a log axis).
Range XDomain(const PlotPanel& panel) {
  Range r = DataRange(panel, false, AxisScale::kLinear);
  if (r.hi - r.lo < 1e-12 * std::max(1.0, std::abs(r.lo))) r = {r.lo - 1, r.hi + 1};
  const double air = panel.x_margin * (r.hi - r.lo);
  return {r.lo - air, r.hi + air};
}

Range YDomain(const PlotPanel& panel) {
  Range r = DataRange(panel, true, panel.y_scale);
  if (panel.y_scale == AxisScale::kLog10) {
    // 5 % of the log span as air (at least 2 %): a value on the frame, such as a target MSE
    // at the bottom decade, would hide in it.
    const double air = std::max(std::pow(r.hi / r.lo, 0.05), 1.02);
    return {r.lo / air, r.hi * air};
  }
  double span = r.hi - r.lo;
  if (span < 1e-12 * std::max(1.0, std::abs(r.lo))) span = std::max(1.0, std::abs(r.lo));
  return {r.lo - 0.05 * span, r.hi + 0.05 * span};
}

// Splits text at ", " so that no line is wider than max_width (a single longer item stays whole).
std::vector<std::string> WrapAtCommas(const std::string& text, double font_size, double max_width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find(", ", begin);
    end = end == std::string::npos ? text.size() : end + 2;
    const std::string item = text.substr(begin, end - begin);
    if (!line.empty() && TextWidth(line + item, font_size) > max_width) {
      lines.push_back(line);
      line.clear();
    }
    line += item;
    begin = end;
  }
  if (!line.empty()) lines.push_back(line);
  for (std::string& l : lines) {
    while (!l.empty() && l.back() == ' ') l.pop_back();
  }
  return lines;
}

struct LegendItem {
  const PlotSeries* series;
  double x, y;  // the swatch's left end and the row's middle
};

constexpr double kSwatch = 22, kSwatchGap = 6, kItemGap = 18;

// Left to right, wrapping onto new rows when the plot's width is used up.
std::vector<LegendItem> LayoutLegend(const PlotPanel& panel, double left, double width,
                                     double top) {
  std::vector<LegendItem> items;
  double x = left, y = top + kLegendRow / 2;
  for (const PlotSeries& s : panel.series) {
    const double w = kSwatch + kSwatchGap + TextWidth(s.name, kLegendFont);
    if (x > left && x + w > left + width) {
      x = left;
      y += kLegendRow;
    }
    items.push_back({&s, x, y});
    x += w + kItemGap;
  }
  return items;
}

void LineAttributes(std::ostringstream& out, const PlotSeries& s) {
  out << " fill=\"none\" stroke=\"" << Escape(s.color) << "\" stroke-width=\"2\""
      << " stroke-linejoin=\"round\" stroke-linecap=\"round\"";
  if (s.mark == SeriesMark::kDashedLine) out << " stroke-dasharray=\"7 5\"";
}

bool IsMarker(SeriesMark mark) { return mark == SeriesMark::kDots || mark == SeriesMark::kRings; }

double MarkerRadius(SeriesMark mark) { return mark == SeriesMark::kRings ? 2.6 : 1.6; }

// Dots are filled; rings are hollow (white inside), so the curve under them still shows.
void MarkerAttributes(std::ostringstream& out, const PlotSeries& s) {
  if (s.mark == SeriesMark::kRings) {
    out << " fill=\"#fff\" fill-opacity=\"0.6\" stroke=\"" << Escape(s.color)
        << "\" stroke-width=\"1.2\"";
  } else {
    out << " fill=\"" << Escape(s.color) << "\" fill-opacity=\"0.6\"";
  }
}

void RenderSeries(std::ostringstream& out, const PlotSeries& s, const Axis& x_axis,
                  const Axis& y_axis, AxisScale y_scale) {
  const std::size_t n = std::min(s.x.size(), s.y.size());
  if (IsMarker(s.mark)) {
    out << "<g class=\"series\" data-name=\"" << Escape(s.name) << "\"";
    MarkerAttributes(out, s);
    out << ">\n";
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.x[i]) || !Drawable(s.y[i], y_scale)) continue;
      out << "<circle cx=\"" << Num(x_axis(s.x[i])) << "\" cy=\"" << Num(y_axis(s.y[i]))
          << "\" r=\"" << MarkerRadius(s.mark) << "\"/>\n";
    }
    out << "</g>\n";
    return;
  }
  out << "<polyline class=\"series\" data-name=\"" << Escape(s.name) << "\"";
  LineAttributes(out, s);
  out << " points=\"";
  bool first = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(s.x[i]) || !Drawable(s.y[i], y_scale)) continue;
    out << (first ? "" : " ") << Num(x_axis(s.x[i])) << "," << Num(y_axis(s.y[i]));
    first = false;
  }
  out << "\"/>\n";
}

constexpr double kLegendTop = 30;  // below the panel title

// The height the legend of a panel of width pw takes (its rows).
double LegendHeight(const PlotPanel& panel, double pw) {
  const std::vector<LegendItem> legend =
      LayoutLegend(panel, kPlotLeft, pw - kPlotLeft - kPlotRight, 0);
  return legend.empty() ? 0 : legend.back().y + kLegendRow / 2;
}

// legend_height: the tallest legend of the figure's panels, so that every panel's plot area
// starts at the same height, whatever its own legend needs.
void RenderPanel(std::ostringstream& out, const PlotPanel& panel, double px, double py, double pw,
                 double ph, double legend_height) {
  const double left = px + kPlotLeft, right = px + pw - kPlotRight;
  const std::vector<LegendItem> legend = LayoutLegend(panel, left, right - left, py + kLegendTop);
  const double top = py + kLegendTop + legend_height + 10, bottom = py + ph - kPlotBottom;

  const Range xr = XDomain(panel), yr = YDomain(panel);
  const Axis x_axis(AxisScale::kLinear, xr, left, right);
  const Axis y_axis(panel.y_scale, yr, bottom, top);  // SVG's y grows downwards
  const std::vector<Tick> x_ticks = LinearTicks(xr.lo, xr.hi, int((right - left) / 90));
  const std::vector<Tick> y_ticks = panel.y_scale == AxisScale::kLog10
                                        ? LogTicks(yr.lo, yr.hi)
                                        : LinearTicks(yr.lo, yr.hi, int((bottom - top) / 55));

  const std::string clip = "clip-" + panel.id;
  out << "<g class=\"panel\" id=\"" << Escape(panel.id) << "\">\n";
  out << "<clipPath id=\"" << Escape(clip) << "\"><rect x=\"" << Num(left) << "\" y=\"" << Num(top)
      << "\" width=\"" << Num(right - left) << "\" height=\"" << Num(bottom - top)
      << "\"/></clipPath>\n";
  out << "<text class=\"panel-title\" x=\"" << Num(px + pw / 2) << "\" y=\"" << Num(py + 18)
      << "\" text-anchor=\"middle\" font-size=\"" << kPanelTitleFont << "\" font-weight=\"bold\">"
      << Escape(panel.title) << "</text>\n";

  // Grid lines first, so that the series are drawn over them.
  out << "<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n";
  for (const Tick& t : x_ticks) {
    out << "<line x1=\"" << Num(x_axis(t.value)) << "\" y1=\"" << Num(top) << "\" x2=\""
        << Num(x_axis(t.value)) << "\" y2=\"" << Num(bottom) << "\"/>\n";
  }
  for (const Tick& t : y_ticks) {
    out << "<line x1=\"" << Num(left) << "\" y1=\"" << Num(y_axis(t.value)) << "\" x2=\""
        << Num(right) << "\" y2=\"" << Num(y_axis(t.value)) << "\""
        << (t.label.empty() ? " stroke-opacity=\"0.45\"" : "") << "/>\n";
  }
  out << "</g>\n";

  out << "<g class=\"plot-area\" clip-path=\"url(#" << Escape(clip) << ")\">\n";
  for (const PlotSeries& s : panel.series) RenderSeries(out, s, x_axis, y_axis, panel.y_scale);
  out << "</g>\n";
  out << "<rect class=\"frame\" x=\"" << Num(left) << "\" y=\"" << Num(top) << "\" width=\""
      << Num(right - left) << "\" height=\"" << Num(bottom - top)
      << "\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n";

  out << "<g class=\"ticks x\" font-size=\"" << kTickFont << "\" text-anchor=\"middle\">\n";
  for (const Tick& t : x_ticks) {
    const double x = x_axis(t.value);
    out << "<line x1=\"" << Num(x) << "\" y1=\"" << Num(bottom) << "\" x2=\"" << Num(x)
        << "\" y2=\"" << Num(bottom + 5) << "\" stroke=\"#333\"/>";
    out << "<text x=\"" << Num(x) << "\" y=\"" << Num(bottom + 19) << "\">" << Escape(t.label)
        << "</text>\n";
  }
  out << "</g>\n";
  out << "<g class=\"ticks y\" font-size=\"" << kTickFont << "\" text-anchor=\"end\">\n";
  for (const Tick& t : y_ticks) {
    const double y = y_axis(t.value);
    out << "<line x1=\"" << Num(left - (t.label.empty() ? 3 : 5)) << "\" y1=\"" << Num(y)
        << "\" x2=\"" << Num(left) << "\" y2=\"" << Num(y) << "\" stroke=\"#333\"/>";
    if (!t.label.empty()) {
      out << "<text x=\"" << Num(left - 8) << "\" y=\"" << Num(y + kTickFont * 0.35) << "\">"
          << Escape(t.label) << "</text>";
    }
    out << "\n";
  }
  out << "</g>\n";

  out << "<text class=\"axis-label x\" x=\"" << Num((left + right) / 2) << "\" y=\""
      << Num(bottom + 42) << "\" text-anchor=\"middle\" font-size=\"" << kAxisLabelFont << "\">"
      << Escape(panel.x_label) << "</text>\n";
  const double label_x = px + 18, label_y = (top + bottom) / 2;
  out << "<text class=\"axis-label y\" x=\"" << Num(label_x) << "\" y=\"" << Num(label_y)
      << "\" text-anchor=\"middle\" font-size=\"" << kAxisLabelFont << "\" transform=\"rotate(-90 "
      << Num(label_x) << " " << Num(label_y) << ")\">" << Escape(panel.y_label) << "</text>\n";

  out << "<g class=\"legend\" font-size=\"" << kLegendFont << "\">\n";
  for (const LegendItem& item : legend) {
    const PlotSeries& s = *item.series;
    out << "<g class=\"legend-entry\" data-name=\"" << Escape(s.name) << "\">";
    if (IsMarker(s.mark)) {
      out << "<circle cx=\"" << Num(item.x + kSwatch / 2) << "\" cy=\"" << Num(item.y) << "\" r=\""
          << MarkerRadius(s.mark) + 0.8 << "\"";
      MarkerAttributes(out, s);
      out << "/>";
    } else {
      out << "<line x1=\"" << Num(item.x) << "\" y1=\"" << Num(item.y) << "\" x2=\""
          << Num(item.x + kSwatch) << "\" y2=\"" << Num(item.y) << "\"";
      LineAttributes(out, s);
      out << "/>";
    }
    out << "<text x=\"" << Num(item.x + kSwatch + kSwatchGap) << "\" y=\""
        << Num(item.y + kLegendFont * 0.35) << "\">" << Escape(s.name) << "</text></g>\n";
  }
  out << "</g>\n</g>\n";
}

}  // namespace

std::string RenderSvg(const PlotFigure& figure) {
  const double width = figure.width;
  const std::vector<std::string> subtitle =
      WrapAtCommas(figure.subtitle, kSubtitleFont, width - 40);
  const double title_block = 36 + kSubtitleLine * double(subtitle.size()) + 6;
  const double height = title_block + figure.panel_height;

  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << Num(width) << "\" height=\""
      << Num(height) << "\" viewBox=\"0 0 " << Num(width) << " " << Num(height)
      << "\" font-family=\"" << kFontFamily << "\" fill=\"#222\">\n";
  out << "<title>" << Escape(figure.title) << "</title>\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  out << "<text class=\"figure-title\" x=\"" << Num(width / 2) << "\" y=\"26\" font-size=\""
      << kTitleFont << "\" font-weight=\"bold\" text-anchor=\"middle\">" << Escape(figure.title)
      << "</text>\n";
  for (std::size_t i = 0; i < subtitle.size(); ++i) {
    out << "<text class=\"figure-subtitle\" x=\"" << Num(width / 2) << "\" y=\""
        << Num(48 + kSubtitleLine * double(i)) << "\" font-size=\"" << kSubtitleFont
        << "\" text-anchor=\"middle\" fill=\"#444\">" << Escape(subtitle[i]) << "</text>\n";
  }
  const double panel_width = figure.panels.empty() ? width : width / double(figure.panels.size());
  double legend_height = 0;
  for (const PlotPanel& panel : figure.panels) {
    legend_height = std::max(legend_height, LegendHeight(panel, panel_width));
  }
  for (std::size_t i = 0; i < figure.panels.size(); ++i) {
    RenderPanel(out, figure.panels[i], panel_width * double(i), title_block, panel_width,
                figure.panel_height, legend_height);
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace simd_mlp::mlp
