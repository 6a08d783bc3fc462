// The //bench entry point: Google Benchmark's own flags, plus a header (CPU, the kernels' ISA, the
// measured FMA peak, the build mode) and, after the run, a summary table of the per-epoch
// benchmarks (batch and threads → ms/epoch ours, Eigen's and oneDNN's, speed-ups over each and
// over one thread — each measured apart and taking turns — fraction of peak). The summary goes to
// stdout after the console table, or to stderr when --benchmark_format=json keeps stdout
// machine-readable.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "kernels/isa.h"

namespace simd_mlp::bench {
namespace {

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

void AddHeader() {
  char peak[32];
  std::snprintf(peak, sizeof peak, "%.1f", MachinePeakGflops());
  benchmark::AddCustomContext("cpu", CpuModel());
  benchmark::AddCustomContext("simd_mlp_isa", kernels::IsaName(kernels::ActiveIsa()));
  benchmark::AddCustomContext("fma_peak_gflops", peak);
#ifdef NDEBUG
  benchmark::AddCustomContext("build", "optimized (-c opt, NDEBUG)");
#else
  benchmark::AddCustomContext("build",
                              "NOT optimized: assertions on; run `bazel run -c opt //bench`");
#endif
}

// Forwards everything to the reporter the user asked for, and keeps the per-epoch results:
// the median when repetitions were asked for, else the single run.
class EpochSummaryReporter : public benchmark::BenchmarkReporter {
 public:
  explicit EpochSummaryReporter(benchmark::BenchmarkReporter* display) : display_(display) {}

  bool ReportContext(const Context& context) override { return display_->ReportContext(context); }

  void ReportRuns(const std::vector<Run>& runs) override {
    display_->ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.aggregate_name == "median";
      if (!(median || (run.aggregate_name.empty() && run.repetitions <= 1))) continue;
      // epoch/ours/B:<b>/T:<t>, epoch/eigen/B:<b> or epoch/onednn/B:<b> (one thread).
      long batch = 0;
      int threads = 1;
      char impl[16] = {};
      const std::string name = run.run_name.str();
      if (std::sscanf(name.c_str(), "epoch_vs_1thread/B:%ld/T:%d", &batch, &threads) == 2) {
        paired_thread_speedup_[{batch, threads}] = Counter(run, "one_thread_over_ours");
        continue;
      }
      // A kernel split over threads: f32_gemm_bias_act__avx512/tanh/B:<b>/T:<t>.
      const std::size_t batch_at = name.find("/B:");
      if (name.rfind("f32_", 0) == 0 && batch_at != std::string::npos &&
          std::sscanf(name.c_str() + batch_at, "/B:%ld/T:%d", &batch, &threads) == 2) {
        split_gflops_[{name.substr(0, batch_at), batch}][threads] = Counter(run, "gflops");
        continue;
      }
      if (std::sscanf(name.c_str(), "epoch_vs_eigen/B:%ld", &batch) == 1) {
        paired_speedup_[batch] = Counter(run, "eigen_over_ours");
        continue;
      }
      if (std::sscanf(name.c_str(), "epoch_vs_onednn/B:%ld", &batch) == 1) {
        paired_onednn_speedup_[batch] = Counter(run, "onednn_over_ours");
        continue;
      }
      if (std::sscanf(name.c_str(), "epoch/%15[a-z]/B:%ld/T:%d", impl, &batch, &threads) < 2) {
        continue;
      }
      Result& result = results_[batch][Key{impl, threads}];
      result.ms = Counter(run, "ms_per_epoch");
      result.peak_frac = Counter(run, "peak_frac");
      result.median = median;
    }
  }

  void Finalize() override { display_->Finalize(); }

  // The tables of the benchmarks that ran: per-epoch, and the GEMMs split over threads.
  void PrintSummary(std::FILE* out) const {
    PrintEpochSummary(out);
    PrintSplitSummary(out);
  }

