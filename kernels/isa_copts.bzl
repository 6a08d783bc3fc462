"""Compiler flags of each ISA's translation units (kernels/target_*.cc, bench/target_*.cc).

Only these units get ISA flags; everything else is compiled for baseline x86-64 (never
-march=native), so a binary runs on any x86-64 CPU and dispatches at run time.
"""

TARGET_COPTS = {
    "sse2": [],
    "avx2fma": ["-mavx2", "-mfma"],
    # g++ 12: -mavx512f alone does not enable FMA for xsimd; name every extension we use.
    "avx512": ["-mavx512f", "-mavx512cd", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mfma"],
}
