// Benchmarks of kernels/activation.h: written with the optimized kernels.
