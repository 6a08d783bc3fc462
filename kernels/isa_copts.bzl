"""Compiler flags of each ISA's translation units (kernels/target_*.cc, bench/target_*.cc).

Only these units get ISA flags; everything else is compiled for baseline x86-64 (never
native -march for the build host), so a binary runs on any x86-64 CPU and dispatches at run time.
"""

# Each kernels/target_<isa>.cc is compiled once per element type, with
# -DSIMD_MLP_TARGET_ELEMENT=<element> (see the end of kernels/target-inl.h).
TARGET_ELEMENTS = [
    "float",
    "double",
]

# -falign-functions=64, in every entry (kernels/CMakeLists.txt reads each list as written): each
# function of these units starts on a 64-byte line (g++'s default is 16), the kernels and the
# Eigen baseline's alike, so that where a hot loop falls among cache lines and the decoded-uop
# cache's windows does not depend on how much code the linker placed before it. Without it, a
# change far from any kernel moved the B = 32 ratio to Eigen by 4 % (README.md, "The reshuffle,
# and where the linker puts the kernels").
TARGET_COPTS = {
    "sse2": ["-falign-functions=64"],
    "avx2fma": ["-falign-functions=64", "-mavx2", "-mfma"],
    # g++ 12: -mavx512f alone does not enable FMA for xsimd; name every extension we use.
    # g++ 12's own avx512fintrin.h trips -W(maybe-)uninitialized on every inlined intrinsic
    # (`__m512 __Y = __Y;`, GCC bug 105593, fixed in g++ 13): megabytes of false reports per unit.
    # The same kernel sources compile with those warnings on for sse2 and avx2, so a real
    # uninitialized read in them is still reported there.
    "avx512": [
        "-falign-functions=64",
        "-mavx512f",
        "-mavx512cd",
        "-mavx512dq",
        "-mavx512bw",
        "-mavx512vl",
        "-mfma",
        "-Wno-uninitialized",
        "-Wno-maybe-uninitialized",
    ],
}