 private:
  // One row per batch and thread count: ours, Eigen (one thread) and our speed-up over it, from
  // the two benchmarks and from the two taking turns (epoch_vs_eigen), the same for oneDNN
  // (epoch_vs_onednn), our speed-up over our own one-thread run, likewise both ways
  // (epoch_vs_1thread), and our fraction of one core's FMA peak.
  void PrintEpochSummary(std::FILE* out) const {
    if (results_.empty()) return;
    const bool medians = results_.begin()->second.begin()->second.median;
    std::fprintf(out,
                 "\nSummary: one epoch (8,000 samples, forward + backward + update), isa %s, wall "
                 "time; %s\n",
                 kernels::IsaName(kernels::ActiveIsa()),
                 medians ? "medians over the repetitions"
                         : "single runs (add --benchmark_repetitions=5 "
                           "--benchmark_report_aggregates_only=true for medians)");
    std::fprintf(out, "%8s %8s %14s %14s %9s %9s %15s %9s %9s %12s %9s %16s\n", "batch", "threads",
                 "ours ms/epoch", "Eigen ms/epoch", "vs Eigen", "in turns", "oneDNN ms/epoch",
                 "vs oneDNN", "in turns", "vs 1 thread", "in turns", "% of 1-core peak");
    for (const auto& [batch, impls] : results_) {
      const Result* eigen = Find(impls, "eigen", 1);
      const Result* onednn = Find(impls, "onednn", 1);
      const Result* ours_1 = Find(impls, "ours", 1);
      const double* paired = FindPaired(paired_speedup_, batch);
      const double* paired_onednn = FindPaired(paired_onednn_speedup_, batch);
      if (ours_1 == nullptr && (eigen != nullptr || onednn != nullptr)) {
        // A filter that left only the baselines' runs.
        std::fprintf(out, "%8ld %8d %14s", batch, 1, "-");
        PrintBaselineCells(out, 14, "%14.2f", eigen, nullptr, paired);
        PrintBaselineCells(out, 15, "%15.2f", onednn, nullptr, paired_onednn);
        std::fprintf(out, " %12s %9s %16s\n", "-", "-", "-");
      }
      for (const auto& [key, ours] : impls) {
        if (key.impl != "ours") continue;
        const bool one = key.threads == 1;
        std::fprintf(out, "%8ld %8d %14.2f", batch, key.threads, ours.ms);
        PrintBaselineCells(out, 14, "%14.2f", one ? eigen : nullptr, &ours, one ? paired : nullptr);
        PrintBaselineCells(out, 15, "%15.2f", one ? onednn : nullptr, &ours,
                           one ? paired_onednn : nullptr);
        PrintCell(out, 12, "%11.2fx", !one && ours_1 != nullptr, ours_1 ? ours_1->ms / ours.ms : 0);
        const auto paired_threads = paired_thread_speedup_.find({batch, key.threads});
        const bool has_paired_threads = paired_threads != paired_thread_speedup_.end();
        PrintCell(out, 9, "%8.2fx", has_paired_threads,
                  has_paired_threads ? paired_threads->second : 0);
        std::fprintf(out, " %15.1f%%\n", 100.0 * ours.peak_frac);
      }
    }
  }

  // The GEMMs split over threads as the trainer splits them (split_gemm_bench.cc): GFLOP/s on
  // each thread count and the speed-up over one thread.
  void PrintSplitSummary(std::FILE* out) const {
    if (split_gflops_.empty()) return;
    std::fprintf(out, "\nThe hidden-layer GEMMs split over threads as the trainer splits them:\n");
    std::fprintf(out, "%32s %8s %8s %14s %12s\n", "kernel", "batch", "threads", "GFLOP/s",
                 "vs 1 thread");
    for (const auto& [kernel_batch, by_threads] : split_gflops_) {
      const auto one = by_threads.find(1);
      for (const auto& [threads, gflops] : by_threads) {
        std::fprintf(out, "%32s %8ld %8d %14.1f", kernel_batch.first.c_str(), kernel_batch.second,
                     threads, gflops);
        PrintCell(out, 12, "%11.2fx", threads > 1 && one != by_threads.end(),
                  one != by_threads.end() ? gflops / one->second : 0);
        std::fprintf(out, "\n");
      }
    }
  }

  struct Key {
    std::string impl;
    int threads;
    bool operator<(const Key& other) const {
      return impl != other.impl ? impl < other.impl : threads < other.threads;
    }
  };
  struct Result {
    double ms = 0, peak_frac = 0;
    bool median = false;
  };

