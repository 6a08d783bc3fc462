// What a console run of //bench shows before its summary: a short header (the CPU, the kernels'
// ISA, the FMA peak of each ISA measured in this run, the build) and then either a row per
// benchmark (--table) or, on a terminal, one progress line that the summary replaces. Counters
// print as plain numbers: gflops in GFLOP/s, peak_frac as a fraction, bytes as GB/s.
#ifndef SIMD_MLP_BENCH_CONSOLE_REPORTER_H_
#define SIMD_MLP_BENCH_CONSOLE_REPORTER_H_

#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

namespace simd_mlp::bench {

class ConsoleReporter : public benchmark::BenchmarkReporter {
 public:
  // rows: print each benchmark's row; else a progress line on stderr when it is a terminal.
  explicit ConsoleReporter(bool rows);

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  void PrintRow(const Run& run) const;

  const bool rows_;
  const bool progress_;
  int name_width_ = 40;
  long done_ = 0;
};

}  // namespace simd_mlp::bench

#endif  // SIMD_MLP_BENCH_CONSOLE_REPORTER_H_
