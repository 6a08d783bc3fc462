// One training epoch (the 8,000 training samples: forward + backward + update) of the
// `keras-tanh` recipe — tanh hidden layers, identity output, Glorot-uniform start, RMSprop lr 1e-3
// ρ 0.9 ε 1e-7, reshuffled every epoch — at each batch size, for our trainer and for the Eigen
// baseline doing the same step (bench/simd/eigen_mlp-inl.h) compiled for the same ISA:
//   epoch/ours/B:<b>/T:<t>   mlp::Trainer::RunEpoch on the active ISA's kernels and t threads
//   epoch/eigen/B:<b>        the Eigen trainer of the active ISA (SIMD_MLP_ISA picks another),
//                            one thread
//   epoch_vs_eigen/B:<b>     both, one thread each, an epoch of each in turn: the comparison
//                            that a busy machine cannot tilt (below)
//   epoch/onednn/B:<b>       the same step on oneDNN primitives (bench/onednn_mlp.h), one thread,
//                            on the weight layout measured faster at b (label weights:<layout>;
//                            SIMD_MLP_ONEDNN_WEIGHTS=blocked|oi picks one)
//   epoch_vs_onednn/B:<b>    ours and oneDNN in turns, as epoch_vs_eigen
//   epoch_onednn_oi_vs_blocked/B:<b>  oneDNN on its two weight layouts in turns (the choice)
//   epoch_vs_1thread/B:<b>/T:<t>  ours on one thread and on t, an epoch of each in turn
//   memory_floor/B:<b>       the memory floor of an epoch at batch b (below): ceil(8,000 / b)
//                            steps of a loop that only moves the bytes a step must move
//   memory_floor/update_pass the bytes of the unfused optimizer pass alone (below)
//   rmsprop_in_l1/<isa>      the RMSprop kernel's arithmetic alone (below)
// The oneDNN benchmarks exist where oneDNN is linked (SIMD_MLP_BENCH_ONEDNN, defined by
// bench:onednn_mlp, an x86-64 library).
// All start from the same weights and see the same sample order (the Trainer's own seeded
// reshuffle, reproduced here with mlp::Rng), and both keep training across iterations. Every
// batch runs on one thread; the batches from 32 up also on 2 threads and on all cores (the same
// run on a 2-core machine), for the speed-up of data-parallel training.
//
// Counters (a stable interface, docs/performance.md): ms_per_epoch, gflops, peak_frac, all on wall
// time: with more than one thread, the calling thread's CPU time would count neither the other
// threads' work nor the time it waits for them. (The kernel benchmarks and the FMA peak use the
// thread's CPU time; on a quiet machine the two agree for one thread.) peak_frac is relative to one
// core's peak on the trainer's ISA, so t threads can reach t.
//
// The memory floor. At B = 1 a step is a chain of matrix-vector products and an optimizer pass
// over the 22,976 floats of the parameter arena (20,501 parameters and their padding), whose
// arenas do not fit in L1; the FLOPs are few, so the bytes bound it. The least a step must move:
// the parameters read once (the forward pass), then the parameters and their RMSprop state read
// once and written once (the backward pass and the update, fused): 5 × 22,976 floats, 460 KB.
// memory_floor/B:<b> runs a loop that moves exactly those bytes, with no arithmetic, over two
// arenas of the trainer's own type and layout (mlp::Arena), once per step of an epoch at batch b,
// on the best ISA of the CPU (as the FMA peak: a property of the machine). Counters:
// ms_per_epoch, us_per_step and bytes_per_second (the 460 KB per step). The one-thread
// epoch/ours/B:<b>/T:1 of the small batches (b ≤ kFloorFracMaxBatch) also reports floor_frac:
// the median, over its epochs, of a floor epoch's time over ours, the two run in turns (a floor
// epoch, then ours, in every iteration; ms_per_epoch counts ours alone). Both are one thread's,
// so floor_frac divides the thread's CPU times, as the FMA peak is measured (on a busy machine the
// wall-time ratio wanders far more: docs/performance.md). The arithmetic floor is the FMA peak's:
// peak_frac.
//
// What bounds the optimizer pass: f32_rmsprop__<isa> (bench/kernels/optimizer_bench.cc) runs the
// kernel over an arena in L2; memory_floor/update_pass moves the same bytes (gradient, parameters
// and state read, parameters and state written) with no arithmetic; rmsprop_in_l1/<isa> runs the
// kernel over an arena's count of elements in pieces of 1,024 that stay in L1 (12 KiB of arrays),
// where the bytes cost next to nothing and its arithmetic is what remains. Counter: us_per_arena.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench/baseline_trainer.h"
#include "bench/bench_targets.h"
#include "bench/bench_util.h"
#include "bench/median.h"
#if SIMD_MLP_BENCH_ONEDNN
#include "bench/onednn_mlp.h"
#endif
#include "kernels/isa.h"
#include "kernels/kernels.h"
#include "mlp/core/arena.h"
#include "mlp/core/init.h"
#include "mlp/core/layout.h"
#include "mlp/core/model.h"
#include "mlp/runtime/cores.h"
#include "mlp/runtime/rng.h"
#include "mlp/runtime/thread_pool.h"
#include "mlp/training/data.h"
#include "mlp/training/trainer.h"

