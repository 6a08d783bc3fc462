// How many CPUs this process may run on: what the automatic thread count of training is made of.
#ifndef SIMD_MLP_MLP_RUNTIME_CORES_H_
#define SIMD_MLP_MLP_RUNTIME_CORES_H_

namespace simd_mlp::mlp {

// The CPUs this process may run on (its affinity mask: taskset and cgroup cpusets count), ≥ 1.
int AvailableCores();

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_RUNTIME_CORES_H_
