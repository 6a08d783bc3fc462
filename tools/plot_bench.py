#!/usr/bin/env python3
"""Plots ms per epoch against batch size (log-log) from a //bench JSON run, as one SVG.

Usage (from the repository's root; Python's standard library only):
  bazel run //bench -- --benchmark_format=json --benchmark_filter='^(fma_peak|epoch/)' >bench.json
  python3 tools/plot_bench.py bench.json -o docs/bench.svg
  /usr/bin/python3 tools/reference/compare.py >reference.md        # optional: PyTorch's epochs
  python3 tools/plot_bench.py bench.json --reference=reference.md -o docs/bench.svg

Draws, for each batch size //bench ran:
  ours, 1 thread and 2 threads   epoch/ours/B:<b>/T:1 and /T:2
  Eigen, oneDNN (one thread)     epoch/eigen/B:<b>, epoch/onednn/B:<b>
  PyTorch (one thread)           the "torch ms/epoch" column of tools/reference/compare.py's
                                 table, with --reference
  the FMA limit                  the time an epoch's FLOPs take at the FMA peak //bench measured
                                 at its start, on one core and on two
Each point is the median of the repetitions when the run has them (--benchmark_repetitions),
else the single run. The FLOPs of an epoch come from the run itself (a benchmark's gflops ×
ms_per_epoch, the product bench/epoch_bench.cc counts), so the limit line follows the benchmark's
own count. The caption names the CPU, the ISA, the peak, the date, the load average at the start
(other work on the machine slows every figure) and the command (--command).
"""
import argparse
import html
import json
import math
import re
import statistics
import sys

EPOCH = re.compile(r"^epoch/(ours|eigen|onednn)/B:(\d+)(?:/T:(\d+))?$")

# name, the JSON series key, stroke colour, dash pattern, marker
SERIES = [
    ("ours, 1 thread", ("ours", 1), "#1f5fbf", "", "circle"),
    ("ours, 2 threads", ("ours", 2), "#2a9d5c", "", "square"),
    ("Eigen, 1 thread", ("eigen", 1), "#d9731a", "7 4", "triangle"),
    ("oneDNN, 1 thread", ("onednn", 1), "#8e44ad", "7 4", "diamond"),
    ("PyTorch, 1 thread", ("torch", 1), "#7f7f7f", "2 4", "cross"),
]

WIDTH, HEIGHT = 900, 690
LEFT, RIGHT, TOP, BOTTOM = 80, 660, 84, 560  # the plot area


def fail(message):
    sys.exit(f"plot_bench.py: error: {message}")


def read_bench(path):
    """Returns (context, {(impl, threads): {batch: ms}}, flops per epoch or None)."""
    try:
        with (sys.stdin if path == "-" else open(path)) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")
    runs = {}  # run name → {"median": ms} or {"runs": [ms, …]}
    flops = []
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        name = b.get("run_name", b.get("name", ""))
        if not EPOCH.match(name) or "ms_per_epoch" not in b:
            continue
        entry = runs.setdefault(name, {"runs": []})
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") != "median":
                continue  # the mean, stddev and cv
            entry["median"] = b["ms_per_epoch"]
        else:
            entry["runs"].append(b["ms_per_epoch"])
        if "gflops" in b:
            flops.append(b["gflops"] * 1e9 * b["ms_per_epoch"] * 1e-3)
    series = {}
    for name, entry in runs.items():
        impl, batch, threads = EPOCH.match(name).groups()
        ms = entry.get("median")
        if ms is None and entry["runs"]:
            ms = statistics.median(entry["runs"])
        if ms is not None:
            series.setdefault((impl, int(threads or 1)), {})[int(batch)] = ms
    if not series:
        fail(f"{path}: no epoch/... benchmarks: run //bench with --benchmark_format=json "
             "and a filter that keeps '^epoch/'")
    return data.get("context", {}), series, statistics.median(flops) if flops else None


