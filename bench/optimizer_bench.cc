// Benchmarks of kernels/optimizer.h: written with the optimized kernels.