namespace simd_mlp::bench {
namespace {

// FLOPs of one epoch, counting a multiply-add as 2 and only the products (the arithmetic that the
// weights' size sets: ≈ 0.97 GFLOP per epoch). Per sample, with fan-in ×
// fan-out = 1·100, 100·100, 100·100, 100·1:
//   forward          Z = A·W            2·(100 + 10,000 + 10,000 + 100)  = 40,400
//   weight gradients dW = Aᵀ·G          the same shapes                   = 40,400
//   input gradients  G·Wᵀ, layers 4…2   2·(100 + 10,000 + 10,000)        = 40,200
//                                       (layer 1's input is the data: no gradient)
//   total 121,000 per sample × 8,000 samples = 0.968 GFLOP per epoch.
// Not counted: bias adds and sums, tanh and its derivative, the loss, and the optimizer's pass
// over the 20,501 parameters once per batch — negligible at B ≥ 32, but at B = 1 the update runs
// 8,000 times per epoch, so gflops there understates the work done.
constexpr double kFlopsPerSample = 2.0 * (100 + 100 * 100 + 100 * 100 + 100)    // forward
                                   + 2.0 * (100 + 100 * 100 + 100 * 100 + 100)  // dW
                                   + 2.0 * (100 + 100 * 100 + 100 * 100);       // dX
static_assert(kFlopsPerSample == 121000.0);
constexpr double kFlopsPerEpoch = kFlopsPerSample * double(mlp::kCosTrainPoints);

// The training set of the original task. Its test set is left out: Trainer::RunEpoch evaluates
// the test set after every epoch (2,000 forward passes, ≈ 8 % of an epoch's FLOPs), which is not
// part of the training step being compared; with no test points that evaluation does nothing.
const mlp::Dataset<float>& TrainingSet() {
  static const mlp::Dataset<float>* data = [] {
    auto* d = new mlp::Dataset<float>(mlp::MakeCosDataset<float>(0));
    d->test_x.clear();
    d->test_y.clear();
    return d;
  }();
  return *data;
}

mlp::TrainConfig Config(std::size_t batch, int threads = 1) {
  mlp::TrainConfig c;
  mlp::RecipeConfig("keras-tanh", &c);
  c.batch = batch;
  c.threads = threads;
  return c;
}

// wall_seconds: the wall time of the whole timed loop. ms_per_epoch is a plain per-iteration
// average rather than an inverted rate counter, which the console would print with a seconds unit
// ("13.0s").
void SetEpochCounters(benchmark::State& state, double wall_seconds) {
  SetWallFlopCounters(state, kFlopsPerEpoch, wall_seconds);
  state.counters["ms_per_epoch"] =
      benchmark::Counter(wall_seconds * 1e3, benchmark::Counter::kAvgIterations);
}

// The batches whose one-thread epoch/ours also reports floor_frac: those whose memory floor is
// near or above the arithmetic one (at B = 8 the two are alike; from B = 32 the FLOPs bound a
// step: docs/performance.md, "The floor of a step").
constexpr std::size_t kFloorFracMaxBatch = 8;

// The memory floor of a step (above) over arenas of its own, on the machine's best ISA.
class MemoryFloor {
 public:
  MemoryFloor() : target_(BenchTargetFor(kernels::BestSupportedIsa())) {}

