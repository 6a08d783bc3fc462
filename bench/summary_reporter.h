// The summary of a //bench run: a reporter that forwards every run to the display (the console
// table or JSON) and keeps the per-epoch results, then prints them as two tables: one epoch per
// batch size and thread count beside the baselines, and the hidden-layer GEMMs split over threads.
// Speed-ups are taken only from benchmarks that run the two sides in turns (epoch_vs_*), never
// from two benchmarks run apart: a machine whose load changes between them would bias the ratio.
#ifndef SIMD_MLP_BENCH_SUMMARY_REPORTER_H_
#define SIMD_MLP_BENCH_SUMMARY_REPORTER_H_

#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace simd_mlp::bench {

class SummaryReporter : public benchmark::BenchmarkReporter {
 public:
  explicit SummaryReporter(benchmark::BenchmarkReporter* display) : display_(display) {}

  bool ReportContext(const Context& context) override { return display_->ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override { display_->Finalize(); }

  // The tables of the benchmarks that ran (nothing for a table none of whose benchmarks ran).
  void PrintSummary(std::FILE* out) const;

 private:
  void Keep(const Run& run);
  void PrintEpochSummary(std::FILE* out) const;
  void PrintSplitSummary(std::FILE* out) const;
  // The in-turns ratio of `baseline` (eigen, onednn, 1thread) at batch and threads, if it ran.
  const double* InTurns(const char* baseline, long batch, int threads) const;

  struct Key {
    std::string impl;  // ours, eigen, onednn
    int threads;
    bool operator<(const Key& other) const {
      return impl != other.impl ? impl < other.impl : threads < other.threads;
    }
  };
  struct Result {
    double ms = 0, peak_frac = 0, floor_frac = 0;  // floor_frac: 0 where not measured
    bool median = false;
  };

  benchmark::BenchmarkReporter* display_;
  std::map<long, std::map<Key, Result>> results_;  // epoch/<impl>/B:<b>[/T:<t>], by batch
  // epoch_vs_<baseline>/B:<b>[/T:<t>], by baseline (eigen, onednn, 1thread), batch and threads:
  // the baseline's time over ours, the two taking turns.
  std::map<std::string, std::map<std::pair<long, int>, double>, std::less<>> in_turns_;
  std::map<std::pair<std::string, long>, std::map<int, double>> split_gflops_;
};

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_SUMMARY_REPORTER_H_
