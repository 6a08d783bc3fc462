#!/usr/bin/python3
"""Times one epoch of training in //mlp:train, numpy and PyTorch at the same batch sizes.

Usage (after tools/setup_reference.sh; run from anywhere in the repository):
  /usr/bin/python3 tools/reference/compare.py                # B = 1, 8, 32, 128, 512, 8000
  /usr/bin/python3 tools/reference/compare.py --batches=32,128 --recipe=keras
  /usr/bin/python3 tools/reference/compare.py --train=/path/to/train   # skip `bazel build`

Builds //mlp:train (`bazel build //mlp:train`, the same optimized build `bazel run` makes) and
runs a private copy of the binary, so a rebuild by someone else mid-run changes nothing; then,
for each batch size in turn, runs ours, tools/reference/numpy_mlp.py and torch_mlp.py (with
Debian's /usr/bin/python3, which sees python3-numpy and python3-torch; pyenv's python3 does not),
each on one thread. It prints one table: the median over the timed epochs of each run's `ms`
(the training steps of one epoch, 8,000 samples: forward, backward, update; not the test
evaluation), and the ratios numpy/ours and torch/ours (how many times faster ours is).

Epochs per run are few, to keep the whole script within a few minutes on a 2-core machine:
5 for B >= 32, 3 for B = 8, and at B = 1 3 for ours but 2 for numpy and PyTorch (their B = 1
epoch is 8,000 Python-level steps: seconds each). Medians of so few epochs move with the machine's
load: compare the ratios, and rerun on a quiet machine for figures to quote.

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, where set (some machines set them for old OpenBLAS
builds), are unset for the numpy and PyTorch runs only: they make a current OpenBLAS pick a slower
kernel. The reference scripts print the OpenBLAS kernel they run.
"""
import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
DEFAULT_BATCHES = (1, 8, 32, 128, 512, 8000)
EPOCH_LINE = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+([0-9.]+)\s*$")  # epoch train test ms


def epochs_for(batch):
    """(ours, numpy, torch) epochs at this batch size."""
    if batch == 1:
        return 3, 2, 2
    if batch <= 8:
        return 3, 3, 3
    return 5, 5, 5


def log(message):
    print(f"compare: {message}", file=sys.stderr, flush=True)


def run(cmd, env=None):
    """Runs cmd; returns (header lines, per-epoch ms list, final test MSE)."""
    log(" ".join(cmd))
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"compare: error: {' '.join(cmd)} exited with {proc.returncode}:\n"
                 f"{proc.stdout}{proc.stderr}")
    header, ms, test_mse = [], [], None
    for line in proc.stdout.splitlines():
        m = EPOCH_LINE.match(line)
        if m:
            ms.append(float(m.group(4)))
            test_mse = float(m.group(3))
        elif not line.startswith((" epoch", "summary")):
            header.append(line)
    if not ms:
        sys.exit(f"compare: error: no epoch lines in the output of {' '.join(cmd)}:\n{proc.stdout}")
    return header, ms, test_mse


def build_ours(tmpdir):
    log("bazel build //mlp:train")
    proc = subprocess.run(["bazel", "build", "//mlp:train"], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.exit(f"compare: error: bazel build //mlp:train failed:\n{proc.stdout}")
    out = subprocess.run(["bazel", "info", "bazel-bin"], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, check=True).stdout.strip()
    binary = os.path.join(tmpdir, "train")
    shutil.copy2(os.path.join(out, "mlp", "train"), binary)
    return binary


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def fmt_ratio(a, b):
    return f"{a / b:.1f}x" if b > 0 else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", default=",".join(map(str, DEFAULT_BATCHES)),
                        help="comma-separated batch sizes (default %(default)s)")
    parser.add_argument("--recipe", default="keras-tanh",
                        help="recipe for all three (default keras-tanh: tanh hidden layers, "
                             "RMSprop; the step //bench times)")
    parser.add_argument("--train", help="an existing //mlp:train binary (skips bazel build)")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",") if b]
    if not os.access(PYTHON, os.X_OK):
        sys.exit(f"compare: error: {PYTHON} not found (run tools/setup_reference.sh)")

    ref_env = dict(os.environ)
    unset = [v for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if ref_env.pop(v, None)]
    with tempfile.TemporaryDirectory(prefix="simd_mlp_compare.") as tmpdir:
        train = args.train or build_ours(tmpdir)
        rows, headers = [], {}
        load = os.getloadavg()[0]
        for batch in batches:
            e_ours, e_np, e_torch = epochs_for(batch)
            common = [f"--recipe={args.recipe}", f"--batch={batch}"]
            h, ours, _ = run([train, *common, f"--epochs={e_ours}", "--threads=1"])
            headers.setdefault("ours", h[0] if h else "")
            h, np_ms, _ = run([PYTHON, os.path.join(HERE, "numpy_mlp.py"), *common,
                               f"--epochs={e_np}", "--threads=1"], env=ref_env)
            headers.setdefault("numpy", h[0] if h else "")
            h, torch_ms, _ = run([PYTHON, os.path.join(HERE, "torch_mlp.py"), *common,
                                  f"--epochs={e_torch}", "--threads=1"], env=ref_env)
            headers.setdefault("torch", h[0] if h else "")
            rows.append((batch, (e_ours, e_np, e_torch), statistics.median(ours),
                         statistics.median(np_ms), statistics.median(torch_ms)))
        load_end = os.getloadavg()[0]

    print(f"# ms per epoch (8,000 samples: forward + backward + update), one thread each, "
          f"recipe {args.recipe}")
    print(f"# {cpu_name()}, {os.cpu_count()} cores; {datetime.date.today().isoformat()}; "
          f"load average {load:.1f} at the start, {load_end:.1f} at the end")
    print(f"# ours:  {train if args.train else 'bazel build //mlp:train'}; {headers['ours']}")
    print(f"# numpy: {headers['numpy']}")
    print(f"# torch: {headers['torch']}")
    if unset:
        print(f"# unset for numpy and torch: {', '.join(unset)}")
    print("# median over the timed epochs; epochs = ours/numpy/torch; ratio = theirs / ours")
    print()
    print("| batch | epochs | ours ms/epoch | numpy ms/epoch | torch ms/epoch | numpy/ours | torch/ours |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for batch, epochs, ours, np_ms, torch_ms in rows:
        print(f"| {batch} | {'/'.join(map(str, epochs))} | {ours:.2f} | {np_ms:.1f} | "
              f"{torch_ms:.1f} | {fmt_ratio(np_ms, ours)} | {fmt_ratio(torch_ms, ours)} |")


if __name__ == "__main__":
    main()