  // Bytes a step moves: the parameters read; then the parameters and the state read and written.
  static constexpr double kBytesPerStep = 5.0 * mlp::kArenaSize * sizeof(float);

  static std::size_t StepsPerEpoch(std::size_t batch) {
    return (TrainingSet().train_x.size() + batch - 1) / batch;
  }

  // One epoch's worth of floor steps at `batch`.
  void Epoch(std::size_t batch) {
    for (std::size_t step = StepsPerEpoch(batch); step > 0; --step) {
      target_.memory_floor_step(mlp::kArenaSize, params_.data(), state_.data());
    }
  }

 private:
  const BenchTargetTable& target_;
  mlp::Arena<float> params_, state_;
};

void MemoryFloorEpoch(benchmark::State& state, std::size_t batch) {
  MemoryFloor floor;
  const double start = WallSeconds();
  for (auto _ : state) floor.Epoch(batch);
  const double seconds = WallSeconds() - start;
  const double steps = double(MemoryFloor::StepsPerEpoch(batch)) * double(state.iterations());
  state.counters["ms_per_epoch"] =
      benchmark::Counter(seconds * 1e3, benchmark::Counter::kAvgIterations);
  state.counters["us_per_step"] = seconds * 1e6 / steps;
  state.counters["bytes_per_second"] = MemoryFloor::kBytesPerStep * steps / seconds;
}

void MemoryUpdatePass(benchmark::State& state) {
  const BenchTargetTable& target = BenchTargetFor(kernels::BestSupportedIsa());
  mlp::Arena<float> grads, params, optimizer_state;
  const double start = WallSeconds();
  for (auto _ : state) {
    target.memory_update_pass(mlp::kArenaSize, grads.data(), params.data(), optimizer_state.data());
  }
  const double seconds = WallSeconds() - start, passes = double(state.iterations());
  state.counters["us_per_arena"] = seconds * 1e6 / passes;
  state.counters["bytes_per_second"] = 5.0 * mlp::kArenaSize * sizeof(float) * passes / seconds;
}

void RmspropInL1(benchmark::State& state, kernels::Isa isa) {
  constexpr std::size_t kPiece = 1024, kPieces = (mlp::kArenaSize + kPiece - 1) / kPiece;
  const auto& k = kernels::KernelsFor<float>(isa);
  FloatBuffer grads(kPiece, 1), params(kPiece, 2), mean_square(kPiece, 3);
  for (std::size_t i = 0; i < kPiece; ++i) mean_square.data()[i] = std::abs(mean_square.data()[i]);
  const double start = ThreadCpuSeconds();
  for (auto _ : state) {
    for (std::size_t piece = 0; piece < kPieces; ++piece) {
      k.rmsprop(kPiece, {1e-3f, 0.9f, 1e-7f}, grads.data(), mean_square.data(), params.data());
    }
    benchmark::ClobberMemory();
  }
  // The kPieces pieces' time, scaled to an arena's kArenaSize elements.
  const double per_element =
      (ThreadCpuSeconds() - start) / double(state.iterations()) / double(kPieces * kPiece);
  state.counters["us_per_arena"] = per_element * 1e6 * double(mlp::kArenaSize);
}

void EpochOurs(benchmark::State& state, kernels::Isa isa, std::size_t batch, int threads) {
  // The pool is created here, with the trainer: its threads are started before the timed loop.
  mlp::Trainer trainer(Config(batch, threads), kernels::KernelsFor<float>(isa), TrainingSet());
  const bool with_floor = threads == 1 && batch <= kFloorFracMaxBatch;
  MemoryFloor floor;
  std::vector<double> floor_over_ours;
  mlp::EpochStats stats;
  std::string error;
  double seconds = 0;  // wall time, ours alone
  for (auto _ : state) {
    double floor_cpu = 0;
    if (with_floor) {
      state.PauseTiming();
      const double start = ThreadCpuSeconds();
      floor.Epoch(batch);
      floor_cpu = ThreadCpuSeconds() - start;
      state.ResumeTiming();
    }
    const double start = WallSeconds(), start_cpu = ThreadCpuSeconds();
    // Includes the reshuffle of the sample order (8,000 swaps), as the Eigen run does.
    if (!trainer.RunEpoch(&stats, &error)) {
      state.SkipWithError(error.c_str());
      break;
    }
    seconds += WallSeconds() - start;
    if (with_floor) floor_over_ours.push_back(floor_cpu / (ThreadCpuSeconds() - start_cpu));
  }
  if (state.error_occurred()) return;
  SetEpochCounters(state, seconds);
  if (with_floor) state.counters["floor_frac"] = Median(floor_over_ours);
}

// The sample order Trainer uses: 0…n−1, shuffled in place before every epoch by its own stream.
struct TrainerOrder {
  explicit TrainerOrder(const mlp::TrainConfig& c)
      : shuffle(c.shuffle),
        rng(c.seed, mlp::RngStream::kShuffle),
        order(TrainingSet().train_x.size()) {
    std::iota(order.begin(), order.end(), 0u);
  }
  const std::uint32_t* Next() {
    if (shuffle) rng.Shuffle(order);
    return order.data();
  }

