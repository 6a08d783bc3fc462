#!/usr/bin/env python3
"""Search for the recipe that reaches test MSE <= 1e-3 on cos in the least wall time.

Usage:
  python3 tools/search_fast_recipe.py                  # the grid below: docs/fast_recipe.md's table
  python3 tools/search_fast_recipe.py --only=b48,b64   # candidates whose name contains b48 or b64
  python3 tools/search_fast_recipe.py --no-grid \
      --candidate='mine: --activation=tanh --init=spread --optimizer=adam --lr=3e-3 --batch=256'
  python3 tools/search_fast_recipe.py --train=bazel-bin/mlp/train --timing-rounds=5

Each candidate is a set of //mlp:train flags on top of --recipe=keras (the cos task), or on the
recipe its flags name. Two phases:

1. Epochs. Every candidate runs seeds 1..--seeds (default 10) with --target-mse=1e-3, up to
   --max-epochs (default 60), on one thread each, --jobs processes at a time (default: the
   cores). Runs are bit-identical for any thread count (tests/mlp/threads_test.cc), so the epoch
   a seed reaches the target depends neither on how it was run nor on the machine's load: this
   phase may run while the machine is busy. A candidate qualifies if every seed reaches the
   target.
2. Time. Each qualifying candidate, on the threads its flags give (auto: both cores from a batch
   of 128), runs seeds 1..--timed-seeds (default 5) one at a time, --timing-rounds times (default
   3), the candidates in turns within a round so that a change in the machine's load hits them
   alike; a seed's time is the median of its rounds, a candidate's the median over its seeds.
   The wall time is //mlp:train's --target-mse report: from the first epoch's start to the end of
   the test evaluation of the epoch that reached the target, the rule of
   //bench:time_to_accuracy (setup and process start outside). This phase wants a quiet machine.

The table (Markdown) gives, per candidate, the epoch each seed reached the target ("-": not within
--max-epochs; "x": the loss diverged), the worst seed, the largest test MSE of the seeds at the
epoch they reached the target (how close to the line the recipe passes), the median epochs over
the timed seeds, the median ms per epoch of the training steps, the median wall time, and that
time over the keras-adam baseline's from the same rounds.

Standard library only; runs from anywhere inside the repository.
"""
import argparse
import concurrent.futures
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The baseline the target is stated against: keras-adam, one thread (as //bench:time_to_accuracy
# runs it).
BASELINE = ("keras-adam", "--optimizer=adam --threads=1")

# The grid, in the order it was searched (docs/fast_recipe.md gives the reasons). Every candidate
# keeps the network (1-100-100-100-1, linear output) and the task; flags not named keep the keras
# recipe's values (ReLU hidden layers, Glorot-uniform init, RMSprop lr 1e-3, batch 32, reshuffled
# every epoch, one thread below a batch of 128 and both cores from it).
SPREAD = "--activation=tanh --init=spread --optimizer=adam"  # --spread-scale: 30 unless named
ONE_CYCLE = "--decay=cosine --lr-final=0.01"  # + --warmup-epochs=W --decay-epochs=1-W: epoch 1
GRID = [
    BASELINE,
    ("keras", ""),
    # 1. The optimizer's rate, at the keras init.
    ("adam-lr3e-3", "--optimizer=adam --lr=3e-3"),
    ("adam-lr1e-2", "--optimizer=adam --lr=1e-2"),
    # 2. The first layer: tanh units spread over the input, at several scales.
    ("tanh-glorot-lr3e-3", "--activation=tanh --optimizer=adam --lr=3e-3"),
    ("tanh-normal-lr1e-3", "--activation=tanh --init=normal --optimizer=adam"),
    ("relu-spread30-lr3e-3", "--init=spread --optimizer=adam --lr=3e-3"),
    ("spread10-lr3e-3", f"{SPREAD} --spread-scale=10 --lr=3e-3"),
    ("spread20-lr3e-3", f"{SPREAD} --spread-scale=20 --lr=3e-3"),
    ("spread30-lr3e-3", f"{SPREAD} --lr=3e-3"),
    ("spread40-lr3e-3", f"{SPREAD} --spread-scale=40 --lr=3e-3"),
    # 3. Rate against batch at a constant rate (B >= 128 runs on both cores).
    ("spread30-lr1e-2-b32", f"{SPREAD} --lr=1e-2"),
    ("spread30-lr2e-2-b32", f"{SPREAD} --lr=2e-2"),
    ("spread30-lr4e-2-b32", f"{SPREAD} --lr=4e-2"),
    ("spread30-lr2e-2-b64", f"{SPREAD} --lr=2e-2 --batch=64"),
    ("spread30-lr2e-2-b128", f"{SPREAD} --lr=2e-2 --batch=128"),
    ("spread30-lr1e-2-b256", f"{SPREAD} --lr=1e-2 --batch=256"),
    ("spread30-lr1e-2-b512", f"{SPREAD} --lr=1e-2 --batch=512"),
    # 4. A schedule that ends in epoch 1: warm-up over W epochs, cosine to 1 % by the epoch's end.
    ("b32-lr2e-2-nowarmup", f"{SPREAD} --lr=2e-2 {ONE_CYCLE} --decay-epochs=1"),
    ("b32-lr4e-2-nowarmup", f"{SPREAD} --lr=4e-2 {ONE_CYCLE} --decay-epochs=1"),
    ("b32-lr4e-2-w0.1", f"{SPREAD} --lr=4e-2 {ONE_CYCLE} --warmup-epochs=0.1 --decay-epochs=0.9"),
    ("b32-lr4e-2-w0.1-exp", f"{SPREAD} --lr=4e-2 --decay=exponential --lr-final=0.01 "
                            "--warmup-epochs=0.1 --decay-epochs=0.9"),
    ("b48-lr4e-2-w0.1",
     f"{SPREAD} --lr=4e-2 --batch=48 {ONE_CYCLE} --warmup-epochs=0.1 --decay-epochs=0.9"),
    ("b48-lr6e-2-w0.2",
     f"{SPREAD} --lr=6e-2 --batch=48 {ONE_CYCLE} --warmup-epochs=0.2 --decay-epochs=0.8"),
    ("b64-lr4e-2-w0.1",
     f"{SPREAD} --lr=4e-2 --batch=64 {ONE_CYCLE} --warmup-epochs=0.1 --decay-epochs=0.9"),
    ("b64-lr8e-2-w0.2",
     f"{SPREAD} --lr=8e-2 --batch=64 {ONE_CYCLE} --warmup-epochs=0.2 --decay-epochs=0.8"),
    ("b64-lr8e-2-w0.2-2threads", f"{SPREAD} --lr=8e-2 --batch=64 {ONE_CYCLE} "
                                 "--warmup-epochs=0.2 --decay-epochs=0.8 --threads=2"),
    ("b80-lr8e-2-w0.3",
     f"{SPREAD} --lr=8e-2 --batch=80 {ONE_CYCLE} --warmup-epochs=0.3 --decay-epochs=0.7"),
    ("b128-lr1e-1-w0.3",
     f"{SPREAD} --lr=1e-1 --batch=128 {ONE_CYCLE} --warmup-epochs=0.3 --decay-epochs=0.7"),
    # 5. Two epochs on both cores: the schedule stretched over them.
    ("b128-lr5e-2-w0.2-2ep", f"{SPREAD} --lr=5e-2 --batch=128 --decay=cosine --lr-final=0.1 "
                             "--warmup-epochs=0.2 --decay-epochs=2.5"),
    ("b256-lr5e-2-w0.5-2ep", f"{SPREAD} --lr=5e-2 --batch=256 --decay=cosine --lr-final=0.1 "
                             "--warmup-epochs=0.5 --decay-epochs=4.5"),
    # 6. Other optimizers with b48-lr6e-2-w0.2's init and schedule.
    ("b48-rmsprop-lr1e-2", "--activation=tanh --init=spread --optimizer=rmsprop --lr=1e-2 "
                           f"--batch=48 {ONE_CYCLE} --warmup-epochs=0.2 --decay-epochs=0.8"),
    ("b48-momentum-lr3e-2", "--activation=tanh --init=spread --optimizer=momentum --lr=3e-2 "
                            f"--batch=48 {ONE_CYCLE} --warmup-epochs=0.2 --decay-epochs=0.8"),
    ("b48-sgd-lr1e-1", "--activation=tanh --init=spread --optimizer=sgd --lr=1e-1 "
                       f"--batch=48 {ONE_CYCLE} --warmup-epochs=0.2 --decay-epochs=0.8"),
    # 7. Around b48-lr6e-2-w0.2: each setting moved on its own.
    ("b48-spread20", f"{SPREAD} --spread-scale=20 --lr=6e-2 --batch=48 {ONE_CYCLE} "
                     "--warmup-epochs=0.2 --decay-epochs=0.8"),
    ("b48-spread40", f"{SPREAD} --spread-scale=40 --lr=6e-2 --batch=48 {ONE_CYCLE} "
                     "--warmup-epochs=0.2 --decay-epochs=0.8"),
    ("b48-lr8e-2", f"{SPREAD} --lr=8e-2 --batch=48 {ONE_CYCLE} --warmup-epochs=0.2 "
                   "--decay-epochs=0.8"),
    ("b48-w0.3", f"{SPREAD} --lr=6e-2 --batch=48 {ONE_CYCLE} --warmup-epochs=0.3 "
                 "--decay-epochs=0.7"),
    ("b48-final0.1", f"{SPREAD} --lr=6e-2 --batch=48 --decay=cosine --lr-final=0.1 "
                     "--warmup-epochs=0.2 --decay-epochs=0.8"),
]



def neighbourhood():
    """The one-epoch schedule at B = 48 and 64 with each of spread scale 20/30/40, lr 4e-2 to 1e-1
    and warm-up 0.1/0.2/0.3 epoch (the decay over the rest of the epoch): how wide the region is
    where every seed takes one epoch."""
    grid = []
    for batch in (48, 64):
        for scale in (20, 30, 40):
            for lr in ("4e-2", "6e-2", "8e-2", "1e-1"):
                for warmup in (0.1, 0.2, 0.3):
                    grid.append((f"b{batch}-spread{scale}-lr{lr}-w{warmup}",
                                 f"{SPREAD} --spread-scale={scale} --lr={lr} --batch={batch} "
                                 f"{ONE_CYCLE} --warmup-epochs={warmup} "
                                 f"--decay-epochs={1 - warmup:.1f}"))
    return grid


SUMMARY_LINE = re.compile(r"^summary: final test MSE (\S+) .*; ([\d.]+) ms/epoch")
TARGET_LINE = re.compile(r"^target: test MSE <= \S+ reached at epoch (\d+), after [\d,]+ samples "
                         r"and ([\d.]+) s of wall time \(([\d.]+) s of it in training steps\)")
MISSED_LINE = re.compile(r"^target: test MSE <= \S+ not reached in (\d+) epochs \(best (\S+)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", help="an existing //mlp:train binary (default: bazel build it)")
    parser.add_argument("--only", default="", help="run only candidates whose name contains this "
                                                    "(comma-separated alternatives)")
    parser.add_argument("--candidate", action="append", default=[],
                        help="'name: flags', added to the grid (repeatable)")
    parser.add_argument("--no-grid", action="store_true", help="only the --candidate ones "
                                                               "(and the baseline)")
    parser.add_argument("--neighbourhood", action="store_true",
                        help="instead of the grid, the 72 one-epoch schedules around the choice "
                             "(B 48 and 64; scale, lr and warm-up varied)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N for the epochs "
                                                              "(default 10)")
    parser.add_argument("--timed-seeds", type=int, default=5, help="seeds 1..N timed (default 5)")
    parser.add_argument("--timing-rounds", type=int, default=3,
                        help="timed runs per seed (default 3; 0 skips the time phase)")
    parser.add_argument("--max-epochs", type=int, default=60, help="per run (default 60)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes at a time in the epochs phase (default: the cores)")
    args = parser.parse_args()
    candidates = [] if args.no_grid else neighbourhood() if args.neighbourhood else list(GRID)
    for spec in args.candidate:
        name, sep, flags = spec.partition(":")
        if not sep or not name.strip():
            parser.error(f"--candidate '{spec}': expected 'name: flags'")
        candidates.append((name.strip(), flags.strip()))
    if args.only:
        keys = args.only.split(",")
        candidates = [c for c in candidates if any(k in c[0] for k in keys)]
    if not any(name == BASELINE[0] for name, _ in candidates):
        candidates.insert(0, BASELINE)
    args.candidates = candidates
    return args


def log(message):
    print(f"search_fast_recipe: {message}", file=sys.stderr, flush=True)


def build_train(tmpdir):
    log("bazel build //mlp:train")
    subprocess.run(["bazel", "build", "//mlp:train"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    bin_dir = subprocess.run(["bazel", "info", "bazel-bin"], cwd=ROOT, check=True, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
    binary = os.path.join(tmpdir, "train")  # a private copy: a rebuild cannot change it mid-run
    shutil.copy2(os.path.join(bin_dir, "mlp", "train"), binary)
    return binary


def run(binary, flags, seed, max_epochs, extra=()):
    """One run to the target: (epoch reached or None, wall s, ms per epoch of the training steps,
    last test MSE)."""
    recipe = [] if "--recipe=" in flags else ["--recipe=keras"]
    cmd = [binary, *recipe, *flags.split(), f"--seed={seed}",
           f"--epochs={max_epochs}", "--target-mse=1e-3", "--quiet", *extra]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mse = ms = None
    for line in proc.stdout.splitlines():
        m = SUMMARY_LINE.match(line)
        if m:
            mse, ms = float(m.group(1)), float(m.group(2))
        m = TARGET_LINE.match(line)
        if m:
            return int(m.group(1)), float(m.group(2)), ms, mse
        m = MISSED_LINE.match(line)
        if m:
            return None, None, None, mse
    if "training diverged" in proc.stderr:
        return None, None, None, float("nan")
    sys.exit(f"search_fast_recipe: error: {' '.join(cmd)} exited with {proc.returncode}:\n"
             f"{proc.stdout}{proc.stderr}")


def epochs_phase(binary, args):
    """({name: [epoch reached or None, per seed]}, {name: [test MSE at the last epoch, per
    seed]}): one thread per run, --jobs runs at a time."""
    results = {name: [None] * args.seeds for name, _ in args.candidates}
    mses = {name: [None] * args.seeds for name, _ in args.candidates}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {}
        for name, flags in args.candidates:
            for seed in range(1, args.seeds + 1):
                f = pool.submit(run, binary, flags, seed, args.max_epochs, ("--threads=1",))
                futures[f] = (name, seed)
        for f in concurrent.futures.as_completed(futures):
            name, seed = futures[f]
            epoch, _, _, mse = f.result()
            results[name][seed - 1] = epoch
            mses[name][seed - 1] = mse
    for name, _ in args.candidates:
        log(f"epochs {name}: {results[name]}")
    return results, mses


def time_phase(binary, args, names):
    """{name: (median wall s, median ms/epoch)} over seeds 1..timed_seeds, candidates in turns."""
    flags_of = dict(args.candidates)
    walls = {n: {s: [] for s in range(1, args.timed_seeds + 1)} for n in names}
    ms = {n: [] for n in names}
    for round_ in range(1, args.timing_rounds + 1):
        for seed in range(1, args.timed_seeds + 1):
            for name in names:
                _, wall, per_epoch, _ = run(binary, flags_of[name], seed, args.max_epochs)
                walls[name][seed].append(wall)
                ms[name].append(per_epoch)
        log(f"timing round {round_} of {args.timing_rounds} done; load average "
            f"{os.getloadavg()[0]:.2f}")
    return {n: (statistics.median(statistics.median(w) for w in walls[n].values()),
                statistics.median(ms[n])) for n in names}


def main():
    args = parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="simd_mlp_search.") as tmpdir:
        binary = args.train or build_train(tmpdir)
        epochs, mses = epochs_phase(binary, args)
        qualified = [n for n, _ in args.candidates if all(e is not None for e in epochs[n])]
        times = time_phase(binary, args, qualified) if args.timing_rounds > 0 else {}
    base = times.get(BASELINE[0], (None,))[0]
    print(f"# test MSE <= 1e-3 on cos; epochs: seeds 1-{args.seeds}, at most {args.max_epochs}; "
          f"time: seeds 1-{args.timed_seeds}, {args.timing_rounds} round(s) in turns; load "
          f"average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    print(f"| candidate | flags (on --recipe=keras) | epochs to 1e-3, seeds 1-{args.seeds} | "
          f"worst | largest MSE at the target | median epochs (1-{args.timed_seeds}) | ms/epoch | "
          f"median wall s | "
          f"of {BASELINE[0]} |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for name, flags in args.candidates:
        e = epochs[name]
        listed = " ".join(str(x) if x is not None else "x" if m is not None and math.isnan(m)
                          else "-" for x, m in zip(e, mses[name]))
        reached = [x for x in e if x is not None]
        worst = max(reached) if len(reached) == len(e) else f"{len(e) - len(reached)} missed"
        at_target = [m for x, m in zip(e, mses[name]) if x is not None and m is not None]
        largest = f"{max(at_target):.2e}" if at_target else "-"
        timed = e[:args.timed_seeds]
        median_epochs = "-" if None in timed else f"{statistics.median(timed):g}"
        if name in times:
            wall, per_epoch = times[name]
            ratio = f"{wall / base:.2f}" if base else "-"
            cells = f"{per_epoch:.2f} | {wall:.3f} | {ratio}"
        else:
            cells = "- | - | -"
        print(f"| {name} | `{flags}` | {listed} | {worst} | {largest} | {median_epochs} | "
              f"{cells} |")


if __name__ == "__main__":
    main()
