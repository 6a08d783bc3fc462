#!/usr/bin/env python3
"""Writes the hand-made bad checkpoints of tests/mlp/corpus/checkpoint/ and their manifest.

Each file is a real checkpoint with one thing wrong. The base is a checkpoint that //mlp:train
saved (recipe seed, one epoch, on the 40 points of checkpoint/data.csv, 32 of them for training),
with its weights zeroed so that the deflated files stay a few kilobytes; zero weights are a valid
model. The files are built with numpy and Python's
zipfile, independently of our writer, so they also show that numpy-made archives load.

    cd tests/mlp/corpus/checkpoint && bazel run //mlp:train -- --recipe=seed --epochs=1 \
        --batch=8 --data=data.csv --save=/tmp/base.npz && cd -
    /usr/bin/python3 tests/mlp/corpus/make_checkpoint_corpus.py /tmp/base.npz

The manifest (EXPECTED) pairs each file with the text its one-line error must contain when it is
given to `//mlp:train --resume=FILE --epochs=3 --data=data.csv`; files under good/ must resume
without error.
"""
import io
import os
import sys
import zipfile

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checkpoint")


def npy(array):
    out = io.BytesIO()
    np.lib.format.write_array(out, np.asarray(array), allow_pickle=False)
    return out.getvalue()


def raw_npy(header, data):
    """A .npy with a header of our choosing (version 1.0, padded to 64 bytes)."""
    header = header.encode()
    pad = -(10 + len(header) + 1) % 64
    header += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data


def load_entries(path):
    with zipfile.ZipFile(path) as z:
        return [(info.filename, z.read(info)) for info in z.infolist()]


def arrays(entries):
    return {name[:-4]: np.load(io.BytesIO(data)) for name, data in entries}


