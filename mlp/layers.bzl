"""The layers of mlp/, lowest first: a package may depend only on the packages of lower layers.

Every package of mlp/ takes visible_above(its name) as its default visibility, so a dependency
that points up, or sideways within a layer, fails the build ("target ... is not visible from
target ..."), whatever its #include says.
"""

LAYERS = [
    ["text", "runtime"],  # numbers as text, enum names, quoting; threads, cores, random numbers
    ["core"],  # the tensor table, arenas, initial weights, the model's passes
    ["training"],  # the config and its text form, the data, the trainer, early stopping
    ["io", "plot"],  # .npy, .npz, CSV, atomic files, checkpoints; the SVG figures
    ["cli"],  # //mlp:train and //mlp:predict
]

# Outside mlp/: the binaries' package, the benchmarks and the tests.
_USERS = [
    "//mlp:__pkg__",
    "//bench:__pkg__",
    "//tests/bench:__pkg__",
    "//tests/mlp:__subpackages__",
]

def visible_above(package):
    """The packages that may depend on `package`: those of the layers above its own."""
    for i, layer in enumerate(LAYERS):
        if package in layer:
            return ["//mlp/%s:__pkg__" % above for higher in LAYERS[i + 1:] for above in higher] + _USERS
    fail("mlp/%s is not in LAYERS (mlp/layers.bzl)" % package)
