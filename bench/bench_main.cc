// The //bench entry point: Google Benchmark's own flags, plus a header (CPU, the kernels' ISA, the
// measured FMA peak, the build mode) and, after the run, a summary table of the per-epoch
// benchmarks (batch → ms/epoch ours and Eigen, speed-up, fraction of peak). The summary goes to
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
      long batch = 0;
      char impl[16] = {};
      if (std::sscanf(run.run_name.str().c_str(), "epoch/%15[a-z]/B:%ld", impl, &batch) != 2) {
        continue;
      }
      Result& result = results_[batch][impl];
      result.ms = Counter(run, "ms_per_epoch");
      result.peak_frac = Counter(run, "peak_frac");
      result.median = median;
    }
  }

  void Finalize() override { display_->Finalize(); }

  void PrintSummary(std::FILE* out) const {
    if (results_.empty()) return;
    const bool medians = results_.begin()->second.begin()->second.median;
    std::fprintf(
        out,
        "\nSummary: one epoch (8,000 samples, forward + backward + update), one core, "
        "isa %s; %s\n",
        kernels::IsaName(kernels::ActiveIsa()),
        medians ? "medians over the repetitions"
                : "single runs (add "
                  "--benchmark_repetitions=5 --benchmark_report_aggregates_only=true for medians)");
    std::fprintf(out, "%8s %14s %14s %10s %16s\n", "batch", "ours ms/epoch", "Eigen ms/epoch",
                 "speed-up", "ours % of peak");
    for (const auto& [batch, impls] : results_) {
      const auto ours = impls.find("ours"), eigen = impls.find("eigen");
      std::fprintf(out, "%8ld", batch);
      if (ours != impls.end()) {
        std::fprintf(out, " %14.2f", ours->second.ms);
      } else {
        std::fprintf(out, " %14s", "-");
      }
      if (eigen != impls.end()) {
        std::fprintf(out, " %14.2f", eigen->second.ms);
      } else {
        std::fprintf(out, " %14s", "-");
      }
      if (ours != impls.end() && eigen != impls.end()) {
        std::fprintf(out, " %9.2fx", eigen->second.ms / ours->second.ms);
      } else {
        std::fprintf(out, " %10s", "-");
      }
      if (ours != impls.end()) {
        std::fprintf(out, " %15.1f%%\n", 100.0 * ours->second.peak_frac);
      } else {
        std::fprintf(out, " %16s\n", "-");
      }
    }
  }

 private:
  struct Result {
    double ms = 0, peak_frac = 0;
    bool median = false;
  };

  static double Counter(const Run& run, const char* name) {
    const auto it = run.counters.find(name);
    return it == run.counters.end() ? 0.0 : it->second.value;
  }

  benchmark::BenchmarkReporter* display_;
  std::map<long, std::map<std::string, Result>> results_;
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
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  simd_mlp::bench::AddHeader();
  const auto display = simd_mlp::bench::MakeDisplayReporter(format);
  simd_mlp::bench::EpochSummaryReporter reporter(display.get());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary(format == "json" ? stderr : stdout);
  benchmark::Shutdown();
  return 0;
}
