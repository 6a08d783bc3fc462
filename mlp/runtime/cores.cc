#include "mlp/runtime/cores.h"

#include <sched.h>

#include <thread>

namespace simd_mlp::mlp {

int AvailableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n >= 1) return n;
  }
  const unsigned n = std::thread::hardware_concurrency();
  return n >= 1 ? static_cast<int>(n) : 1;
}

}  // namespace simd_mlp::mlp
