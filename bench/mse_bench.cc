// Benchmarks of kernels/mse.h: written with the optimized kernels.
