"""What numpy_mlp.py and torch_mlp.py share: the flags, the recipes, the thread settings, the
report format. Standard library only: it runs before numpy or torch is imported (the BLAS and
OpenMP thread counts are read from the environment when those libraries load).

The recipes and the task are those of //mlp:train (mlp/training/config.cc, mlp/training/data.cc,
README "Training"); see README.md in this folder.
"""
import argparse
import math
import os
import statistics
import sys

# The cos task (mlp/training/data.h): 10,000 points of linspace(-10, 10), 80 % for training.
POINTS = 10000
TRAIN_POINTS = 8000
DATA_SEED = 0  # ours keeps the split apart from --seed, so every seed sees one split

# name -> hidden activation, output activation, init, optimizer, lr, shuffle
# (mlp/training/config.cc), and where the recipe has them, its batch (else 32), the first layer's
# scale of init "spread", and a learning-rate schedule (see learning_rate)
RECIPES = {
    "seed": dict(hidden="tanh", output="tanh", init="normal", optimizer="sgd", lr=0.01,
                 shuffle=False),
    "keras": dict(hidden="relu", output="identity", init="glorot", optimizer="rmsprop", lr=1e-3,
                  shuffle=True),
    "keras-tanh": dict(hidden="tanh", output="identity", init="glorot", optimizer="rmsprop",
                       lr=1e-3, shuffle=True),
    "fast": dict(hidden="tanh", output="identity", init="spread", spread_scale=30.0,
                 optimizer="adam", lr=6e-2, shuffle=True, batch=48,
                 schedule=dict(warmup_epochs=0.2, decay="cosine", decay_epochs=0.8,
                               lr_final=0.01)),
}
# The recipes numpy_mlp.py implements (SGD and RMSprop at a constant rate, inits normal and
# glorot); torch_mlp.py implements them all.
NUMPY_RECIPES = ("seed", "keras", "keras-tanh")
RHO = 0.9   # RMSprop's decay (Keras's default)
EPS = 1e-7  # RMSprop's epsilon (Keras's default), inside the square root as Keras has it


def learning_rate(recipe, step, steps_per_epoch):
    """The learning rate of update `step` (0 for the first) of a run, as LearningRate
    (mlp/training/schedule.h) gives it: over the first W = round(warmup_epochs x steps_per_epoch)
    updates lr (step + 1) / W, then along the decay from lr to lr x lr_final over decay_epochs,
    then lr x lr_final. A recipe without a schedule keeps lr."""
    lr, schedule = RECIPES[recipe]["lr"], RECIPES[recipe].get("schedule")
    if schedule is None:
        return lr
    # std::round: halves away from zero (Python's round() takes them to even)
    warmup = math.floor(schedule["warmup_epochs"] * steps_per_epoch + 0.5)
    if step < warmup:
        return lr * (step + 1) / warmup
    length = schedule["decay_epochs"] * steps_per_epoch
    done = min((step - warmup) / length, 1.0) if length > 0 else 1.0
    final = schedule["lr_final"]
    if schedule["decay"] == "cosine":
        return lr * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * done)))
    if schedule["decay"] == "exponential":
        return lr * final ** done
    return lr


def default_batch(recipe):
    return RECIPES[recipe].get("batch", 32)


