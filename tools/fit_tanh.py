#!/usr/bin/env python3
"""Derives the polynomials of the fast float tanh in kernels/activation-inl.h.

With FMA (avx2, avx512) the kernel computes, for a = |x| (clamped to 9.1),
    tanh(a) = E / (E + 2),   E = expm1(2a) = 2^k * expm1(r) + (2^k - 1),
    k = round(2a / ln2),     r = 2a - k ln2,  |r| <= ln2/2,
and expm1(r) = r + r^2 * Q(r). Q (degree 4) is fitted here so that the RELATIVE error of
expm1(r) is minimax on |r| <= ln2/2 (plus a margin for the float rounding of k): tanh inherits
E's relative error, and for small a (k = 0, r = 2a) relative is what keeps tanh(a) = a down to
the denormals. The fit is a Remez exchange in 30-digit arithmetic on the weighted error
    w(r) * (Q(r) - Qt(r)),  Qt(r) = (expm1(r) - r) / r^2,  w(r) = |r^2 / expm1(r)|,
then the coefficients are rounded to float32 and the relative error of expm1 with the ROUNDED
coefficients is re-measured (the second line printed). The float kernel's own accuracy is
measured, not inferred, by tests/kernels/activation_test.cc over float bit patterns.

Without FMA (sse2) it keeps the two-piece form
  a < 0.625:  tanh(a) = a + a^3 P(a^2)
  otherwise:  tanh(a) = 1 - 2 / (exp(2a) + 1),  exp(y) = 2^k X(r),  |r| <= ln2/2
with P and X near-minimax Chebyshev fits (mpmath.chebyfit), printed by the second part.

Run: python3 tools/fit_tanh.py   (needs python3-mpmath; prints the C++ constants)
"""
import struct

import mpmath as mp

mp.mp.dps = 30

DEGREE = 4  # Q; expm1's polynomial is then of degree 6
# k is rounded from a float product, so r can overshoot ln2/2 by ~1e-6: fit a little wider.
HALF = mp.log(2) / 2 * (1 + mp.mpf("1e-4"))
GRID = 1001  # odd: no grid point at r = 0, where a fixed c0 forces the error to 0


def to_f32(value):
    return struct.unpack("f", struct.pack("f", float(value)))[0]


def q_target(r):
    if r == 0:
        return mp.mpf(1) / 2
    return (mp.expm1(r) - r) / r ** 2


def weight(r):
    """|relative error of expm1| = weight(r) * |Q(r) - Qt(r)|; positive, as Remez needs."""
    if r == 0:
        return mp.mpf(0)
    return abs(r ** 2 / mp.expm1(r))


def poly(c, r):
    acc = mp.mpf(0)
    for coeff in reversed(c):
        acc = acc * r + coeff
    return acc


def remez(lo, hi, degree, fixed, iterations=30):
    """Minimax relative error of expm1 over c_j, j >= m, with c_0 .. c_{m-1} = fixed.

    Q - Qt = r^m (R - Rt) with R = sum_j c_{m+j} r^j and Rt = (Qt - fixed part) / r^m, so this is
    an ordinary weighted fit of R with the positive weight weight(r) |r|^m (the sign r^m flips at
    r = 0 costs no alternation). Returns all coefficients and the levelled error.
    """
    m = len(fixed)
    n = degree + 1 - m

    def target(r):
        return (q_target(r) - poly(fixed, r)) / r ** m

    def w(r):
        return weight(r) * abs(r) ** m

    def error(c, r):
        return w(r) * (poly(c, r) - target(r))

    # Start from Chebyshev extrema, the classic initial reference, nudged off r = 0.
    ref = [(lo + hi) / 2 - (hi - lo) / 2 * mp.cos(mp.pi * (i + mp.mpf("0.01")) / (n + mp.mpf("0.03")))
           for i in range(n + 1)]
    grid = [lo + (hi - lo) * i / GRID for i in range(GRID + 1)]
    for _ in range(iterations):
        # Solve R(r_i) + (-1)^i h / w(r_i) = Rt(r_i) for R's coefficients and the levelled h.
        a = mp.matrix(n + 1, n + 1)
        b = mp.matrix(n + 1, 1)
        for i, r in enumerate(ref):
            for j in range(n):
                a[i, j] = r ** j
            a[i, n] = (-1) ** i / w(r)
            b[i] = target(r)
        sol = mp.lu_solve(a, b)
        c = [sol[j] for j in range(n)]
        # New reference: the extremum of each run of one sign of the error on a dense grid.
        runs = []
        for r in grid:
            e = error(c, r)
            if runs and mp.sign(e) == mp.sign(runs[-1][1]):
                if abs(e) > abs(runs[-1][1]):
                    runs[-1] = (r, e)
            else:
                runs.append((r, e))
        while len(runs) > n + 1:  # drop the smaller extremum at an end
            runs.pop(0 if abs(runs[0][1]) < abs(runs[-1][1]) else -1)
        levelled = max(abs(e) for _, e in runs)
        if len(runs) < n + 1:
            break
        ref = [r for r, _ in runs]
        if levelled - min(abs(e) for _, e in runs) < levelled * mp.mpf("1e-4"):
            break
    return list(fixed) + c, levelled


