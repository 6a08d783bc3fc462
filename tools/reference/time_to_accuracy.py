#!/usr/bin/python3
"""Time to accuracy in PyTorch, measured as bench/time_to_accuracy.cc measures ours.

Usage (after tools/setup_reference.sh; Debian's /usr/bin/python3):
  /usr/bin/python3 tools/reference/time_to_accuracy.py                  # PyTorch alone
  /usr/bin/python3 tools/reference/time_to_accuracy.py --with-ours      # and ours, interleaved
  /usr/bin/python3 tools/reference/time_to_accuracy.py --with-ours --seeds=5 --repeats=3

The wall time a whole training run takes until its test MSE first is <= the target (1e-3 by
default), one thread, for seeds 1..N of three variants of the Keras recipe (keras: ReLU and
RMSprop; keras-tanh: tanh and RMSprop; keras-adam: ReLU and Adam; lr 1e-3 each) and of the fast
recipe (tanh, init spread, Adam lr 6e-2 with a warm-up and a cosine decay per step through a
LambdaLR, batch 48), with torch_mlp.py's network, data and optimizers. Each variant runs at its
recipe's batch (32; fast 48) unless --batch is given. What is timed is what ours times: from the
start of the first epoch to the end of the test evaluation after the first epoch at or below the
target; the per-epoch reshuffles and test evaluations are inside, setup (imports, data, weights)
outside.
A run that does not reach the target within --max-epochs reports its whole time.

--with-ours builds //bench:time_to_accuracy (`bazel build`, as compare.py builds //mlp:train),
runs a private copy of it for each variant just before PyTorch's runs of that variant (so a change
in the machine's load hits both alike), and prints one table with both and the ratio of the median
wall times. The machine's load average is printed at the start and the end: on a shared machine
wall times grow with it, CPU times much less.

Weights, split and batch order come from torch's generators, not ours: the epochs a seed needs
differ between the two, which is why the table gives medians over seeds.
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
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import common  # noqa: E402

# name -> (recipe, optimizer override, description), as bench/time_to_accuracy.cc's kVariants.
VARIANTS = {
    "keras": ("keras", None, "ReLU, RMSprop lr 1e-3"),
    "keras-tanh": ("keras-tanh", None, "tanh, RMSprop lr 1e-3"),
    "keras-adam": ("keras", "adam", "ReLU, Adam lr 1e-3"),
    "fast": ("fast", None, "tanh, init spread, Adam lr 6e-2, warm-up + cosine decay"),
}
RUN_LINE = re.compile(r"^run (.*)$")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated, of %(default)s")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N (default 5)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per seed (default 1)")
    parser.add_argument("--target", type=float, default=1e-3, help="test MSE (default 1e-3)")
    parser.add_argument("--max-epochs", type=int, default=100, help="per run (default 100)")
    parser.add_argument("--batch", type=int,
                        help="minibatch size (default each recipe's: 32, fast 48)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--with-ours", action="store_true",
                        help="also run //bench:time_to_accuracy (built with bazel)")
    parser.add_argument("--ours", help="an existing //bench:time_to_accuracy binary (implies "
                                       "--with-ours, skips bazel build)")
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or not variants:
        parser.error(f"--variants: unknown {unknown} (expected some of {', '.join(VARIANTS)})")
    args.variants = variants
    for name in ("seeds", "repeats", "max_epochs", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.batch is not None and not 1 <= args.batch <= common.TRAIN_POINTS:
        parser.error(f"--batch must be in 1..{common.TRAIN_POINTS}")
    if not args.target > 0:
        parser.error("--target must be > 0")
    return args


def log(message):
    print(f"time_to_accuracy: {message}", file=sys.stderr, flush=True)


def run_torch(torch_mlp, data, variant, seed, target, max_epochs, batch):
    """One timed run; returns the fields bench/time_to_accuracy.cc prints for a run."""
    import torch
    import torch.nn.functional as F

    recipe, optimizer_name, _ = VARIANTS[variant]
    train_x, train_y, test_x, test_y = data
    model, optimizer = torch_mlp.make_model(recipe, seed, optimizer_name)  # setup: not timed
    scheduler = torch_mlp.make_scheduler(recipe, optimizer, batch)
    shuffle = common.RECIPES[recipe]["shuffle"]
    shuffle_gen = torch.Generator().manual_seed(seed * 16 + 3)  # as torch_mlp.py
    n = common.TRAIN_POINTS
    order = torch.arange(n)
    reached, epochs, train_ms, best = 0, 0, 0.0, float("inf")
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for epoch in range(1, max_epochs + 1):
        if shuffle:
            order = torch.randperm(n, generator=shuffle_gen)
        start = time.perf_counter()
        torch_mlp.train_epoch(model, optimizer, train_x, train_y, order, batch, epoch, scheduler)
        train_ms += (time.perf_counter() - start) * 1e3
        with torch.no_grad():
            test_mse = F.mse_loss(model(test_x), test_y).item()
        epochs, best = epoch, min(best, test_mse)
        if test_mse <= target:
            reached = epoch
            break
    wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    return dict(reached_epoch=reached, epochs=epochs, wall_s=wall, cpu_s=cpu,
                ms_per_epoch=train_ms / epochs, best_test_mse=best)


def build_ours(tmpdir):
    log("bazel build //bench:time_to_accuracy")
    proc = subprocess.run(["bazel", "build", "//bench:time_to_accuracy"], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.exit(f"time_to_accuracy: error: bazel build //bench:time_to_accuracy failed:\n"
                 f"{proc.stdout}")
    out = subprocess.run(["bazel", "info", "bazel-bin"], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, check=True).stdout.strip()
    binary = os.path.join(tmpdir, "time_to_accuracy")
    shutil.copy2(os.path.join(out, "bench", "time_to_accuracy"), binary)
    return binary


def run_ours(binary, variant, args):
    """Runs ours for one variant; returns its header lines, its run lines and its runs (dicts)."""
    cmd = [binary, f"--variants={variant}", f"--seeds={args.seeds}", f"--repeats={args.repeats}",
           f"--target={args.target!r}", f"--max-epochs={args.max_epochs}"]
    if args.batch is not None:
        cmd.append(f"--batch={args.batch}")
    log(" ".join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"time_to_accuracy: error: {' '.join(cmd)} exited with {proc.returncode}:\n"
                 f"{proc.stdout}{proc.stderr}")
    header, lines, runs = [], [], []
    for line in proc.stdout.splitlines():
        m = RUN_LINE.match(line)
        if m:
            fields = dict(kv.split("=", 1) for kv in m.group(1).split())
            runs.append({k: (v if k in ("impl", "variant") else float(v))
                         for k, v in fields.items()})
            lines.append(line)
        elif line.startswith("# ") and "load average" not in line:
            header.append(line)
    return header, lines, runs


def summarize(runs, seeds):
    """(seeds reaching, median epochs, median wall s, median cpu s, median ms/epoch, best, budget
    wall s) over seeds; a seed's time is the median of its repeats."""
    by_seed = {}
    for r in runs:
        by_seed.setdefault(int(r["seed"]), []).append(r)
    reached, epochs, wall, cpu, budget = 0, [], [], [], []
    for seed_runs in by_seed.values():
        w = statistics.median(r["wall_s"] for r in seed_runs)
        if seed_runs[0]["reached_epoch"] > 0:
            reached += 1
            epochs.append(seed_runs[0]["reached_epoch"])
            wall.append(w)
            cpu.append(statistics.median(r["cpu_s"] for r in seed_runs))
        else:
            budget.append(w)
    med = lambda v: statistics.median(v) if v else float("nan")  # noqa: E731
    return dict(reached=reached, seeds=seeds, epochs=med(epochs), wall=med(wall), cpu=med(cpu),
                ms=med([r["ms_per_epoch"] for r in runs]),
                best=min(r["best_test_mse"] for r in runs), budget=med(budget))


