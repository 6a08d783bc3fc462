#!/usr/bin/python3
"""Checks a figure written by `//mlp:train --plot=FILE.svg` against the run that wrote it.

Usage: check_plot_svg.py FILE.svg --metrics=FILE.jsonl --recipe=NAME [--target=X] [--restored]
                         [--data --test-points=N]

The SVG is parsed as XML (xml.etree); then: two panels (fit, learning-curve) with titles, axis
labels and ticks; a legend entry for every series and a series for every legend entry; the fit's
curves over the whole input range (FIT_POINTS points: the model's, and cos's unless the run had
--data) and its test-point markers; one learning
curve point per epoch of the run (the metrics file's lines), a validation curve exactly when the
run had a validation set, the target line exactly when one was set, the restored epoch's mark
exactly when the run restored one (--patience), at that epoch, and far enough inside the frame
(MARK_INSET pixels) to be seen, not on its side; every point inside its panel's frame; and the
learning curve's y positions on a log scale of the run's MSE values.
Prints one line per failure and exits 1, or prints PASS.
"""
import argparse
import json
import math
import re
import sys
import xml.etree.ElementTree as ET

NS = {"svg": "http://www.w3.org/2000/svg"}
FIT_POINTS = 501   # mlp/plot/training_plot.h kFitPlotPoints
TEST_MARKS = 80    # mlp/plot/training_plot.h kFitPlotTestMarks
MARK_INSET = 5     # pixels between a vertical mark and the frame's side: a mark on it is hidden

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def texts(element, xpath):
    return ["".join(e.itertext()).strip() for e in element.findall(xpath, NS)]


def has_class(element, name):
    return name in element.get("class", "").split()


def points_of(series):
    """(x, y) pixel positions of a polyline, or of a group's circles."""
    if series.tag.endswith("polyline"):
        pairs = series.get("points", "").split()
        return [tuple(float(v) for v in p.split(",")) for p in pairs]
    return [(float(c.get("cx")), float(c.get("cy"))) for c in series.findall("svg:circle", NS)]


def check_panel_basics(panel, x_label, y_label):
    pid = panel.get("id")
    check(any(t for t in texts(panel, "svg:text[@class='panel-title']")), f"{pid}: no title")
    check(texts(panel, "svg:text[@class='axis-label x']") == [x_label],
          f"{pid}: x label is not '{x_label}'")
    check(texts(panel, "svg:text[@class='axis-label y']") == [y_label],
          f"{pid}: y label is not '{y_label}'")
    for axis in ("x", "y"):
        labels = [t for t in texts(panel, f"svg:g[@class='ticks {axis}']/svg:text") if t]
        check(len(labels) >= 3, f"{pid}: {len(labels)} labelled {axis} ticks, want >= 3")
    series = {}
    for e in panel.iter():
        if has_class(e, "series"):
            check(e.get("data-name") not in series, f"{pid}: two series named {e.get('data-name')}")
            series[e.get("data-name")] = e
    legend = [e.get("data-name") for e in panel.findall(".//svg:g[@class='legend-entry']", NS)]
    legend_texts = texts(panel, ".//svg:g[@class='legend-entry']/svg:text")
    check(sorted(legend) == sorted(series), f"{pid}: legend {legend} != series {sorted(series)}")
    check(legend_texts == legend, f"{pid}: legend texts {legend_texts} != names {legend}")
    left, top, right, bottom = frame_of(panel)
    for name, s in series.items():
        for x, y in points_of(s):
            if not (left - 0.5 <= x <= right + 0.5 and top - 0.5 <= y <= bottom + 0.5):
                failures.append(f"{pid}: '{name}' has a point ({x}, {y}) outside the frame")
                break
    return series


