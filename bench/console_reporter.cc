#include "bench/console_reporter.h"

#include <unistd.h>

#include <algorithm>
#include <string>

#include "bench/bench_util.h"
#include "kernels/isa.h"

namespace simd_mlp::bench {
namespace {

// "3.2 ms": seconds in the unit that keeps one to three digits before the point.
std::string FormatSeconds(double seconds) {
  static constexpr std::pair<double, const char*> kUnits[] = {{1, "s"}, {1e-3, "ms"}, {1e-6, "us"}};
  char text[32];
  for (const auto& [scale, unit] : kUnits) {
    if (seconds >= scale) {
      std::snprintf(text, sizeof text, "%.3g %s", seconds / scale, unit);
      return text;
    }
  }
  std::snprintf(text, sizeof text, "%.3g ns", seconds * 1e9);
  return text;
}

void PrintHeader(std::FILE* out, const benchmark::CPUInfo& cpu) {
  std::fprintf(out, "simd_mlp //bench on %s: %d cores", CpuModel().c_str(), cpu.num_cpus);
  if (cpu.load_avg.size() == 3) {
    std::fprintf(out, ", load average %.2f %.2f %.2f", cpu.load_avg[0], cpu.load_avg[1],
                 cpu.load_avg[2]);
  }
  std::fprintf(out, "\nkernels: %s (SIMD_MLP_ISA=<isa> forces one of:",
               kernels::IsaName(kernels::ActiveIsa()));
  for (kernels::Isa isa : kernels::SupportedIsas()) std::fprintf(out, " %s", kernels::IsaName(isa));
  std::fprintf(out, ")\nFMA peak of one core, measured now (each ISA's peak_frac is of its own):");
  for (kernels::Isa isa : BenchIsas()) {
    std::fprintf(out, " %s %.1f", kernels::IsaName(isa), PeakGflops(isa));
  }
  std::fprintf(out, " GFLOP/s\n");
#ifdef NDEBUG
  std::fprintf(out,
               "build: optimized (-c opt). Google Benchmark is Debian's build without NDEBUG (it "
               "would say\n\"Library was built as DEBUG\"): that is its own bookkeeping; the "
               "timed loops are compiled here.\n");
#else
  std::fprintf(out, "build: NOT optimized, assertions on: run `bazel run -c opt //bench`\n");
#endif
  std::fprintf(out,
               "Every benchmark's figures: --table, --benchmark_format=json, or "
               "--benchmark_out=FILE.\n");
}

}  // namespace

ConsoleReporter::ConsoleReporter(bool rows)
    : rows_(rows), progress_(!rows && isatty(STDERR_FILENO)) {}

bool ConsoleReporter::ReportContext(const Context& context) {
  PrintHeader(stdout, context.cpu_info);
  name_width_ = static_cast<int>(std::min<std::size_t>(context.name_field_width, 60));
  if (rows_) {
    std::printf("\n%-*s %10s %10s %10s  counters\n", name_width_, "benchmark", "time", "CPU",
                "iterations");
  }
  std::fflush(stdout);
  return true;
}

void ConsoleReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    ++done_;
    if (rows_) PrintRow(run);
    if (progress_) {
      std::fprintf(stderr, "\r\033[K%ld done: %s", done_, run.benchmark_name().c_str());
    }
  }
  std::fflush(rows_ ? stdout : stderr);
}

void ConsoleReporter::Finalize() {
  if (progress_) std::fprintf(stderr, "\r\033[K");
}

void ConsoleReporter::PrintRow(const Run& run) const {
  std::printf("%-*s", name_width_, run.benchmark_name().c_str());
  if (run.error_occurred) {
    std::printf(" error: %s\n", run.error_message.c_str());
    return;
  }
  // A coefficient of variation (the _cv aggregate) holds fractions, in the times and counters
  // alike.
  if (run.run_type == Run::RT_Aggregate && run.aggregate_unit == benchmark::kPercentage) {
    std::printf(" %9.2f%% %9.2f%% %10s ", 100 * run.real_accumulated_time,
                100 * run.cpu_accumulated_time, "");
    for (const auto& [name, counter] : run.counters) {
      std::printf(" %s=%.2f%%", name.c_str(), 100 * counter.value);
    }
  } else {
    const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
    std::printf(" %10s %10s %10lld ", FormatSeconds(run.GetAdjustedRealTime() / unit).c_str(),
                FormatSeconds(run.GetAdjustedCPUTime() / unit).c_str(),
                static_cast<long long>(run.iterations));
    for (const auto& [name, counter] : run.counters) {
      if (name == "bytes_per_second") {
        std::printf(" GB/s=%.4g", counter.value * 1e-9);
      } else {
        std::printf(" %s=%.4g", name.c_str(), counter.value);
      }
    }
  }
  if (!run.report_label.empty()) std::printf(" %s", run.report_label.c_str());
  std::printf("\n");
}

}  // namespace simd_mlp::bench
