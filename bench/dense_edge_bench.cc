// Benchmarks of kernels/dense_edge.h: written with the optimized kernels.