def frame_of(panel):
    """(left, top, right, bottom) of a panel's frame."""
    frame = panel.find("svg:rect[@class='frame']", NS)
    left, top = float(frame.get("x")), float(frame.get("y"))
    return left, top, left + float(frame.get("width")), top + float(frame.get("height"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("svg")
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--target", type=float)
    parser.add_argument("--restored", action="store_true", help="the run restored its best epoch")
    parser.add_argument("--data", action="store_true", help="the run had --data: no cos target")
    parser.add_argument("--test-points", type=int, default=2000, help="the run's test set size")
    args = parser.parse_args()

    with open(args.metrics) as f:
        epochs = [json.loads(line) for line in f]
    has_validation = "validation_mse" in epochs[0]

    root = ET.parse(args.svg).getroot()  # raises on malformed XML: the test fails
    check(root.tag == "{http://www.w3.org/2000/svg}svg", f"root element is {root.tag}")
    subtitle = " ".join(texts(root, "svg:text[@class='figure-subtitle']"))
    check(f"recipe {args.recipe}:" in subtitle, f"subtitle lacks the recipe: {subtitle!r}")
    check(any(texts(root, "svg:text[@class='figure-title']")), "no figure title")

    panels = [g for g in root.findall("svg:g", NS) if has_class(g, "panel")]
    check([p.get("id") for p in panels] == ["fit", "learning-curve"],
          f"panels {[p.get('id') for p in panels]}, want fit and learning-curve")
    if len(panels) != 2:
        return
    fit, curve = panels

    series = check_panel_basics(fit, "x", "y")
    curves = ("model ŷ",) if args.data else ("target cos(x)", "model ŷ")
    check(("target cos(x)" in series) != args.data, "fit: cos target " +
          ("drawn for --data" if args.data else "missing"))
    for name in curves:
        if check(name in series, f"fit: no series '{name}'"):
            n = len(points_of(series[name]))
            check(n == FIT_POINTS, f"fit: '{name}' has {n} points, want {FIT_POINTS}")
    markers = [n for n in series if n.startswith("test points")]
    if check(len(markers) == 1, f"fit: test point series {markers}"):
        n = len(points_of(series[markers[0]]))
        # Every k-th in x order, k the fewest that keeps them at most TEST_MARKS, from k // 2.
        every = max(1, -(-args.test_points // TEST_MARKS))
        want = len(range(every // 2, args.test_points, every))
        check(n == want, f"fit: {n} test point markers, want {want}")
        check(markers[0] == f"test points ({want} of {args.test_points:,})",
              f"fit: legend '{markers[0]}' does not say how many are marked")
    if "target cos(x)" in series:
        pts = points_of(series["target cos(x)"])
        top = min(range(len(pts)), key=lambda i: pts[i][1])
        # cos peaks at x = 0, the middle of the grid (and at ±2π); the middle's y is the top.
        check(abs(pts[len(pts) // 2][1] - pts[top][1]) < 1.0, "fit: cos(0) = 1 is not at the top")

    series = check_panel_basics(curve, "epoch", "MSE (log scale)")
    want = {"train MSE": "train_mse", "test MSE": "test_mse"}
    if has_validation:
        want["validation MSE"] = "validation_mse"
    check(("validation MSE" in series) == has_validation, "learning-curve: validation series "
          f"{'missing' if has_validation else 'without a validation set'}")
    for name, field in want.items():
        if not check(name in series, f"learning-curve: no series '{name}'"):
            continue
        pts = points_of(series[name])
        if not check(len(pts) == len(epochs),
                     f"learning-curve: '{name}' has {len(pts)} points, want {len(epochs)} epochs"):
            continue
        # On a log axis y is an affine function of log10(MSE), decreasing (SVG's y points down).
        logs = [math.log10(e[field]) for e in epochs]
        lo, hi = min(range(len(logs)), key=logs.__getitem__), max(range(len(logs)), key=logs.__getitem__)
        if logs[hi] - logs[lo] > 1e-3:
            slope = (pts[hi][1] - pts[lo][1]) / (logs[hi] - logs[lo])
            check(slope < 0, f"learning-curve: '{name}' larger MSE is drawn lower")
            for (x, y), v in zip(pts, logs):
                if abs(pts[lo][1] + slope * (v - logs[lo]) - y) > 0.11:  # coordinates have 1 decimal
                    failures.append(f"learning-curve: '{name}' y={y} is off the log scale")
                    break
        xs = [x for x, _ in pts]
        check(xs == sorted(xs) and len(set(xs)) == len(xs), f"'{name}': epochs not left to right")
    targets = [n for n in series if n.startswith("target")]
    if args.target is not None:
        check(targets == [f"target {args.target:g}"], f"learning-curve: target series {targets}")
        if targets:
            pts = points_of(series[targets[0]])
            check(len(pts) == 2 and pts[0][1] == pts[1][1], "learning-curve: target not a level line")
    else:
        check(not targets, f"learning-curve: target series {targets} without --target-mse")
    restored = [n for n in series if n.startswith("restored: epoch ")]
    if args.restored:
        check(len(restored) == 1, f"learning-curve: restored-epoch marks {restored}, want 1")
        if restored:
            pts = points_of(series[restored[0]])
            check(len(pts) == 2 and pts[0][0] == pts[1][0], "learning-curve: restored mark not vertical")
            # At its epoch on the curves' x scale, and clear of the frame's sides.
            epoch = int(restored[0].split()[-1])
            test_x = dict(zip((e["epoch"] for e in epochs), (x for x, _ in points_of(series["test MSE"]))))
            check(abs(test_x.get(epoch, -1e9) - pts[0][0]) < 0.11,
                  f"learning-curve: restored mark at x={pts[0][0]}, not at epoch {epoch}")
            left, _, right, _ = frame_of(curve)
            check(left + MARK_INSET <= pts[0][0] <= right - MARK_INSET,
                  f"learning-curve: restored mark at x={pts[0][0]}, on the frame's side "
                  f"({left}..{right}) where it cannot be seen")
    else:
        check(not restored, f"learning-curve: {restored} without --patience")


if __name__ == "__main__":
    main()
    for f in failures:
        print(f"FAIL: {f}")
    if failures:
        sys.exit(1)
    print("PASS")