def write(name, entries, stored=False):
    path = os.path.join(HERE, name)
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as z:
        for entry_name, data in entries:
            info = zipfile.ZipInfo(entry_name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return path


def replace(entries, key, data):
    return [(n, data if n == key + ".npy" else d) for n, d in entries]


def config_text(entries):
    return arrays(entries)["config"].item().decode()


def with_config(entries, text):
    return replace(entries, "config", npy(np.array(text.encode())))


def main():
    base_path = sys.argv[1]
    entries = load_entries(base_path)
    a = arrays(entries)
    for key in ("W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"):
        entries = replace(entries, key, npy(np.zeros_like(a[key])))
    a = arrays(entries)
    cfg = config_text(entries)
    os.makedirs(os.path.join(HERE, "good"), exist_ok=True)
    cases = []

    def case(name, expected, files, stored=False):
        write(name, files, stored)
        cases.append((name, expected))

    write(os.path.join("good", "seed_zero_weights.npz"), entries)
    # The same run with RMSprop state (mean_square.*), as the keras recipe saves it.
    rms = with_config(entries, cfg.replace("optimizer=sgd", "optimizer=rmsprop"))
    rms += [("mean_square.%s.npy" % k, npy(np.zeros_like(a[k])))
            for k in ("W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4")]
    write(os.path.join("good", "rmsprop_zero_state.npz"), rms)

    drop = lambda key: [(n, d) for n, d in entries if n != key + ".npy"]
    case("missing_W3.npz", "missing array 'W3'", drop("W3"))
    case("misnamed_w1.npz", "missing array 'W1' (it has an unexpected 'w1')",
         [("w1.npy" if n == "W1.npy" else n, d) for n, d in entries])
    case("extra_array.npz", "unexpected array 'notes' for optimizer sgd",
         entries + [("notes.npy", npy(np.zeros(3, np.float32)))])
    case("optimizer_state_missing.npz", "missing array 'mean_square.W1'",
         with_config(entries, cfg.replace("optimizer=sgd", "optimizer=rmsprop")))
    case("not_npy_entry.npz", "('readme.txt') is not a .npy array",
         entries + [("readme.txt", b"hello")])
    case("duplicate_W1.npz", "not a readable .npz (zip) archive: File already exists",
         entries + [("W1.npy", npy(a["W1"]))])
    case("wrong_shape_W2.npz", "array 'W2': shape (100, 99), expected (100, 100)",
         replace(entries, "W2", npy(np.zeros((100, 99), np.float32))))
    case("transposed_W1.npz", "array 'W1': shape (100, 1), expected (1, 100)",
         replace(entries, "W1", npy(np.zeros((100, 1), np.float32))))
    case("bias_as_matrix.npz", "array 'b2': shape (1, 100), expected (100,)",
         replace(entries, "b2", npy(np.zeros((1, 100), np.float32))))
    case("float64_W2.npz", "array 'W2': dtype '<f8', expected '<f4'",
         replace(entries, "W2", npy(np.zeros((100, 100), np.float64))))
    case("big_endian_W2.npz", "array 'W2': dtype '>f4', expected '<f4' (big-endian",
         replace(entries, "W2", npy(np.zeros((100, 100), ">f4"))))
    case("fortran_order_W2.npz", "array 'W2': bad .npy header: fortran_order is True",
         replace(entries, "W2", npy(np.asfortranarray(np.ones((100, 100), np.float32)))))
    case("object_dtype.npz", "array 'W1': dtype '|O' is not a plain numeric",
         replace(entries, "W1", raw_npy("{'descr': '|O', 'fortran_order': False, "
                                        "'shape': (1, 100), }", b"\0" * 800)))
    w3 = np.zeros((100, 100), np.float32)
    w3[4, 7] = np.nan
    case("nan_W3.npz", "array 'W3' element (4, 7) is NaN", replace(entries, "W3", npy(w3)))
    b2 = np.zeros(100, np.float32)
    b2[3] = -np.inf
    case("inf_b2.npz", "array 'b2' element (3,) is Inf", replace(entries, "b2", npy(b2)))
    ms = [(n, npy(-np.ones_like(a["W4"])) if n == "mean_square.W4.npy" else d) for n, d in rms]
    case("negative_mean_square.npz", "array 'mean_square.W4' element (0, 0) is negative", ms)
    case("format_version_2.npz", "format version 2; this build reads version 1",
         replace(entries, "format_version", npy(np.int64(2))))
    case("no_format_version.npz", "no array 'format_version': not a simd_mlp checkpoint",
         drop("format_version"))
    case("format_version_float.npz", "array 'format_version': dtype '<f8', expected '<i8'",
         replace(entries, "format_version", npy(np.float64(1))))
    case("bad_npy_magic.npz", "array 'W1': not a .npy array", replace(entries, "W1", b"W1" * 400))
    w2 = npy(np.zeros((100, 100), np.float32))
    case("truncated_npy_data.npz", "array 'W2': holds 39996 bytes of data, but shape (100, 100)",
         replace(entries, "W2", w2[:-4]))
    case("npy_header_garbage.npz", "array 'W2': bad .npy header: header is not a Python dict",
         replace(entries, "W2", raw_npy("descr <f4", w2[128:])))
    case("npy_header_past_end.npz", "array 'b4': .npy header of 65535 bytes runs past the end",
         replace(entries, "b4", b"\x93NUMPY\x01\x00\xff\xff{'descr'"))
    case("npy_version_9.npz", "array 'b4': .npy version 9.0",
         replace(entries, "b4", b"\x93NUMPY\x09\x00" + npy(a["b4"])[8:]))
    case("config_not_text.npz", "array 'config': dtype '<f4' shape (3,), expected a byte string",
         replace(entries, "config", npy(np.zeros(3, np.float32))))
    case("config_unknown_key.npz", "array 'config': config line 21: unknown key 'colour'",
         with_config(entries, cfg + "colour=blue\n"))
    case("config_missing_key.npz", "array 'config': config lacks 'seed'",
         with_config(entries, "".join(l + "\n" for l in cfg.splitlines()
                                      if not l.startswith("seed="))))
    case("config_bad_lr.npz", "array 'config': config: --lr must be a finite number > 0",
         with_config(entries, cfg.replace("lr=0.01", "lr=-0.01")))
    case("config_bad_activation.npz",
         "array 'config': config line 2: bad value for 'hidden': 'sigmoid'",
         with_config(entries, cfg.replace("hidden=tanh", "hidden=sigmoid")))
    case("x_norm_zero_scale.npz", "array 'x_norm' is not [centre, scale] with a finite scale > 0",
         replace(entries, "x_norm", npy(np.array([0.0, 0.0]))))
    case("epoch_past_end.npz", "epoch 5 and adam_step 0 are not counters of a run of 1 epochs",
         replace(entries, "epoch", npy(np.int64(5))))
    n = len(a["shuffle_order"])
    order = a["shuffle_order"].copy()
    order[6] = order[5]
    case("order_repeats.npz", "shuffle order entry 6 (%d) repeats an earlier entry" % order[5],
         replace(entries, "shuffle_order", npy(order)))
    order = a["shuffle_order"].copy()
    order[0] = n
    case("order_out_of_range.npz", "shuffle order entry 0 (%d) is out of range" % n,
         replace(entries, "shuffle_order", npy(order)))
    case("order_short.npz",
         "array 'shuffle_order' has %d entries, but config says %d training points" % (n - 1, n),
         replace(entries, "shuffle_order", npy(a["shuffle_order"][:-1])))
    case("order_2d.npz", "array 'shuffle_order': shape (%d, 1), expected one dimension" % n,
         replace(entries, "shuffle_order", npy(a["shuffle_order"].reshape(n, 1))))
    case("rng_state_short.npz", "malformed shuffle RNG state",
         replace(entries, "shuffle_rng", npy(a["shuffle_rng"][:-1])))
    # Values that pass a check in double but not as the floats training uses, and a counter that
    # would overflow Adam's step.
    case("config_beta1_one_in_float.npz",
         "array 'config': config: --beta1=0.99999999999 rounds to 1 in float",
         with_config(entries, cfg.replace("beta1=0.9\n", "beta1=0.99999999999\n")))
    case("config_eps_zero_in_float.npz",
         "array 'config': config: --eps=1e-50 is below float's smallest normal number",
         with_config(entries, cfg.replace("eps=1e-07\n", "eps=1e-50\n")))
    case("adam_step_huge.npz", "adam_step 9223372036854775807 is more than the 4 updates of 1 "
         "epochs of 4 batches", replace(entries, "adam_step", npy(np.int64(2**63 - 1))))
    # An entry that inflates far beyond its array (64 MiB of zeros deflate to 64 KiB): refused from
    # the zip directory's size, before anything is inflated.
    w2_bomb = raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4096, 4096), }",
                      b"\0" * (4096 * 4096 * 4))
    case("w2_inflates_to_64mib.npz", "('W2.npy') holds %d bytes, more than the " % len(w2_bomb),
         replace(entries, "W2", w2_bomb))
    case("other_data.npz", "(32 training and 8 test points), not on '", 
         with_config(entries, "\n".join(l if not l.startswith("data_fingerprint=") else
                                        "data_fingerprint=12345" for l in cfg.splitlines()) + "\n"))

    # Damage to the zip container itself.
    good = open(os.path.join(HERE, "good", "seed_zero_weights.npz"), "rb").read()
    path = os.path.join(HERE, "truncated.npz")
    open(path, "wb").write(good[: len(good) // 2])
    cases.append(("truncated.npz", "not a readable .npz (zip) archive"))
    open(os.path.join(HERE, "empty.npz"), "wb").write(b"")
    cases.append(("empty.npz", "no array 'format_version': not a simd_mlp checkpoint"))
    open(os.path.join(HERE, "text.npz"), "wb").write(b"W1,b1\n1,2\n")
    cases.append(("text.npz", "not a readable .npz (zip) archive"))
    # Stored, not deflated, so one flipped bit reaches the data. (Every entry is there: the loader
    # reads an entry when it needs it, after checking the archive's list of entries.)
    stored = write("crc_mismatch.npz", entries, stored=True)
    data = bytearray(open(stored, "rb").read())
    at = data.index(b"\x93NUMPY", data.index(b"W1.npy")) + 200  # inside W1's zeros
    data[at] ^= 0x01
    open(stored, "wb").write(bytes(data))
    cases.append(("crc_mismatch.npz", "('W1.npy') is truncated or corrupt: CRC error"))

    with open(os.path.join(HERE, "EXPECTED"), "w") as f:
        f.write("# file<TAB>text the one-line error of `train --resume=FILE --epochs=3` contains."
                "\n# Written by ../make_checkpoint_corpus.py.\n")
        for name, expected in cases:
            f.write("%s\t%s\n" % (name, expected))
    print("wrote %d bad checkpoints and 2 good ones to %s" % (len(cases), HERE))


if __name__ == "__main__":
    main()
