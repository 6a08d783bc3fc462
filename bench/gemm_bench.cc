// Benchmarks of kernels/gemm.h: written with the optimized kernels.