def read_reference(path):
    """PyTorch's ms/epoch by batch, and the date line, from compare.py's output."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail(f"{path}: {e}")
    torch, columns, note = {}, None, ""
    for line in lines:
        if line.startswith("# ") and "cores;" in line:
            note = line[2:]
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if "batch" in cells:
            columns = cells
        elif columns and cells[0].isdigit() and "torch ms/epoch" in columns:
            try:
                torch[int(cells[0])] = float(cells[columns.index("torch ms/epoch")])
            except (ValueError, IndexError):
                pass
    if not torch:
        fail(f"{path}: no table with a 'torch ms/epoch' column (tools/reference/compare.py's)")
    return torch, note


def nice_ticks(lo, hi):
    """1, 2, 5 × 10^k within [lo, hi]."""
    ticks = []
    for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            v = m * 10.0 ** k
            if lo <= v <= hi:
                ticks.append(v)
    return ticks


def number(v):
    return f"{v:g}" if v >= 1 else f"{v:.2g}"


def marker(kind, x, y, colour):
    r = 4.5
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if kind == "square":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" '
                f'fill="{colour}"/>')
    if kind == "triangle":
        return (f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y + r:.1f} '
                f'L{x - r - 1:.1f},{y + r:.1f} Z" fill="{colour}"/>')
    if kind == "diamond":
        return (f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y:.1f} '
                f'L{x:.1f},{y + r + 1:.1f} L{x - r - 1:.1f},{y:.1f} Z" fill="{colour}"/>')
    return (f'<path d="M{x - r:.1f},{y - r:.1f} L{x + r:.1f},{y + r:.1f} M{x - r:.1f},{y + r:.1f} '
            f'L{x + r:.1f},{y - r:.1f}" stroke="{colour}" stroke-width="2"/>')


def text(x, y, s, size=12, anchor="start", weight="normal", colour="#222"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{colour}">{html.escape(s)}</text>')


def plot(context, series, flops, torch, torch_note, command):
    if torch:
        series[("torch", 1)] = torch
    peak = float(context.get("fma_peak_gflops", "nan"))
    limits = []  # (label, ms)
    if flops and peak > 0:
        one_core = flops / (peak * 1e9) * 1e3
        limits = [(f"FMA limit, 1 core: {one_core:.2f} ms", one_core, "6 3"),
                  (f"FMA limit, 2 cores: {one_core / 2:.2f} ms", one_core / 2, "2 3")]
    batches = sorted({b for points in series.values() for b in points})
    values = [v for points in series.values() for v in points.values()] + [l[1] for l in limits]
    x_lo, x_hi = batches[0] / 1.6, batches[-1] * 1.6
    y_lo, y_hi = min(values) / 1.4, max(values) * 1.4

    def px(b):
        return LEFT + (RIGHT - LEFT) * math.log(b / x_lo) / math.log(x_hi / x_lo)

    def py(ms):
        return BOTTOM - (BOTTOM - TOP) * math.log(ms / y_lo) / math.log(y_hi / y_lo)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           text(LEFT, 30, "One training epoch (8,000 samples) against the batch size", 17,
                weight="bold"),
           text(LEFT, 52, "ms per epoch, log-log; lower is faster; the keras-tanh step "
                "(tanh, RMSprop) in every trainer", 13, colour="#444")]
    # Grid and axes.
    for v in nice_ticks(y_lo, y_hi):
        y = py(v)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        out.append(text(LEFT - 8, y + 4, number(v), 12, "end"))
    for b in batches:
        x = px(b)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{BOTTOM}" stroke="#e3e3e3"/>')
        out.append(text(x, BOTTOM + 18, str(b), 12, "middle"))
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{RIGHT - LEFT}" height="{BOTTOM - TOP}" '
               f'fill="none" stroke="#555"/>')
    out.append(text((LEFT + RIGHT) / 2, BOTTOM + 42, "batch size (samples per step)", 13, "middle"))
    middle = (TOP + BOTTOM) / 2
    out.append(f'<text x="22" y="{middle:.1f}" font-size="13" text-anchor="middle" fill="#222" '
               f'transform="rotate(-90 22 {middle:.1f})">ms per epoch</text>')
    # The FMA limits, then the measured series.
    for label, ms, dash in limits:
        y = py(ms)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" stroke="#111" '
                   f'stroke-width="1.5" stroke-dasharray="{dash}"/>')
    legend = []
    for name, key, colour, dash, kind in SERIES:
        points = sorted(series.get(key, {}).items())
        if not points:
            continue
        coords = " ".join(f"{px(b):.1f},{py(ms):.1f}" for b, ms in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                   f'stroke-width="2.2"{dash_attr}/>')
        out.extend(marker(kind, px(b), py(ms), colour) for b, ms in points)
        legend.append((name, colour, dash, kind))
    # Legend, right of the plot.
    lx, ly = RIGHT + 18, TOP + 8
    for name, colour, dash, kind in legend:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 34}" y2="{ly}" stroke="{colour}" '
                   f'stroke-width="2.2"{dash_attr}/>')
        out.append(marker(kind, lx + 17, ly, colour))
        out.append(text(lx + 42, ly + 4, name, 12))
        ly += 24
    for label, ms, dash in limits:
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 34}" y2="{ly}" stroke="#111" '
                   f'stroke-width="1.5" stroke-dasharray="{dash}"/>')
        first, _, rest = label.partition(": ")
        out.append(text(lx + 42, ly + 4, first, 12))
        out.append(text(lx + 42, ly + 19, rest, 12, colour="#444"))
        ly += 38
    # Caption: what machine, what build, what command.
    cpu = context.get("cpu", "unknown CPU")
    isa = context.get("simd_mlp_isa", "?")
    date = context.get("date", "")[:10]
    peak_text = f"FMA peak {peak:.1f} GFLOP/s per core, measured in the run" if peak > 0 else \
        "no FMA peak in the run"
    load = context.get("load_avg") or []
    load_text = f"; load average {load[0]:.1f} at the start" if load else ""
    caption = [f"{cpu}, {context.get('num_cpus', '?')} CPUs; kernels: {isa}",
               f"{peak_text}; {date}{load_text}",
               f"{command}  (tools/plot_bench.py)"]
    if torch:
        caption.append("PyTorch: tools/reference/compare.py" +
                       (f" ({torch_note})" if torch_note else ""))
    for i, line in enumerate(caption):
        out.append(text(LEFT, BOTTOM + 66 + 16 * i, line, 11, colour="#444"))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_json", help="//bench's --benchmark_format=json output ('-': stdin)")
    parser.add_argument("-o", "--output", default="bench.svg", help="the SVG to write")
    parser.add_argument("--reference", help="tools/reference/compare.py's output: adds PyTorch")
    parser.add_argument("--command", default="bazel run //bench -- --benchmark_format=json "
                        "--benchmark_filter='^(fma_peak|epoch/)'",
                        help="the command that made bench_json, for the caption")
    args = parser.parse_args()
    context, series, flops = read_bench(args.bench_json)
    torch, torch_note = read_reference(args.reference) if args.reference else ({}, "")
    svg = plot(context, series, flops, torch, torch_note, args.command)
    try:
        with open(args.output, "w") as f:
            f.write(svg)
    except OSError as e:
        fail(f"{args.output}: {e}")
    print(f"plot_bench.py: wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