  bool shuffle;
  mlp::Rng rng;
  std::vector<std::uint32_t> order;
};

// A baseline trainer: its training function (the shape of the Eigen one, so both share the
// drivers below), its name in counters (<name>_over_ours, <name>_ms) and in messages, and the
// benchmark's label.
static_assert(std::is_same_v<decltype(BenchTargetTable::eigen_mlp_train), MlpTrainFn>);
struct Baseline {
  MlpTrainFn train;
  const char* name;   // "eigen"
  const char* title;  // "Eigen"
  std::string label;
};

// Eigen compiled for `isa`.
Baseline EigenBaseline(kernels::Isa isa) {
  return {BenchTargetFor(isa).eigen_mlp_train, "eigen", "Eigen", ""};
}

#if SIMD_MLP_BENCH_ONEDNN
// oneDNN on its weight layout for batches of `batch`; its own kernels, whatever ISA ours use.
Baseline OnednnBaseline(std::size_t batch) {
  const OnednnWeights weights = OnednnWeightsFor(batch);
  return {OnednnMlpTrain(weights), "onednn", "oneDNN",
          std::string("weights:") + OnednnWeightsName(weights)};
}
#endif

// The Trainer's initial weights, packed as the baselines take them (tensor by tensor, unpadded).
std::vector<float> PackedInitialParams(const mlp::TrainConfig& c) {
  mlp::Arena<float> arena;
  mlp::InitParams(c.init, c.seed, &arena);
  std::vector<float> params;
  for (std::size_t t = 0; t < mlp::kNumTensors; ++t) {
    for (std::size_t r = 0; r < mlp::kTensors[t].rows; ++r) {
      for (std::size_t col = 0; col < mlp::kTensors[t].cols; ++col)
        params.push_back(arena.at(mlp::Tensor(t), r, col));
    }
  }
  return params;
}

// Trains `baseline` from the Trainer's initial weights, asking next_epoch(context) for each
// epoch's sample order until it returns nullptr. False if a batch loss was not finite.
bool RunBaseline(const Baseline& baseline, const mlp::TrainConfig& c,
                 const std::uint32_t* (*next_epoch)(void*), void* context) {
  std::vector<float> params = PackedInitialParams(c);
  const mlp::Dataset<float>& data = TrainingSet();
  return baseline.train(c.hidden, c.output, c.optimizer == mlp::Optimizer::kRmsprop, float(c.lr),
                        float(c.rho), float(c.eps), c.batch, data.train_x.size(),
                        data.train_x.data(), data.train_y.data(), next_epoch, context,
                        params.data());
}

// "Eigen baseline: a batch loss is not finite".
void SkipNotFinite(benchmark::State& state, const Baseline& baseline) {
  state.SkipWithError(
      (std::string(baseline.title) + " baseline: a batch loss is not finite").c_str());
}

// Drives a baseline's epochs from Google Benchmark's loop. The wall clock brackets the
// benchmark's own timer: from the first KeepRunning (timer starts) to the one that returns false
// (timer stops); the baseline's setup and export stay outside.
struct BaselineDriver {
  benchmark::State* state;
  TrainerOrder order;
  double start_s = -1, stop_s = -1;

