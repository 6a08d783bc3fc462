#!/usr/bin/env bash
# //bench at its boundary, the interface that scripts and dashboards read (docs/performance.md):
# with --benchmark_format=json, stdout is one JSON document holding the per-epoch benchmarks
# under their stable names and counters, and the summary table goes to stderr, with the speed-ups
# over Eigen, over oneDNN and (on a machine of two cores or more) over one thread, each measured
# in turns, and for a small batch the share of the memory floor; the console shows a header and the
# summary, and every benchmark's row with --table, its counters as plain numbers; the oneDNN runs
# name their weight layout, which SIMD_MLP_ONEDNN_WEIGHTS chooses, and the two layouts are compared
# in turns; a format other than console or json, or a layout other than blocked or oi, is a
# one-line error with exit status 2. The largest batch keeps the run short: one pair of epochs is
# 2 × 8,000 samples whatever the batch, and B = 8000 has the fewest steps per epoch; B = 8, the
# largest batch with floor_frac, adds one epoch and its floor. And the kernels' benchmarks are
# named after the kernels (bench/kernels/kernel_bench.h): every kernel of kernels/kernel_list.inc
# has one on the active ISA, f32_<field>__<isa>[/<variant>][/B:<batch>], and the GEMMs' Eigen
# baselines take the ISA's place.
set -euo pipefail
bench=$1
kernel_list=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

names=$("$bench" --benchmark_list_tests 2>/dev/null) || fail "--benchmark_list_tests failed"
isa=$(SIMD_MLP_ISA= "$bench" --benchmark_filter='^fma_peak$' --benchmark_min_time=0.01 \
      --benchmark_format=json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["context"]["simd_mlp_isa"])')
case $isa in  # oneDNN and libxsmm are x86-64 baselines (bench/BUILD): absent on aarch64
  sse2 | avx2 | avx512) x86=true ;;
  *) x86=false ;;
esac
fields=$(sed -n 's/^SIMD_MLP_KERNEL([a-z_]*, \([a-z_]*\), [A-Za-z]*)$/\1/p' "$kernel_list")
[[ $(wc -w <<<"$fields") -ge 20 ]] || fail "read too few kernels from $kernel_list: $fields"
for field in $fields; do
  grep -qE "^f32_${field}__${isa}(/|$)" <<<"$names" ||
    fail "no benchmark of kernel $field on $isa (want f32_${field}__${isa}[/...])"
