// bazel run //bench:time_to_accuracy -- [--variants=keras,keras-tanh,keras-adam,fast]
//     [--seeds=5] [--repeats=1] [--target=1e-3] [--max-epochs=100] [--batch=B]
//
// Time to accuracy on the cos task: the wall time a whole training run takes until its test MSE
// first is ≤ the target (1e-3 by default), for three variants of the Keras recipe, on one core:
//   keras        ReLU hidden layers, RMSprop lr 1e-3 ρ 0.9 ε 1e-7 (the recipe as it is)
//   keras-tanh   the same with tanh hidden layers
//   keras-adam   keras with Adam lr 1e-3 β1 0.9 β2 0.999 ε 1e-7
// and for the `fast` recipe as it is (docs/fast_recipe.md), on the threads it picks itself (its
// batch of 48 runs on one), for seeds 1…N, each run `repeats` times (the epoch count is the same
// every time: runs are deterministic, and that is checked). tools/reference/time_to_accuracy.py
// measures PyTorch's equivalent in the same way and prints the same lines.
//
// What is timed, the same for ours and for PyTorch: from the start of the first epoch to the end
// of the test-set evaluation after the first epoch whose test MSE is ≤ the target. The per-epoch
// reshuffles and test evaluations are inside (a run has to evaluate to know it is done); setup
// (data, weights, kernel dispatch) and printing are outside. The decision is EarlyStopping's,
// the rule of `//mlp:train --target-mse`.
//
// Not part of `bazel run //bench`: one call takes a few seconds to minutes, not a
// microbenchmark's milliseconds, and Google Benchmark's repetition model does not fit a run that
// ends on a condition.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/median.h"
#include "kernels/kernels.h"
#include "mlp/text/number.h"
#include "mlp/training/data.h"
#include "mlp/training/early_stopping.h"
#include "mlp/training/trainer.h"

namespace simd_mlp::bench {
namespace {

struct Variant {
  const char* name;
  const char* recipe;
  bool adam;
  bool one_core;  // threads = 1; otherwise the recipe's (automatic) count
  const char* what;
};

constexpr Variant kVariants[] = {
    {"keras", "keras", false, true, "ReLU, RMSprop lr 1e-3"},
    {"keras-tanh", "keras-tanh", false, true, "tanh, RMSprop lr 1e-3"},
    {"keras-adam", "keras", true, true, "ReLU, Adam lr 1e-3"},
    {"fast", "fast", false, false, "tanh, init spread, Adam lr 6e-2, warm-up + cosine decay"},
};

struct Options {
  std::vector<const Variant*> variants;
  int seeds = 5;
  int repeats = 1;
  double target = 1e-3;
  int max_epochs = 100;
  std::size_t batch = 0;  // 0: each recipe's own (32 for the keras variants, 48 for fast)
};

struct RunResult {
  int reached_epoch = 0;  // 0: not within max_epochs
  int epochs = 0;         // epochs run
  double wall_s = 0, cpu_s = 0;
  double train_ms = 0;  // the training steps alone (EpochStats::ms), summed
  double best_test_mse = INFINITY;
};

double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

[[noreturn]] void Fail(const std::string& message, int status) {
  std::fprintf(stderr, "time_to_accuracy: error: %s\n", message.c_str());
  std::exit(status);
}

bool ParsePositiveInt(const std::string& s, int limit, int* out) {
  std::uint64_t v;
  if (!mlp::ParseUnsigned(s, &v) || v < 1 || v > std::uint64_t(limit)) return false;
  *out = int(v);
  return true;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  std::string variants = "keras,keras-tanh,keras-adam,fast";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::size_t eq = arg.find('=');
    if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: bazel run //bench:time_to_accuracy -- [--variants=LIST] [--seeds=N] "
          "[--repeats=R]\n"
          "       [--target=MSE] [--max-epochs=E] [--batch=B]\n"
          "Wall time until test MSE <= target (default 1e-3) on the cos task, for seeds 1..N\n"
          "(default 5), each run R times (default 1); variants: keras, keras-tanh, keras-adam\n"
          "(one core each) and fast (the threads its recipe picks) (default all); at most E\n"
          "epochs per run (default 100); batch default each recipe's own.\n");
      std::exit(0);
    }
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      Fail("bad argument '" + arg + "': expected --name=value (see --help)", 2);
    }
    const std::string name = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    bool ok = true;
    if (name == "variants") {
      variants = value;
    } else if (name == "seeds") {
      ok = ParsePositiveInt(value, 1000, &o.seeds);
    } else if (name == "repeats") {
      ok = ParsePositiveInt(value, 100, &o.repeats);
    } else if (name == "max-epochs") {
      ok = ParsePositiveInt(value, 1000000, &o.max_epochs);
    } else if (name == "batch") {
      int b = 0;
      ok = ParsePositiveInt(value, int(mlp::kCosTrainPoints), &b);
      o.batch = std::size_t(b);
    } else if (name == "target") {
      ok = mlp::ParseNumber(value, &o.target) == mlp::NumberStatus::kOk && o.target > 0;
    } else {
      Fail("unknown flag --" + name + " (see --help)", 2);
    }
    if (!ok) Fail("--" + name + ": invalid value '" + value + "'", 2);
  }
  std::stringstream list(variants);
  for (std::string name; std::getline(list, name, ',');) {
    const Variant* found = nullptr;
    for (const Variant& v : kVariants) {
      if (name == v.name) found = &v;
    }
    if (found == nullptr) {
      Fail("--variants: unknown variant '" + name +
               "' (expected keras, keras-tanh, keras-adam, fast)",
           2);
    }
    o.variants.push_back(found);
  }
  if (o.variants.empty()) Fail("--variants: empty list", 2);
  return o;
}

