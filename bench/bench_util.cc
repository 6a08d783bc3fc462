#include "bench/bench_util.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <vector>

#include "bench/bench_targets.h"
#include "kernels/compiled_isas.h"

namespace simd_mlp::bench {

const BenchTargetTable& BenchTargetFor(kernels::Isa isa) {
  if (!kernels::CpuSupports(isa) || isa == kernels::Isa::kRef) {
    std::fprintf(stderr, "bench: no benchmark target for %s on this CPU\n", kernels::IsaName(isa));
    std::abort();
  }
  switch (isa) {
// Only the ISAs this build compiled have a table to link (the others' belong to another
// architecture or were left out).
#define SIMD_MLP_ISA(enumerator, name)                                     \
  case kernels::Isa::enumerator:                                           \
    if constexpr (kernels::compiled::Includes(kernels::Isa::enumerator)) { \
      return name::Table();                                                \
    }                                                                      \
    break;
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA
    case kernels::Isa::kRef:
      break;
  }
  std::abort();
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

namespace {

double TimePeakOnce(const BenchTargetTable& target, std::int64_t iterations) {
  const double start = ThreadCpuSeconds();
  const double flops = target.fma_peak_loop(iterations);
  return flops / (ThreadCpuSeconds() - start) * 1e-9;
}

double MeasurePeak(kernels::Isa isa) {
  const BenchTargetTable& target = BenchTargetFor(isa);
  // ~20 ms per run: long enough to amortize timer and frequency ramp-up, short enough for 9 runs.
  std::int64_t iterations = 1 << 16;
  while (true) {
    const double start = ThreadCpuSeconds();
    target.fma_peak_loop(iterations);
    if (ThreadCpuSeconds() - start > 0.02) break;
    iterations *= 2;
  }
  // The best of 9 runs, not their median: whatever else the machine does can only slow a
  // register-only loop, and a low denominator would inflate every peak_frac (medians wander more
  // than the best runs: docs/performance.md, "Kernel constants").
  double best = 0;
  for (int r = 0; r < 9; ++r) best = std::max(best, TimePeakOnce(target, iterations));
  return best;
}

}  // namespace

double MeasuredPeakGflops(kernels::Isa isa) {
  static std::mutex mutex;
  static std::map<kernels::Isa, double> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(isa);
  if (it == cache.end()) it = cache.emplace(isa, MeasurePeak(isa)).first;
  return it->second;
}

double PeakGflops(kernels::Isa isa) {
  return MeasuredPeakGflops(isa == kernels::Isa::kRef ? BenchIsas().front() : isa);
}

void SetFlopCounters(benchmark::State& state, double flops_per_iteration, kernels::Isa isa) {
  const double total = flops_per_iteration * static_cast<double>(state.iterations());
  state.counters["gflops"] = benchmark::Counter(total * 1e-9, benchmark::Counter::kIsRate);
  // kIsRate divides by the elapsed seconds; peak_frac = (flops / s) / peak.
  state.counters["peak_frac"] =
      benchmark::Counter(total * 1e-9 / PeakGflops(isa), benchmark::Counter::kIsRate);
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void SetWallFlopCounters(benchmark::State& state, double flops_per_iteration, double wall_seconds) {
  const double gflops =
      flops_per_iteration * static_cast<double>(state.iterations()) / wall_seconds * 1e-9;
  state.counters["gflops"] = gflops;
  state.counters["peak_frac"] = gflops / PeakGflops(kernels::ActiveIsa());
}

FloatBuffer::FloatBuffer(std::size_t n, std::uint64_t seed)
    : ptr(static_cast<float*>(std::aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64)),
          &std::free) {
  if (ptr == nullptr) {
    std::fprintf(stderr, "bench: out of memory allocating %zu floats\n", n);
    std::exit(1);
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (std::size_t i = 0; i < n; ++i) ptr.get()[i] = dist(rng);
}

std::vector<kernels::Isa> BenchIsas() {
  std::vector<kernels::Isa> isas;
  for (kernels::Isa isa : kernels::SupportedIsas()) {
    if (isa != kernels::Isa::kRef) isas.push_back(isa);
  }
  return isas;
}

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

std::string BenchName(const std::string& kernel, const std::string& impl, long batch) {
  return kernel + "/" + impl + "/B:" + std::to_string(batch);
}

}  // namespace simd_mlp::bench