def relative_error_expm1(c, lo, hi):
    worst = mp.mpf(0)
    for i in range(GRID + 1):
        r = lo + (hi - lo) * i / GRID
        if r == 0:
            continue
        approx = r + r * r * poly(c, r)
        worst = max(worst, abs(approx / mp.expm1(r) - 1))
    return worst


def main():
    # c0 = 1/2 exactly, as in expm1's Taylor series: the relative error then vanishes as r -> 0
    # (any other c0 leaves r (c0 - 1/2) there), and 1/2 is a float, so rounding cannot disturb it.
    _, free = remez(-HALF, HALF, DEGREE, [])
    c, levelled = remez(-HALF, HALF, DEGREE, [mp.mpf(1) / 2])
    print(f"Q: degree {DEGREE} on |r| <= {mp.nstr(HALF, 8)}; minimax relative error of expm1 "
          f"{mp.nstr(free, 3)} ({mp.nstr(free * 2 ** 24, 3)} x 2^-24) with c0 free, "
          f"{mp.nstr(levelled, 3)} ({mp.nstr(levelled * 2 ** 24, 3)} x 2^-24) with c0 = 1/2")
    c32 = [to_f32(x) for x in c]
    rounded = relative_error_expm1([mp.mpf(x) for x in c32], -HALF, HALF)
    print(f"   with the coefficients rounded to float32: {mp.nstr(rounded, 3)} "
          f"({mp.nstr(rounded * 2 ** 24, 3)} x 2^-24)")
    for i in reversed(range(len(c32))):
        print(f"  c{i} = {c32[i]!r}f  // {mp.nstr(c[i], 20)}")


SMALL = mp.mpf("0.625")  # tanh(0.625) ~ 0.555: above it, 1 - 2/(e+1) loses < 1 bit


def chebyshev_fit(name, f, interval, degree):
    coeffs, err = mp.chebyfit(f, interval, degree + 1, error=True)
    coeffs = list(reversed(coeffs))  # chebyfit returns the highest degree first
    print(f"{name}: degree {degree} on [{mp.nstr(interval[0], 6)}, {mp.nstr(interval[1], 6)}], "
          f"max abs error of the fit {mp.nstr(err, 3)}")
    for i, c in enumerate(coeffs):
        print(f"  c{i} = {to_f32(c)!r}f  // {mp.nstr(c, 20)}")


def two_piece():
    # P(u) with tanh(x) = x + x^3 P(x^2), u = x^2 in [0, SMALL^2]. The error of P is scaled by
    # x^2 <= 0.39 relative to the result, so an absolute error of 1e-9 in P is far below float's
    # 6e-8 relative rounding.
    def p_target(u):
        if u == 0:
            return mp.mpf(-1) / 3
        x = mp.sqrt(u)
        return (mp.tanh(x) - x) / (x ** 3)

    chebyshev_fit("P(u), tanh(x) = x + x^3 P(x^2)", p_target, [mp.mpf(0), SMALL ** 2], 5)
    half_ln2 = mp.log(2) / 2
    chebyshev_fit("X(r) ~ exp(r)", mp.exp, [-half_ln2, half_ln2], 6)


if __name__ == "__main__":
    main()
    print("sse2, the two-piece form:")
    two_piece()