mlp::TrainConfig ConfigFor(const Variant& v, std::uint64_t seed, std::size_t batch) {
  mlp::TrainConfig c;
  mlp::RecipeConfig(v.recipe, &c);
  if (v.adam) c.optimizer = mlp::Optimizer::kAdam;  // lr 1e-3, β 0.9/0.999, ε 1e-7: defaults
  c.seed = seed;
  if (batch > 0) c.batch = batch;
  // One core, as PyTorch gets: the automatic count takes both from B = 128. `fast` keeps the
  // recipe's choice, which is part of what it is.
  if (v.one_core) c.threads = 1;
  return c;
}

RunResult TimeToTarget(const mlp::TrainConfig& config, const mlp::Dataset<float>& data,
                       double target, int max_epochs) {
  mlp::Trainer trainer(config, kernels::Kernels<float>(), data);  // setup: not timed
  mlp::EarlyStopping stopping({target, 0});
  RunResult r;
  mlp::EpochStats stats;
  std::string error;
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = ProcessCpuSeconds();
  for (int epoch = 1; epoch <= max_epochs; ++epoch) {
    if (!trainer.RunEpoch(&stats, &error)) Fail(error, 1);  // RunEpoch evaluates the test set
    r.epochs = epoch;
    r.train_ms += stats.ms;
    r.best_test_mse = std::min(r.best_test_mse, stats.test_mse);
    if (stopping.Observe(epoch, stats.test_mse, trainer.model().params()) ==
        mlp::StopReason::kTarget) {
      r.reached_epoch = epoch;
      break;
    }
  }
  r.cpu_s = ProcessCpuSeconds() - cpu_start;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

double LoadAverage() {
  double load[1] = {NAN};
  getloadavg(load, 1);
  return load[0];
}

int Main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  const auto& k = kernels::Kernels<float>();
  const mlp::Dataset<float> data = mlp::MakeCosDataset<float>(0);
  char date[16];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  std::printf("# time to test MSE <= %g on the cos task; ours (mlp::Trainer, isa %s)\n", o.target,
              kernels::IsaName(k.isa));
  std::printf("# %s, %ld cores; %s\n# load average %.2f at the start\n", CpuModel().c_str(),
              sysconf(_SC_NPROCESSORS_ONLN), date, LoadAverage());
  std::printf(
      "# timed: first epoch's start to the end of the test evaluation of the first epoch at or "
      "below the target (reshuffles and evaluations inside, setup outside); seeds 1-%d, %d "
      "run(s) each, at most %d epochs\n",
      o.seeds, o.repeats, o.max_epochs);
  std::fflush(stdout);

  struct Row {
    const Variant* variant;
    std::size_t batch;
    int threads;
    std::vector<double> reached_epochs, wall_s, cpu_s, ms_per_epoch;
    std::vector<double> budget_wall_s;  // runs that did not reach the target: their whole time
    double best = INFINITY;
  };
  std::vector<Row> rows;
  for (const Variant* v : o.variants) {
    const mlp::TrainConfig base = ConfigFor(*v, 1, o.batch);
    Row row{v, base.batch, mlp::ThreadsFor(base), {}, {}, {}, {}, {}, INFINITY};
    for (int seed = 1; seed <= o.seeds; ++seed) {
      const mlp::TrainConfig config = ConfigFor(*v, std::uint64_t(seed), o.batch);
      std::vector<double> wall, cpu;
      RunResult first;
      for (int repeat = 1; repeat <= o.repeats; ++repeat) {
        const RunResult r = TimeToTarget(config, data, o.target, o.max_epochs);
        if (repeat == 1) first = r;
        if (r.epochs != first.epochs) {
          Fail("seed " + std::to_string(seed) + " ran " + std::to_string(r.epochs) +
                   " epochs, then " + std::to_string(first.epochs) + ": runs are not deterministic",
               1);
        }
        wall.push_back(r.wall_s);
        cpu.push_back(r.cpu_s);
        std::printf(
            "run impl=ours variant=%s batch=%zu threads=%d seed=%d repeat=%d reached_epoch=%d "
            "epochs=%d wall_s=%.4f cpu_s=%.4f ms_per_epoch=%.2f best_test_mse=%.3e\n",
            v->name, row.batch, row.threads, seed, repeat, r.reached_epoch, r.epochs, r.wall_s,
            r.cpu_s, r.train_ms / r.epochs, r.best_test_mse);
        std::fflush(stdout);
        row.ms_per_epoch.push_back(r.train_ms / r.epochs);
      }
      row.best = std::min(row.best, first.best_test_mse);
      if (first.reached_epoch > 0) {
        row.reached_epochs.push_back(first.reached_epoch);
        row.wall_s.push_back(Median(wall));
        row.cpu_s.push_back(Median(cpu));
      } else {
        row.budget_wall_s.push_back(Median(wall));
      }
    }
    rows.push_back(std::move(row));
  }

  std::printf("# load average %.2f at the end\n\n", LoadAverage());
  std::printf(
      "| variant | what | batch | threads | seeds reaching %g | median epochs | median wall s | "
      "median cpu s | median ms/epoch |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
      o.target);
  for (const Row& row : rows) {
    std::printf("| %s | %s | %zu | %d | %zu of %d |", row.variant->name, row.variant->what,
                row.batch, row.threads, row.reached_epochs.size(), o.seeds);
    if (row.reached_epochs.empty()) {
      std::printf(" never in %d (best test MSE %.2e) | (%.2f for all %d) | - |", o.max_epochs,
                  row.best, Median(row.budget_wall_s), o.max_epochs);
    } else {
      std::printf(" %g | %.3f | %.3f |", Median(row.reached_epochs), Median(row.wall_s),
                  Median(row.cpu_s));
    }
    std::printf(" %.2f |\n", Median(row.ms_per_epoch));
  }
  return 0;
}

}  // namespace
}  // namespace simd_mlp::bench

int main(int argc, char** argv) { return simd_mlp::bench::Main(argc, argv); }