  static const std::uint32_t* NextEpoch(void* context) {
    auto* self = static_cast<BaselineDriver*>(context);
    if (self->start_s < 0) self->start_s = WallSeconds();
    if (!self->state->KeepRunning()) {
      self->stop_s = WallSeconds();
      return nullptr;
    }
    return self->order.Next();
  }
};

void EpochBaseline(benchmark::State& state, const Baseline& baseline, std::size_t batch) {
  const mlp::TrainConfig c = Config(batch);
  BaselineDriver driver{&state, TrainerOrder(c)};
  if (!RunBaseline(baseline, c, &BaselineDriver::NextEpoch, &driver)) {
    SkipNotFinite(state, baseline);
    return;
  }
  SetEpochCounters(state, driver.stop_s - driver.start_s);
  state.SetLabel(baseline.label);
}

// epoch/ours and epoch/eigen run one after the other, seconds apart, and on a machine shared with
// other work the load can change in between: on a busy host one-core epochs moved by 40 % from
// run to run, so the ratio of the two benchmarks could move by as much. Here the two trainers
// take turns instead — an Eigen epoch, then one of ours, and so on — so that each pair sees the
// same machine, and the speed-up is the median over the pairs of Eigen's time / ours. Counters:
// eigen_over_ours (that median), ours_ms and eigen_ms (the medians of each side's epochs). Both
// trainers start from the same weights and sample order, keep training from pair to pair, and
// include their reshuffles. Each benchmark iteration is kEpochPairs pairs, so that even the
// default minimum time gives a median of several (at 15–90 ms per epoch it would allow 1–3).
// epoch_vs_onednn is the same with oneDNN: onednn_over_ours, ours_ms and onednn_ms.
constexpr int kEpochPairs = 9;

// Runs one epoch of `trainer` and appends its wall time in ms; false (and *error) if it diverged.
bool TimedEpoch(mlp::Trainer& trainer, std::vector<double>* ms, std::string* error) {
  mlp::EpochStats stats;
  const double start = WallSeconds();
  if (!trainer.RunEpoch(&stats, error)) return false;
  ms->push_back((WallSeconds() - start) * 1e3);
  return true;
}

// The counters of a comparison in turns: `ratio_name`, the median over the pairs of
// other_ms[i] / ours_ms[i]; `ours_name` and `other_name`, the medians of each side's epochs.
void SetPairedCounters(benchmark::State& state, const char* ratio_name, const char* other_name,
                       const std::vector<double>& other_ms, const std::vector<double>& ours_ms,
                       const char* ours_name = "ours_ms") {
  std::vector<double> ratios;
  for (std::size_t i = 0; i < ours_ms.size(); ++i) ratios.push_back(other_ms[i] / ours_ms[i]);
  state.counters[ratio_name] = Median(ratios);
  state.counters[ours_name] = Median(ours_ms);
  state.counters[other_name] = Median(other_ms);
}

struct PairedDriver {
  benchmark::State* state;
  mlp::Trainer* ours;
  TrainerOrder order;
  double baseline_start_s = -1;
  int pairs_left = 0;  // in this benchmark iteration
  std::vector<double> baseline_ms = {}, ours_ms = {};

