#include "bench/summary_reporter.h"

#include <cstdio>
#include <set>

#include "kernels/isa.h"

namespace simd_mlp::bench {
namespace {

using Run = benchmark::BenchmarkReporter::Run;

double Counter(const Run& run, const char* name) {
  const auto it = run.counters.find(name);
  return it == run.counters.end() ? 0.0 : it->second.value;
}

// A right-aligned cell of `width` characters after a space: the value, or "-" when absent.
void PrintCell(std::FILE* out, int width, const char* format, const double* value) {
  char text[32] = "-";
  if (value != nullptr) std::snprintf(text, sizeof text, format, *value);
  std::fprintf(out, " %*s", width, text);
}

template <typename Map, typename K>
const typename Map::mapped_type* Find(const Map& map, const K& key) {
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

void SummaryReporter::ReportRuns(const std::vector<Run>& runs) {
  display_->ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    // The median when repetitions were asked for, else the single run.
    const bool median = run.aggregate_name == "median";
    if (median || (run.aggregate_name.empty() && run.repetitions <= 1)) Keep(run);
  }
}

void SummaryReporter::Keep(const Run& run) {
  const std::string name = run.run_name.str();
  long batch = 0;
  int threads = 1;
  char impl[16] = {};
  // epoch_vs_<baseline>/B:<b>[/T:<t>]: the baseline's time over ours, in turns.
  static constexpr std::pair<const char*, const char*> kInTurns[] = {
      {"eigen", "eigen_over_ours"},
      {"onednn", "onednn_over_ours"},
      {"1thread", "one_thread_over_ours"},
  };
  for (const auto& [baseline, counter] : kInTurns) {
    const std::string prefix = std::string("epoch_vs_") + baseline + "/B:%ld/T:%d";
    if (std::sscanf(name.c_str(), prefix.c_str(), &batch, &threads) >= 1) {
      in_turns_[baseline][{batch, threads}] = Counter(run, counter);
      return;
    }
  }
  // A kernel split over threads: f32_gemm_bias_act__avx512/tanh/B:<b>/T:<t>.
  const std::size_t batch_at = name.find("/B:");
  if (name.rfind("f32_", 0) == 0 && batch_at != std::string::npos &&
      std::sscanf(name.c_str() + batch_at, "/B:%ld/T:%d", &batch, &threads) == 2) {
    split_gflops_[{name.substr(0, batch_at), batch}][threads] = Counter(run, "gflops");
    return;
  }
  // epoch/ours/B:<b>/T:<t>, epoch/eigen/B:<b> or epoch/onednn/B:<b> (one thread).
  if (std::sscanf(name.c_str(), "epoch/%15[a-z]/B:%ld/T:%d", impl, &batch, &threads) < 2) return;
  Result& result = results_[batch][Key{impl, threads}];
  result.ms = Counter(run, "ms_per_epoch");
  result.peak_frac = Counter(run, "peak_frac");
  result.floor_frac = Counter(run, "floor_frac");
  result.median = run.aggregate_name == "median";
}

const double* SummaryReporter::InTurns(const char* baseline, long batch, int threads) const {
  const auto* by_batch = Find(in_turns_, baseline);
  return by_batch ? Find(*by_batch, std::pair{batch, threads}) : nullptr;
}

void SummaryReporter::PrintSummary(std::FILE* out) const {
  PrintEpochSummary(out);
  PrintSplitSummary(out);
}

// One row per batch and thread count: the ms per epoch of ours and of each baseline (one thread),
// each baseline's time over ours in turns, one thread's time over ours in turns, our share of
// the FMA peak of the ISA we ran on and, where measured (one thread, the small batches), of the
// memory floor (floor_frac, epoch_bench.cc).
void SummaryReporter::PrintEpochSummary(std::FILE* out) const {
  if (results_.empty() && in_turns_.empty()) return;
  const bool medians = !results_.empty() && results_.begin()->second.begin()->second.median;
  std::fprintf(out,
               "\nOne epoch (8,000 samples: forward, backward, update), isa %s, wall time, %s.\n"
               "ms: each benchmark alone; X/ours: X's time over ours, the two in turns "
               "(epoch_vs_*).\n",
               kernels::IsaName(kernels::ActiveIsa()),
               medians ? "medians over the repetitions" : "single runs");
  std::fprintf(out, "%6s %7s %9s %9s %10s %9s %11s %12s %9s %9s\n", "batch", "threads", "ours ms",
               "Eigen ms", "Eigen/ours", "oneDNN ms", "oneDNN/ours", "1thread/ours", "% peak",
               "% floor");
  // A row per batch and thread count that any of the benchmarks ran at.
  std::map<long, std::set<int>> rows;
  for (const auto& [batch, impls] : results_) {
    for (const auto& [key, result] : impls)
      rows[batch].insert(key.impl == "ours" ? key.threads : 1);
  }
  for (const auto& [baseline, by_batch] : in_turns_) {
    for (const auto& [batch_threads, ratio] : by_batch) {
      rows[batch_threads.first].insert(batch_threads.second);
    }
  }
  static const std::map<Key, Result> kNone;
  for (const auto& [batch, thread_counts] : rows) {
    const auto* found = Find(results_, batch);
    const std::map<Key, Result>& impls = found ? *found : kNone;
    const Result* eigen = Find(impls, Key{"eigen", 1});
    const Result* onednn = Find(impls, Key{"onednn", 1});
    for (const int threads : thread_counts) {
      const Result* result = Find(impls, Key{"ours", threads});
      const bool one = threads == 1;
      const double* ms = result ? &result->ms : nullptr;
      std::fprintf(out, "%6ld %7d", batch, threads);
      PrintCell(out, 9, "%.2f", ms);
      PrintCell(out, 9, "%.2f", one && eigen ? &eigen->ms : nullptr);
      PrintCell(out, 10, "%.2fx", one ? InTurns("eigen", batch, 1) : nullptr);
      PrintCell(out, 9, "%.2f", one && onednn ? &onednn->ms : nullptr);
      PrintCell(out, 11, "%.2fx", one ? InTurns("onednn", batch, 1) : nullptr);
      PrintCell(out, 12, "%.2fx", one ? nullptr : InTurns("1thread", batch, threads));
      const double percent = result ? 100.0 * result->peak_frac : 0;
      PrintCell(out, 9, "%.1f%%", result ? &percent : nullptr);
      const double floor_percent = result ? 100.0 * result->floor_frac : 0;
      PrintCell(out, 9, "%.1f%%", floor_percent > 0 ? &floor_percent : nullptr);
      std::fprintf(out, "\n");
    }
  }
}

// The GEMMs split over threads as the trainer splits them (split_gemm_bench.cc): GFLOP/s on
// each thread count and the speed-up over one thread (the two runs apart, so labelled).
void SummaryReporter::PrintSplitSummary(std::FILE* out) const {
  if (split_gflops_.empty()) return;
  std::fprintf(out, "\nThe hidden-layer GEMMs split over threads as the trainer splits them:\n");
  std::fprintf(out, "%-34s %6s %7s %8s %16s\n", "kernel", "batch", "threads", "GFLOP/s",
               "T:1/T:n (apart)");
  for (const auto& [kernel_batch, by_threads] : split_gflops_) {
    const double* one = Find(by_threads, 1);
    for (const auto& [threads, gflops] : by_threads) {
      std::fprintf(out, "%-34s %6ld %7d %8.1f", kernel_batch.first.c_str(), kernel_batch.second,
                   threads, gflops);
      const double speedup = one ? gflops / *one : 0;
      PrintCell(out, 16, "%.2fx", threads > 1 && one ? &speedup : nullptr);
      std::fprintf(out, "\n");
    }
  }
}

}  // namespace simd_mlp::bench
