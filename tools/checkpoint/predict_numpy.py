#!/usr/bin/env python3
"""Loads a simd_mlp checkpoint with numpy alone and predicts, as //mlp:predict does.

    /usr/bin/python3 tools/checkpoint/predict_numpy.py model.npz --x 0.5 --x 2
    /usr/bin/python3 tools/checkpoint/predict_numpy.py model.npz --input x.csv --compare ours.csv

Prints CSV lines "x,prediction". With --compare (the output of //mlp:predict for the same x),
prints instead how far the two are apart, and exits 1 if any prediction differs by more than
--tolerance (relative to max(|prediction|, 1)): the network is evaluated in float32 here too, so
the two differ only by float32 rounding (summation order, and the kernels' tanh approximation).

Needs python3-numpy (tools/setup_reference.sh installs it); nothing in the build or tests does.
"""
import argparse
import csv
import sys

import numpy as np

ACTIVATIONS = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, np.float32(0)),
    "tanh": np.tanh,
}


def load(path):
    m = np.load(path)
    config = dict(line.split("=", 1) for line in m["config"].item().decode().splitlines())
    return m, config


def predict(m, config, x):
    """x: raw inputs (float64); returns predictions in the data's units (float64)."""
    hidden, output = ACTIVATIONS[config["hidden"]], ACTIVATIONS[config["output"]]
    x_center, x_scale = m["x_norm"]
    y_center, y_scale = m["y_norm"]
    a = ((x - x_center) / x_scale).astype(np.float32).reshape(-1, 1)
    for layer in "123":
        a = hidden(a @ m["W" + layer] + m["b" + layer])
    y = output(a @ m["W4"] + m["b4"])[:, 0]
    return y.astype(np.float64) * y_scale + y_center


def read_column(path, column):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r and r[0].strip()]
    try:
        float(rows[0][0])
    except ValueError:
        rows = rows[1:]  # a header
    return np.array([float(r[column]) for r in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--x", type=float, action="append", default=[])
    parser.add_argument("--input", help="CSV with x in the first column")
    parser.add_argument("--compare", help="//mlp:predict's CSV output for the same x")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()

    m, config = load(args.model)
    if args.compare:
        x, ours = read_column(args.compare, 0), read_column(args.compare, 1)
    elif args.input:
        x = read_column(args.input, 0)
    else:
        x = np.array(args.x)
    y = predict(m, config, x)

    if not args.compare:
        print("x,prediction")
        for xi, yi in zip(x, y):
            print("%r,%r" % (float(xi), float(yi)))
        return 0
    diff = np.abs(ours - y)
    scale = np.maximum(np.abs(y), 1.0)
    worst = int(np.argmax(diff / scale))
    ulps = diff / np.spacing(np.abs(y).astype(np.float32)).astype(np.float64) / float(m["y_norm"][1])
    print("%d predictions (hidden %s, output %s): max |ours - numpy| = %.3g, max relative %.3g "
          "(at x = %r: ours %r, numpy %r), median %.3g float32 ULPs of the prediction" %
          (len(x), config["hidden"], config["output"], diff.max(), (diff / scale).max(),
           float(x[worst]), float(ours[worst]), float(y[worst]), np.median(ulps)))
    return 0 if (diff / scale).max() <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
