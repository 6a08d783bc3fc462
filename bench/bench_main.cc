// The //bench entry point: Google Benchmark's own flags and --table. A console run prints a short
// header (console_reporter.h), a progress line on a terminal (or, with --table, a row per
// benchmark), and the summary tables (summary_reporter.h); --benchmark_format=json writes every
// benchmark to stdout as JSON (the header's facts in its context) and the summary to stderr.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/console_reporter.h"
#include "bench/summary_reporter.h"
#include "kernels/isa.h"

namespace simd_mlp::bench {
namespace {

// The run's context in the JSON output (the console prints it in its header).
void AddContext() {
  benchmark::AddCustomContext("cpu", CpuModel());
  benchmark::AddCustomContext("simd_mlp_isa", kernels::IsaName(kernels::ActiveIsa()));
  char peak[32];
  for (kernels::Isa isa : BenchIsas()) {
    std::snprintf(peak, sizeof peak, "%.1f", MeasuredPeakGflops(isa));
    benchmark::AddCustomContext(std::string("fma_peak_gflops/") + kernels::IsaName(isa), peak);
  }
  std::snprintf(peak, sizeof peak, "%.1f", PeakGflops(kernels::ActiveIsa()));
  benchmark::AddCustomContext("fma_peak_gflops", peak);
#ifdef NDEBUG
  benchmark::AddCustomContext("build", "optimized (-c opt, NDEBUG)");
#else
  benchmark::AddCustomContext("build",
                              "NOT optimized: assertions on; run `bazel run -c opt //bench`");
#endif
}

}  // namespace
}  // namespace simd_mlp::bench

int main(int argc, char** argv) {
  using simd_mlp::bench::ConsoleReporter;
  using simd_mlp::bench::SummaryReporter;
  std::string format = "console";
  bool table = false;
  // --table is ours; Google Benchmark must not see it.
  std::vector<char*> args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    constexpr const char kFormat[] = "--benchmark_format=";
    if (std::strncmp(argv[i], kFormat, sizeof kFormat - 1) == 0)
      format = argv[i] + sizeof kFormat - 1;
    if (std::strcmp(argv[i], "--table") == 0) {
      table = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  // Google Benchmark 1.7 deprecates its CSV reporter; JSON is the machine-readable format.
  if (format != "console" && format != "json") {
    std::fprintf(stderr, "bench: error: --benchmark_format=%s: expected console or json\n",
                 format.c_str());
    return 2;
  }
  if (table && format == "json") {
    std::fprintf(stderr, "bench: error: --table is for the console; JSON holds every figure\n");
    return 2;
  }
  // Each benchmark runs for 0.1 s instead of Google Benchmark's 0.5 s, so that the default run
  // takes minutes, not a quarter of an hour; --benchmark_min_time and
  // --benchmark_repetitions (for medians) override it.
  bool min_time_given = false;
  for (char* arg : args) min_time_given |= std::strncmp(arg, "--benchmark_min_time", 20) == 0;
  char default_min_time[] = "--benchmark_min_time=0.1";
  if (!min_time_given) args.insert(args.begin() + 1, default_min_time);
  int args_count = static_cast<int>(args.size());
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 2;
  simd_mlp::bench::AddContext();
  std::unique_ptr<benchmark::BenchmarkReporter> display;
  if (format == "json") {
    display = std::make_unique<benchmark::JSONReporter>();  // its context holds the header's facts
  } else {
    display = std::make_unique<ConsoleReporter>(table);
  }
  SummaryReporter reporter(display.get());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary(format == "json" ? stderr : stdout);
  benchmark::Shutdown();
  return 0;
}