def table_row(variant, impl, s, max_epochs):
    what = VARIANTS[variant][2]
    if s["reached"] == 0:
        return (f"| {variant} | {what} | {impl} | 0 of {s['seeds']} | never in {max_epochs} "
                f"(best test MSE {s['best']:.2e}) | ({s['budget']:.2f} for all {max_epochs}) | - "
                f"| {s['ms']:.2f} |")
    return (f"| {variant} | {what} | {impl} | {s['reached']} of {s['seeds']} | {s['epochs']:g} | "
            f"{s['wall']:.3f} | {s['cpu']:.3f} | {s['ms']:.2f} |")


def main():
    args = parse_args()
    with_ours = args.with_ours or args.ours is not None
    common.limit_threads(args.threads)
    import torch  # noqa: E402  (after the thread limits)
    import torch_mlp  # noqa: E402

    torch.set_num_threads(args.threads)
    data = torch_mlp.make_data()
    print(f"# time to test MSE <= {args.target:g} on the cos task; torch {torch.__version__}, "
          f"{torch.get_num_threads()} thread(s); BLAS: {common.blas_library()}")
    batch = args.batch if args.batch is not None else "each recipe's"
    print(f"# {datetime.date.today().isoformat()}; load average {os.getloadavg()[0]:.2f} at the "
          f"start; batch {batch}, seeds 1-{args.seeds}, {args.repeats} run(s) each, at most "
          f"{args.max_epochs} epochs", flush=True)

    with tempfile.TemporaryDirectory(prefix="simd_mlp_tta.") as tmpdir:
        binary = (args.ours or build_ours(tmpdir)) if with_ours else None
        results = []  # (variant, impl, summary)
        for variant in args.variants:
            if binary:
                header, lines, ours = run_ours(binary, variant, args)
                print("\n".join((header if not results else []) + lines), flush=True)
                results.append((variant, "ours", summarize(ours, args.seeds)))
            runs = []
            for seed in range(1, args.seeds + 1):
                for repeat in range(1, args.repeats + 1):
                    batch = args.batch or common.default_batch(VARIANTS[variant][0])
                    r = run_torch(torch_mlp, data, variant, seed, args.target, args.max_epochs,
                                  batch)
                    r.update(seed=seed, repeat=repeat)
                    runs.append(r)
                    print(f"run impl=torch variant={variant} batch={batch} threads={args.threads} "
                          f"seed={seed} repeat={repeat} "
                          f"reached_epoch={r['reached_epoch']} epochs={r['epochs']} "
                          f"wall_s={r['wall_s']:.4f} cpu_s={r['cpu_s']:.4f} "
                          f"ms_per_epoch={r['ms_per_epoch']:.2f} "
                          f"best_test_mse={r['best_test_mse']:.3e}", flush=True)
            results.append((variant, "torch", summarize(runs, args.seeds)))

    print(f"# load average {os.getloadavg()[0]:.2f} at the end")
    print()
    print(f"| variant | what | impl | seeds reaching {args.target:g} | median epochs | "
          f"median wall s | median cpu s | median ms/epoch |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for variant, impl, s in results:
        print(table_row(variant, impl, s, args.max_epochs))
    if with_ours:
        print()
        for variant in args.variants:
            s = {impl: r for v, impl, r in results if v == variant}
            if s["ours"]["reached"] and s["torch"]["reached"]:
                print(f"# {variant}: median wall time to {args.target:g}: torch/ours = "
                      f"{s['torch']['wall'] / s['ours']['wall']:.1f}x "
                      f"(cpu {s['torch']['cpu'] / s['ours']['cpu']:.1f}x)")


if __name__ == "__main__":
    main()
