"""How the kernels' per-ISA units are built: the one place for their ISAs and compiler flags.

Read by kernels/BUILD, bench/BUILD and tests/kernels/BUILD, and parsed by kernels/CMakeLists.txt
(keep the shape of these assignments: one entry per line).

Only the per-ISA units (kernels/simd/<family>.cc, bench/simd/bench_target.cc) get ISA flags;
everything else is compiled for the architecture's baseline (never native -march for the build
host), so a binary runs on any CPU of the architecture and dispatches at run time.
"""

# The kernel families of kernels/kernel_list.inc: each is one unit, kernels/simd/<family>.cc,
# compiled once per ISA and element type; a test, tests/kernels/<family>_test.cc; and a benchmark
# file, bench/kernels/<family>_bench.cc.
KERNEL_FAMILIES = [
    "accumulate",
    "activation",
    "dense_edge",
    "dense_step",
    "gemm",
    "gemm_fm",
    "gemm_step",
    "mse",
    "optimizer",
]

# Each unit is compiled once per element type, with -DSIMD_MLP_ELEMENT=<element>.
ELEMENTS = [
    "float",
    "double",
]

# For each architecture (a cpu of @platforms), its ISAs, least capable first, named as in
# kernels/isa_list.inc, and the flags of their units. A new architecture is a new key here, with
# its ISAs in isa_list.inc and kernels/simd/target.h.
#
# -falign-functions=64, in every entry (kernels/CMakeLists.txt reads each list as written): each
# function of these units starts on a 64-byte line (g++'s default is 16), so that where a hot loop
# falls among cache lines and the decoded-uop cache's windows does not depend on how much code the
# linker placed before it: chosen by measurement (docs/performance.md, "Kernel constants").
ISA_COPTS = {
    "x86_64": {
        "sse2": ["-falign-functions=64"],
        "avx2": ["-falign-functions=64", "-mavx2", "-mfma"],
        # g++ 12: -mavx512f alone does not enable FMA for xsimd; name every extension we use.
        # g++ 12's own avx512fintrin.h trips -W(maybe-)uninitialized on every inlined intrinsic
        # (`__m512 __Y = __Y;`, GCC bug 105593, fixed in g++ 13): megabytes of false reports per
        # unit. The same kernel sources compile with those warnings on for sse2 and avx2, so a real
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
    },
    "aarch64": {
        # Advanced SIMD is part of ARMv8-A, so g++ needs no flag for it (SVE is out of scope).
        # -falign-functions=64 as on x86-64, unmeasured here: no ARM hardware to time it on.
        "neon": ["-falign-functions=64"],
    },
}

# Every (isa, copts) of every architecture, for the per-ISA libraries. (Each is built only where
# the dispatcher of the target's architecture depends on it.)
ALL_ISA_COPTS = {
    isa: copts
    for isas in ISA_COPTS.values()
    for isa, copts in isas.items()
}

def isa_compatible_with(isa):
    """A per-ISA library's target_compatible_with: its architecture alone.

    `bazel build //...` then skips the other architectures' units instead of failing on them (an
    AVX-512 unit cannot compile for aarch64, nor a NEON one for x86-64).
    """
    return [
        "@platforms//cpu:" + arch
        for arch, isas in ISA_COPTS.items()
        if isa in isas
    ]

def compiled_isas_copts():
    """The dispatcher's -DSIMD_MLP_KERNELS_ISAS=sse2,avx2,...: the target architecture's ISAs."""
    return select({
        "@platforms//cpu:" + arch: ["-DSIMD_MLP_KERNELS_ISAS=" + ",".join(isas.keys())]
        for arch, isas in ISA_COPTS.items()
    })

def per_isa_libraries(prefix, suffix = ""):
    """The labels prefix + isa + suffix for the ISAs of the target's architecture."""
    return select({
        "@platforms//cpu:" + arch: [prefix + isa + suffix for isa in isas]
        for arch, isas in ISA_COPTS.items()
    })