done
for kernel in gemm_bias_act/tanh gemm_grad_w gemm_grad_x_act/tanh; do
  grep -qx "f32_${kernel%%/*}__eigen_${isa}${kernel#"${kernel%%/*}"}/B:32" <<<"$names" ||
    fail "no Eigen baseline f32_${kernel%%/*}__eigen_${isa}${kernel#"${kernel%%/*}"}/B:32"
done

# And libxsmm's (x86-64 only, bench/kernels/gemm_libxsmm_bench.cc): each product beside ours,
# apart and in turns, with our forward pass without an activation beside libxsmm's product + bias.
if $x86; then
  for kernel in gemm_bias_act/identity gemm_bias_act/tanh gemm_grad_w gemm_grad_w/product \
      gemm_grad_x_act/tanh; do
    field=${kernel%%/*} variant=${kernel#"$field"}
    for name in "f32_${field}__libxsmm${variant}/B:32" "f32_${field}__${isa}${variant}/B:32" \
        "f32_${field}__${isa}${variant}/B:32/vs_libxsmm"; do
      [[ $name == "f32_gemm_grad_w__${isa}/product/B:32" ]] && continue  # ours has no dW-only form
      grep -qx "$name" <<<"$names" || fail "no benchmark $name"
    done
  done
fi

json=${TEST_TMPDIR:-/tmp}/bench.json
summary=${TEST_TMPDIR:-/tmp}/bench_summary.txt
# The two-thread benchmarks exist only where there are two cores to run them (epoch_bench.cc).
cores=$(nproc)
"$bench" --benchmark_filter='^(fma_peak|epoch/(ours|eigen|onednn)/B:8000(/T:[12])?|epoch_vs_(eigen|onednn|1thread)/B:8000(/T:2)?|epoch_onednn_oi_vs_blocked/B:8000|epoch/ours/B:8/T:1|memory_floor/B:(8|8000))$' \
  --benchmark_min_time=0.01 --benchmark_format=json >"$json" 2>"$summary" ||
  fail "bench exited with status $?: $(cat "$summary")"

python3 - "$json" "$cores" "$x86" <<'PY' || fail "JSON output: see above"
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
two_cores = int(sys.argv[2]) >= 2
onednn = sys.argv[3] == "true"
want = {
    "fma_peak": ["gflops"],
    "epoch/ours/B:8000/T:1": ["ms_per_epoch", "gflops", "peak_frac"],
    "epoch/eigen/B:8000": ["ms_per_epoch", "gflops", "peak_frac"],
    "epoch_vs_eigen/B:8000": ["eigen_over_ours", "ours_ms", "eigen_ms"],
    "epoch/ours/B:8/T:1": ["ms_per_epoch", "gflops", "peak_frac", "floor_frac"],
    "memory_floor/B:8": ["ms_per_epoch", "us_per_step", "bytes_per_second"],
    "memory_floor/B:8000": ["ms_per_epoch", "us_per_step", "bytes_per_second"],
}
if onednn:
    want["epoch/onednn/B:8000"] = ["ms_per_epoch", "gflops", "peak_frac"]
    want["epoch_vs_onednn/B:8000"] = ["onednn_over_ours", "ours_ms", "onednn_ms"]
    want["epoch_onednn_oi_vs_blocked/B:8000"] = ["oi_over_blocked", "blocked_ms", "oi_ms"]
elif any("onednn" in name for name in runs):
    sys.exit(f"oneDNN benchmarks where oneDNN is not a baseline: {sorted(runs)}")
if two_cores:
    want["epoch/ours/B:8000/T:2"] = ["ms_per_epoch", "gflops", "peak_frac"]
    want["epoch_vs_1thread/B:8000/T:2"] = ["one_thread_over_ours", "ours_ms", "one_thread_ms"]
for name, counters in want.items():
    if name not in runs:
        sys.exit(f"no benchmark {name} among {sorted(runs)}")
    for c in counters:
        v = runs[name].get(c)
        if not isinstance(v, (int, float)) or not v > 0:
            sys.exit(f"{name}: counter {c} is {v!r}, want a positive number")
# The median of the per-pair ratios lies within the range the two medians allow only loosely
# (a median of ratios is not the ratio of medians), but a ratio 10x off would be a wrong pairing.
for baseline in ["eigen", "onednn"] if onednn else ["eigen"]:
    pair = runs[f"epoch_vs_{baseline}/B:8000"]
    ratio_of_medians = pair[f"{baseline}_ms"] / pair["ours_ms"]
    if not 0.1 < pair[f"{baseline}_over_ours"] / ratio_of_medians < 10:
        sys.exit(f"{baseline}_over_ours {pair[f'{baseline}_over_ours']} against {ratio_of_medians}")
for name in ["epoch/onednn/B:8000", "epoch_vs_onednn/B:8000"] if onednn else []:
    if runs[name].get("label") not in ("weights:blocked", "weights:oi"):
        sys.exit(f"{name}: label {runs[name].get('label')!r}, want weights:blocked or weights:oi")
# Only the small batches, where the bytes can bound a step, are measured against the floor.
if "floor_frac" in runs["epoch/ours/B:8000/T:1"]:
    sys.exit("epoch/ours/B:8000/T:1 has a floor_frac")
# An epoch of the floor is its steps' time: 1,000 steps at B = 8, one at B = 8000.
floor8, floor8000 = runs["memory_floor/B:8"], runs["memory_floor/B:8000"]
for run, steps in [(floor8, 1000), (floor8000, 1)]:
    if not 0.99 < run["ms_per_epoch"] * 1e3 / (steps * run["us_per_step"]) < 1.01:
        sys.exit(f"memory_floor: {run['ms_per_epoch']} ms per epoch of {steps} steps of {run['us_per_step']} us")
if two_cores:
    pair = runs["epoch_vs_1thread/B:8000/T:2"]
    ratio_of_medians = pair["one_thread_ms"] / pair["ours_ms"]
    if not 0.1 < pair["one_thread_over_ours"] / ratio_of_medians < 10:
        sys.exit(f"one_thread_over_ours {pair['one_thread_over_ours']} against {ratio_of_medians}")
PY

grep -q "in turns" "$summary" || fail "summary lacks the in-turns column: $(cat "$summary")"
row=$(grep -E '^ +8000 +1 ' "$summary") || fail "summary has no B = 8000 row: $(cat "$summary")"
# batch, threads, ours ms, Eigen ms, Eigen/ours, oneDNN ms, oneDNN/ours, 1thread/ours (-), % peak,
# % floor (-)
[[ $(awk '{print NF}' <<<"$row") -eq 10 && $(awk '{print $5}' <<<"$row") == *x ]] ||
  fail "B = 8000 row lacks the in-turns speed-up over Eigen: $row"
if $x86; then
  [[ $(awk '{print $7}' <<<"$row") == *x ]] ||
    fail "B = 8000 row lacks the in-turns speed-up over oneDNN: $row"
fi
row=$(grep -E '^ +8 +1 ' "$summary") || fail "summary has no B = 8 row: $(cat "$summary")"
[[ $(awk '{print NF}' <<<"$row") -eq 10 && $(awk '{print $10}' <<<"$row") == *% ]] ||
  fail "B = 8 row lacks the share of the memory floor: $row"
if ((cores >= 2)); then
  row=$(grep -E '^ +8000 +2 ' "$summary") || fail "no B = 8000, 2-thread row: $(cat "$summary")"
  # batch, threads, ours ms, the four baseline cells (-), 1thread/ours, % peak, % floor (-)
  [[ $(awk '{print NF}' <<<"$row") -eq 10 && $(awk '{print $8}' <<<"$row") == *x ]] ||
    fail "B = 8000, 2-thread row lacks the in-turns speed-up over one thread: $row"
fi

# The console: a header, then the summary; every benchmark's row only with --table, its counters
# as plain numbers (no rates), and peak_frac of each kernel against its own ISA's peak.
kernels=(--benchmark_filter="^f32_gemm_grad_w__${isa}/B:32\$" --benchmark_min_time=0.01)
out=$("$bench" "${kernels[@]}" 2>&1) || fail "console run: exit status $?: $out"
grep -q "^simd_mlp //bench on " <<<"$out" || fail "console run has no header: $out"
grep -q "^FMA peak of one core, measured now" <<<"$out" || fail "header lacks the peaks: $out"
! grep -q "WARNING" <<<"$out" || fail "console run prints a warning: $out"
! grep -q "f32_gemm_grad_w__" <<<"$out" || fail "a row without --table: $out"
out=$("$bench" "${kernels[@]}" --table 2>&1) || fail "--table: exit status $?: $out"
row=$(grep "^f32_gemm_grad_w__${isa}/B:32 " <<<"$out") || fail "--table shows no row: $out"
[[ $row =~ gflops=[0-9.]+\ peak_frac=0\.[0-9]+$ ]] ||
  fail "--table row's counters are not plain numbers with peak_frac < 1: $row"
set +e
err=$("$bench" --table --benchmark_format=json 2>&1 >/dev/null)
status=$?
set -e
[[ $status -eq 2 && $(wc -l <<<"$err") -eq 1 && $err == *"--table"* ]] ||
  fail "--table with JSON: want a one-line error naming --table and status 2, got $status: $err"

set +e
err=$("$bench" --benchmark_format=csv 2>&1 >/dev/null)
status=$?
set -e
[[ $status -eq 2 ]] || fail "--benchmark_format=csv: exit status $status, want 2"
[[ $(wc -l <<<"$err") -eq 1 && $err == *"--benchmark_format=csv"* ]] ||
  fail "--benchmark_format=csv: want a one-line error naming the flag, got: $err"

$x86 || { echo PASS; exit 0; }
# SIMD_MLP_ONEDNN_WEIGHTS picks the layout (the label says which ran); a bad value is an error.
onednn=(--benchmark_filter='^epoch/onednn/B:8000$' --benchmark_min_time=0.01 --benchmark_format=json)
out=$(SIMD_MLP_ONEDNN_WEIGHTS=oi "$bench" "${onednn[@]}" 2>/dev/null) ||
  fail "SIMD_MLP_ONEDNN_WEIGHTS=oi: exit status $?"
[[ $out == *'"label": "weights:oi"'* ]] ||
  fail "SIMD_MLP_ONEDNN_WEIGHTS=oi: epoch/onednn/B:8000 not labelled weights:oi: $out"
set +e
err=$(SIMD_MLP_ONEDNN_WEIGHTS=tiled "$bench" "${onednn[@]}" 2>&1 >/dev/null)
status=$?
set -e
[[ $status -eq 2 ]] || fail "SIMD_MLP_ONEDNN_WEIGHTS=tiled: exit status $status, want 2"
[[ $(wc -l <<<"$err") -eq 1 && $err == *"SIMD_MLP_ONEDNN_WEIGHTS=tiled"* ]] ||
  fail "SIMD_MLP_ONEDNN_WEIGHTS=tiled: want a one-line error naming it, got: $err"
echo PASS
