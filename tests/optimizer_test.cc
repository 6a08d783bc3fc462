// Property tests of kernels/optimizer.h: written with the optimized kernels.