  static const Result* Find(const std::map<Key, Result>& impls, const char* impl, int threads) {
    const auto it = impls.find(Key{impl, threads});
    return it == impls.end() ? nullptr : &it->second;
  }

  static const double* FindPaired(const std::map<long, double>& speedups, long batch) {
    const auto it = speedups.find(batch);
    return it == speedups.end() ? nullptr : &it->second;
  }

  // A baseline's three cells: its ms/epoch (ms_format, `width` wide), its time over ours (if both
  // ran) and its time over ours in turns; "-" for each that is missing.
  static void PrintBaselineCells(std::FILE* out, int width, const char* ms_format,
                                 const Result* baseline, const Result* ours, const double* paired) {
    PrintCell(out, width, ms_format, baseline != nullptr, baseline ? baseline->ms : 0);
    PrintCell(out, 9, "%8.2fx", baseline != nullptr && ours != nullptr,
              baseline && ours ? baseline->ms / ours->ms : 0);
    PrintCell(out, 9, "%8.2fx", paired != nullptr, paired ? *paired : 0);
  }

  // A right-aligned cell of `width` characters after a space: the value, or "-" if not shown.
  static void PrintCell(std::FILE* out, int width, const char* format, bool shown, double value) {
    if (shown) {
      std::fprintf(out, " ");
      std::fprintf(out, format, value);
    } else {
      std::fprintf(out, " %*s", width, "-");
    }
  }

  static double Counter(const Run& run, const char* name) {
    const auto it = run.counters.find(name);
    return it == run.counters.end() ? 0.0 : it->second.value;
  }

  benchmark::BenchmarkReporter* display_;
  std::map<long, std::map<Key, Result>> results_;
  std::map<long, double> paired_speedup_;  // epoch_vs_eigen: Eigen's time / ours, taking turns
  std::map<long, double> paired_onednn_speedup_;  // epoch_vs_onednn: oneDNN's time / ours
  // epoch_vs_1thread, by batch and threads: one thread's time / ours, taking turns.
  std::map<std::pair<long, int>, double> paired_thread_speedup_;
  std::map<std::pair<std::string, long>, std::map<int, double>> split_gflops_;
};

// The reporter --benchmark_format names (Google Benchmark's default when we pass none is the
// console; passing our own display reporter means choosing it ourselves).
std::unique_ptr<benchmark::BenchmarkReporter> MakeDisplayReporter(const std::string& format) {
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
  return std::make_unique<benchmark::ConsoleReporter>(
      isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                            : benchmark::ConsoleReporter::OO_Tabular);
}

}  // namespace
}  // namespace simd_mlp::bench

int main(int argc, char** argv) {
  std::string format = "console";
  for (int i = 1; i < argc; ++i) {
    constexpr const char kFlag[] = "--benchmark_format=";
    if (std::strncmp(argv[i], kFlag, sizeof kFlag - 1) == 0) format = argv[i] + sizeof kFlag - 1;
  }
  // Google Benchmark 1.7 deprecates its CSV reporter; JSON is the machine-readable format.
  if (format != "console" && format != "json") {
    std::fprintf(stderr, "bench: error: --benchmark_format=%s: expected console or json\n",
                 format.c_str());
    return 2;
  }
  // The default run measures each of ~400 benchmarks for 0.1 s instead of Google Benchmark's
  // 0.5 s: 5m40s became 75 s on the 2-core machine, as a first look should take.
  // --benchmark_min_time (and --benchmark_repetitions, for medians) still override it.
  std::vector<char*> args(argv, argv + argc);
  bool min_time_given = false;
  for (int i = 1; i < argc; ++i) {
    min_time_given = min_time_given || std::strncmp(argv[i], "--benchmark_min_time", 20) == 0;
  }
  char default_min_time[] = "--benchmark_min_time=0.1";
  if (!min_time_given) args.insert(args.begin() + 1, default_min_time);
  int args_count = static_cast<int>(args.size());
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 2;
  simd_mlp::bench::AddHeader();
  const auto display = simd_mlp::bench::MakeDisplayReporter(format);
  simd_mlp::bench::EpochSummaryReporter reporter(display.get());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary(format == "json" ? stderr : stdout);
  benchmark::Shutdown();
  return 0;
}