  // Called by the baseline before each of its epochs: closes the timing of its last one, runs
  // one of ours, and opens the next.
  static const std::uint32_t* NextEpoch(void* context) {
    auto* self = static_cast<PairedDriver*>(context);
    if (self->baseline_start_s >= 0) {
      self->baseline_ms.push_back((WallSeconds() - self->baseline_start_s) * 1e3);
      std::string error;
      if (!TimedEpoch(*self->ours, &self->ours_ms, &error)) {
        self->state->SkipWithError(error.c_str());
        return nullptr;
      }
    }
    if (self->pairs_left == 0) {
      if (!self->state->KeepRunning()) return nullptr;
      self->pairs_left = kEpochPairs;
    }
    --self->pairs_left;
    self->baseline_start_s = WallSeconds();
    return self->order.Next();
  }
};

void EpochPaired(benchmark::State& state, const Baseline& baseline, kernels::Isa isa,
                 std::size_t batch) {
  const mlp::TrainConfig c = Config(batch);
  mlp::Trainer trainer(c, kernels::KernelsFor<float>(isa), TrainingSet());
  PairedDriver driver{&state, &trainer, TrainerOrder(c)};
  const bool finite = RunBaseline(baseline, c, &PairedDriver::NextEpoch, &driver);
  if (state.error_occurred()) return;
  if (!finite) {
    SkipNotFinite(state, baseline);
    return;
  }
  if (driver.ours_ms.empty()) {
    state.SkipWithError("no pair of epochs ran");
    return;
  }
  const std::string name = baseline.name;
  SetPairedCounters(state, (name + "_over_ours").c_str(), (name + "_ms").c_str(),
                    driver.baseline_ms, driver.ours_ms);
  state.SetLabel(baseline.label);
}

#if SIMD_MLP_BENCH_ONEDNN
// oneDNN's two weight layouts in turns, an epoch each on one thread, from the same weights and
// over the same sample order: the measurement behind OnednnFasterWeights (docs/performance.md,
// "oneDNN baseline"). Counters: oi_over_blocked (the median over the pairs of the oi epoch's time
// over the blocked one's), blocked_ms and oi_ms (the medians of each side's epochs).
void EpochOnednnLayouts(benchmark::State& state, std::size_t batch) {
  const mlp::TrainConfig c = Config(batch);
  const mlp::Dataset<float>& data = TrainingSet();
  const bool rmsprop = c.optimizer == mlp::Optimizer::kRmsprop;
  const OnednnMlp::Step step{c.hidden, c.output, rmsprop, float(c.lr), float(c.rho), float(c.eps)};
  OnednnMlp blocked(OnednnWeights::kBlocked, step, c.batch, data.train_x.size());
  OnednnMlp oi(OnednnWeights::kPlain, step, c.batch, data.train_x.size());
  const std::vector<float> params = PackedInitialParams(c);
  blocked.Import(params.data());
  oi.Import(params.data());
  TrainerOrder order(c);
  std::vector<double> blocked_ms, oi_ms;
  for (auto _ : state) {
    for (int pair = 0; pair < kEpochPairs; ++pair) {
      const std::uint32_t* epoch_order = order.Next();
      for (auto [trainer, ms] : {std::pair(&blocked, &blocked_ms), std::pair(&oi, &oi_ms)}) {
        const double start = WallSeconds();
        if (!trainer->Epoch(data.train_x.data(), data.train_y.data(), epoch_order)) {
          state.SkipWithError("oneDNN baseline: a batch loss is not finite");
          return;
        }
        ms->push_back((WallSeconds() - start) * 1e3);
      }
    }
  }
  SetPairedCounters(state, "oi_over_blocked", "oi_ms", oi_ms, blocked_ms, "blocked_ms");
}
#endif

// The same for threads: epoch/ours/B:<b>/T:1 and /T:<t> also run seconds apart, so the ratio of
// the two moves with the load as well (docs/performance.md). Here a one-thread trainer and a
// t-thread one take turns, an epoch each, and the speed-up is the median over the pairs of the
// one-thread time / the t-thread time. Counters: one_thread_over_ours (that median), ours_ms (t
// threads) and one_thread_ms (the medians of each side's epochs). Both trainers start from the same
// weights and are bit-identical epoch for epoch (tests/mlp/training/threads_test.cc), so each pair
// does the same arithmetic.
void EpochThreadsPaired(benchmark::State& state, kernels::Isa isa, std::size_t batch, int threads) {
  const kernels::KernelTable<float>& k = kernels::KernelsFor<float>(isa);
  mlp::Trainer one(Config(batch, 1), k, TrainingSet());
  mlp::Trainer ours(Config(batch, threads), k, TrainingSet());
  std::vector<double> one_ms, ours_ms;
  std::string error;
  for (auto _ : state) {
    bool ok = true;
    for (int pair = 0; ok && pair < kEpochPairs; ++pair) {
      ok = TimedEpoch(one, &one_ms, &error) && TimedEpoch(ours, &ours_ms, &error);
    }
    if (!ok) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  if (state.error_occurred()) return;
  SetPairedCounters(state, "one_thread_over_ours", "one_thread_ms", one_ms, ours_ms);
}

const bool registered = [] {
  benchmark::RegisterBenchmark("memory_floor/update_pass", MemoryUpdatePass);
  for (kernels::Isa isa : BenchIsas()) {
    benchmark::RegisterBenchmark((std::string("rmsprop_in_l1/") + kernels::IsaName(isa)).c_str(),
                                 RmspropInL1, isa);
  }
  // The default compares like with like: our kernels on the ISA the trainer would run, Eigen
  // compiled for that same ISA. Other ISAs: SIMD_MLP_ISA=sse2|avx2 (per-ISA variants of every
  // batch would triple the default run's longest part). The scalar reference has no Eigen build.
  const kernels::Isa isa = kernels::ActiveIsa();
  const int cores = mlp::AvailableCores();
  for (long b : kBatchSizes) {
    const std::size_t batch = std::size_t(b);
    // B = 1 and 8 on one thread only: their rows are not split (fewer than two 16-row blocks,
    // mlp/core/partition.h), and the default runs them on one thread anyway.
    std::vector<int> thread_counts = {1};
    if (b >= 32 && cores >= 2) thread_counts.push_back(2);
    if (b >= 32 && cores > 2) thread_counts.push_back(cores);
    for (int threads : thread_counts) {
      benchmark::RegisterBenchmark(
          (BenchName("epoch", "ours", b) + "/T:" + std::to_string(threads)).c_str(),
          [isa, batch, threads](benchmark::State& state) {
            EpochOurs(state, isa, batch, threads);
          });
    }
    for (int threads : thread_counts) {
      if (threads == 1) continue;
      benchmark::RegisterBenchmark(
          ("epoch_vs_1thread/B:" + std::to_string(b) + "/T:" + std::to_string(threads)).c_str(),
          [isa, batch, threads](benchmark::State& state) {
            EpochThreadsPaired(state, isa, batch, threads);
          });
    }
    benchmark::RegisterBenchmark(
        ("memory_floor/B:" + std::to_string(b)).c_str(),
        [batch](benchmark::State& state) { MemoryFloorEpoch(state, batch); });
    if (isa != kernels::Isa::kRef) {
      benchmark::RegisterBenchmark(BenchName("epoch", "eigen", b).c_str(),
                                   [isa, batch](benchmark::State& state) {
                                     EpochBaseline(state, EigenBaseline(isa), batch);
                                   });
      benchmark::RegisterBenchmark(("epoch_vs_eigen/B:" + std::to_string(b)).c_str(),
                                   [isa, batch](benchmark::State& state) {
                                     EpochPaired(state, EigenBaseline(isa), isa, batch);
                                   });
    }
#if SIMD_MLP_BENCH_ONEDNN
    // oneDNN picks its own kernels for this CPU, whatever SIMD_MLP_ISA says (ONEDNN_MAX_CPU_ISA
    // limits them).
    benchmark::RegisterBenchmark(
        BenchName("epoch", "onednn", b).c_str(),
        [batch](benchmark::State& state) { EpochBaseline(state, OnednnBaseline(batch), batch); });
    benchmark::RegisterBenchmark(("epoch_vs_onednn/B:" + std::to_string(b)).c_str(),
                                 [isa, batch](benchmark::State& state) {
                                   EpochPaired(state, OnednnBaseline(batch), isa, batch);
                                 });
    benchmark::RegisterBenchmark(
        ("epoch_onednn_oi_vs_blocked/B:" + std::to_string(b)).c_str(),
        [batch](benchmark::State& state) { EpochOnednnLayouts(state, batch); });
#endif
  }
  return true;
}();

}  // namespace
}  // namespace simd_mlp::bench