def parse_args(prog, description, recipes=None):
    parser = argparse.ArgumentParser(
        prog=prog, description=description,
        epilog="Run with Debian's /usr/bin/python3 (python3-numpy and python3-torch are installed "
               "by tools/setup_reference.sh and are not visible to a pyenv or venv python3).")
    parser.add_argument("--recipe", default="keras", choices=sorted(recipes or RECIPES),
                        help="as //mlp:train's --recipe (default keras)")
    parser.add_argument("--batch", type=int,
                        help="minibatch size, 1..8000 (default the recipe's: 32, fast 48)")
    parser.add_argument("--epochs", type=int, default=100, help="epochs to train (default 100)")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the initial weights and the shuffles (default 1)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/OpenMP threads (default 1: one core, as //mlp:train)")
    args = parser.parse_args()
    if args.batch is None:
        args.batch = default_batch(args.recipe)
    if not 1 <= args.batch <= TRAIN_POINTS:
        parser.error(f"--batch must be in 1..{TRAIN_POINTS}")
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.seed < 0:
        parser.error("--seed must be >= 0")
    return args


def limit_threads(threads):
    """Call before importing numpy or torch: OpenBLAS and OpenMP read these when they load."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


def describe(args):
    r = RECIPES[args.recipe]
    opt = f"{r['optimizer']} lr {r['lr']:g}"
    if r["optimizer"] == "rmsprop":
        opt += f" rho {RHO:g} eps {EPS:g} (eps inside the sqrt)"
    if r["optimizer"] == "adam":
        opt += f" beta1 0.9 beta2 0.999 eps {EPS:g}"
    schedule = r.get("schedule")
    if schedule:
        opt += (f", warm-up {schedule['warmup_epochs']:g} epochs, {schedule['decay']} decay to "
                f"{schedule['lr_final']:g} lr over {schedule['decay_epochs']:g} epochs")
    init = r["init"] + (f" scale {r['spread_scale']:g}" if r["init"] == "spread" else "")
    return (f"recipe {args.recipe}: hidden {r['hidden']}, output {r['output']}, init {init}, "
            f"{opt}, batch {args.batch}, shuffle {'on' if r['shuffle'] else 'off'}, "
            f"epochs {args.epochs}, seed {args.seed}, data seed {DATA_SEED}, "
            f"threads {args.threads}, float32")


def blas_library():
    """The BLAS shared library this process has loaded, and OpenBLAS's kernel name if it is one."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    # libblas.so.3 is the one numpy and torch call; the others (liblapack, libopenblas) are the
    # same OpenBLAS when it is one.
    blas = sorted(paths, key=lambda p: (not os.path.basename(p).startswith("libblas"), p))
    if not blas:
        return "none loaded"
    real = os.path.realpath(blas[0])
    if "openblas" in real:
        try:
            import ctypes
            lib = ctypes.CDLL(real)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return (f"{real} ({lib.openblas_get_config().decode().strip()}; "
                    f"kernel {lib.openblas_get_corename().decode()})")
        except (OSError, AttributeError):
            pass
    return real + (" (netlib reference BLAS: unoptimized)" if "/blas/" in real else "")


class Report:
    """Prints what //mlp:train prints: a header, one line per epoch, a summary."""

    def __init__(self, impl):
        self.impl = impl
        self.epochs = []  # (epoch, train_mse, test_mse, ms)

    def header(self, lines):
        for line in lines:
            print(line)
        print(f"{'epoch':>6} {'train_mse':>12} {'test_mse':>12} {'ms':>9}", flush=True)

    def epoch(self, epoch, train_mse, test_mse, ms):
        self.epochs.append((epoch, train_mse, test_mse, ms))
        print(f"{epoch:6d} {train_mse:12.4e} {test_mse:12.4e} {ms:9.2f}", flush=True)

    def summary(self, batch):
        last = self.epochs[-1]
        best = min(self.epochs, key=lambda e: e[2])
        first = next((e[0] for e in self.epochs if e[2] <= 1e-3), None)
        ms = [e[3] for e in self.epochs]
        below = (f"first test MSE <= 1e-3 at epoch {first}" if first is not None
                 else "test MSE never <= 1e-3")
        print(f"summary: final test MSE {last[2]:.4e} (train {last[1]:.4e}) after {last[0]} epochs; "
              f"best {best[2]:.4e} at epoch {best[0]}; {below}; "
              f"mean {sum(ms) / len(ms):.2f} ms/epoch; "
              f"median {statistics.median(ms):.2f} ms/epoch ({self.impl}, batch {batch})",
              flush=True)


def diverged(epoch, step, loss):
    print(f"{sys.argv[0]}: error: training diverged: batch loss is {loss} at epoch {epoch}, "
          f"step {step}", file=sys.stderr)
    sys.exit(1)


def finite(value):
    return math.isfinite(value)
